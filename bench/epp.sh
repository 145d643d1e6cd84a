#!/usr/bin/env bash
# Macro benchmark of `sluice epp`: ext_proc round trip at the client (headers + body in, header
# response + body echo out) with scheduling over 16 simulated endpoints, at fixed open-loop rates,
# next to an echo ext_proc server on gRPC C++ (the peer: what gRPC's own server costs for the same
# messages with no routing at all) and a plain TCP echo of the same bytes (the machine's floor).
#
#   bench/epp.sh [--rates 500,1000,2000,4000,8000] [--seconds 3] [--body-bytes 4096]
#                [--body-chunk-bytes 16384] [--scrape-interval 50ms] [--busy-poll] [--spin]
#
# --body-chunk-bytes the largest request body message (Envoy forwards a body 16 KiB at a time)
# --scrape-interval  how often the EPP scrapes each endpoint's /metrics (its default is 50ms);
#                    the scrapes, and the simulator answering them, share the two cores
# --busy-poll        runs `sluice epp --busy-poll` (its worker polls instead of sleeping)
# --spin             the client polls instead of sleeping, so its own wake-ups stay out of the
#                    measurement (both servers are measured the same way)
#
# The EPP, the echo peer and the TCP echo each run on core 0 (taskset), the client on core 1, the
# simulator wherever the kernel puts it. Last, the EPP's CPU time over the whole run is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
RATES=500,1000,2000,4000,8000
SECONDS_PER_RATE=3
BODY=4096
CHUNK=16384
SCRAPE=50ms
EPP_FLAGS=()
CLIENT_FLAGS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --rates) RATES=$2; shift 2 ;;
    --seconds) SECONDS_PER_RATE=$2; shift 2 ;;
    --body-bytes) BODY=$2; shift 2 ;;
    --body-chunk-bytes) CHUNK=$2; shift 2 ;;
    --scrape-interval) SCRAPE=$2; shift 2 ;;
    --busy-poll) EPP_FLAGS+=(--busy-poll); shift ;;
    --spin) CLIENT_FLAGS+=(--spin); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
SLUICE=${SLUICE:-build/release/src/cli/sluice}
BENCH=${BENCH:-build/release/bench/epp_bench}
[[ -x $SLUICE && -x $BENCH ]] || { echo "build first: make build" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

wait_line() {  # file, pattern: waits until the pattern appears, prints the first match
  for _ in $(seq 200); do
    if grep -Eo "$2" "$1" 2>/dev/null | head -1; then return 0; fi
    sleep 0.05
  done
  echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; return 1
}

"$SLUICE" sim --host 127.0.0.1 --port 0 --replicas 16 --model m >"$work/sim.out" 2>&1 &
pids+=($!)
wait_line "$work/sim.out" 'http://127.0.0.1:[0-9]+' >/dev/null
sleep 0.3
mapfile -t sims < <(grep -Eo '127.0.0.1:[0-9]+' "$work/sim.out" | head -16)
{
  cat <<YAML
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata: {name: bench}
spec:
  selector: {matchLabels: {app: sim}}
  targetPorts: [{number: 8000}]
---
apiVersion: sluice.dev/v1alpha1
kind: Gateway
metadata: {name: bench}
spec:
  metrics: {scrapeInterval: $SCRAPE, staleAfter: 60s}
---
apiVersion: sluice.dev/v1alpha1
kind: StaticEndpoints
metadata: {name: sims}
spec:
  endpoints:
YAML
  for s in "${sims[@]}"; do echo "  - {address: $s, labels: {app: sim}}"; done
} >"$work/epp.yaml"

taskset -c 0 "$SLUICE" epp --host 127.0.0.1 --grpc-port 0 --health-port 0 --metrics-port 0 \
  --config "$work/epp.yaml" "${EPP_FLAGS[@]}" >"$work/epp.out" 2>&1 &
epp_pid=$!
pids+=($epp_pid)
epp_port=$(wait_line "$work/epp.out" 'ext_proc on port [0-9]+' | grep -Eo '[0-9]+$')

taskset -c 0 "$BENCH" --serve-echo >"$work/echo.out" 2>&1 &
pids+=($!)
echo_port=$(wait_line "$work/echo.out" 'echo on port [0-9]+' | grep -Eo '[0-9]+$')

taskset -c 0 "$BENCH" --serve-tcp-echo >"$work/tcp.out" 2>&1 &
pids+=($!)
tcp_port=$(wait_line "$work/tcp.out" 'tcp echo on port [0-9]+' | grep -Eo '[0-9]+$')

echo "sluice epp ${EPP_FLAGS[*]} with ${#sims[@]} endpoints scraped every $SCRAPE, on core 0;" \
  "client ${CLIENT_FLAGS[*]} on core 1"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime of a process
epp_cpu_before=$(cpu_ticks "$epp_pid")
taskset -c 1 "$BENCH" --target "127.0.0.1:$epp_port" --peer "127.0.0.1:$echo_port" \
  --floor "127.0.0.1:$tcp_port" \
  --rates "$RATES" --seconds "$SECONDS_PER_RATE" --body-bytes "$BODY" \
  --body-chunk-bytes "$CHUNK" "${CLIENT_FLAGS[@]}"
# The EPP is idle while the peer and the floor are measured, but for its scrapes: its CPU time over
# the run is its requests' cost plus the scraping (use a long --scrape-interval to isolate the first).
epp_cpu_ms=$(( ($(cpu_ticks "$epp_pid") - epp_cpu_before) * 1000 / $(getconf CLK_TCK) ))
echo "sluice epp CPU time over the run: $epp_cpu_ms ms"
