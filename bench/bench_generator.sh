#!/usr/bin/env bash
# Macro benchmark of `sluice bench` itself, the load generator (issue #3), with wrk as the peer
# measured in the same run. The simulator runs on core 0, the generators on core 1 (taskset).
#
#   bench/bench_generator.sh [--duration 5]
#
# Prints:
#  1. open loop (after a 1 s warm-up that opens the connections): schedule delay and achieved
#     rate of one generator thread at 5k, 10k and 12k
#     streaming requests/s against a zero-latency `sluice sim` (8 output tokens each);
#  2. capacity: closed-loop requests/s of one sluice bench thread (SSE parsed, every token timed)
#     vs one wrk thread posting the same streaming request (no parsing), and their ratio;
#  3. concurrent streams: 1,600 req/s of 6.5 s streams (TTFT 2 s, 10 tokens at 500 ms) held by
#     one generator thread, with the peak in-flight count from the progress line.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=5
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
SLUICE=${SLUICE:-build/release/src/cli/sluice}
[[ -x $SLUICE ]] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

start_sim() {  # start_sim ARGS...: starts a fixed-profile sim on core 0, prints its URL
  local out=$work/sim.$RANDOM
  taskset -c 0 "$SLUICE" sim --host 127.0.0.1 --port 0 --model m --profile fixed "$@" >"$out" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do
    grep -o 'http://[0-9.:]*' "$out" | head -1 && return 0
    sleep 0.05
  done
  echo "sim did not start" >&2; exit 1
}
metric() { grep -E "^$1 " | awk '{print $3, $5, $6}'; }  # p50 p99 p99.9 (ms)

url=$(start_sim --ttft-ms 0 --itl-ms 0)
echo "== open loop, one generator thread, zero-latency sim, 8 output tokens"
printf '%-8s %-10s %-12s %-12s %-12s\n' rate achieved 'delay p50' 'delay p99' 'delay p99.9'
for rate in 5000 10000 12000; do
  out=$(taskset -c 1 "$SLUICE" bench --url "$url" --model m --rate "$rate" --duration "$DURATION" --warmup 1 \
    --input-len 16 --output-len 8 2>&1)
  achieved=$(grep -o 'achieved [0-9.]*' <<<"$out" | awk '{print $2}')
  read -r p50 p99 p999 < <(sed 's/schedule delay/schedule_delay/' <<<"$out" | metric schedule_delay)
  printf '%-8s %-10s %-12s %-12s %-12s\n' "$rate" "$achieved" "${p50}ms" "${p99}ms" "${p999}ms"
done

echo "== closed loop capacity, one thread each, 64 in flight"
body='{"model":"m","messages":[{"role":"user","content":"hello there"}],"max_tokens":8,"ignore_eos":true,"stream":true,"stream_options":{"include_usage":true}}'
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
sluice_out=$(taskset -c 1 "$SLUICE" bench --url "$url" --model m --concurrency 64 \
  --duration "$DURATION" --input-len 2 --output-len 8 2>&1)
sluice_rps=$(grep -o 'achieved [0-9.]*' <<<"$sluice_out" | awk '{print $2}')
wrk_out=$(taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" -s "$work/post.lua" "$url/v1/chat/completions")
wrk_rps=$(grep 'Requests/sec' <<<"$wrk_out" | awk '{print $2}')
echo "sluice bench: $sluice_rps req/s   wrk: $wrk_rps req/s   ratio: $(awk "BEGIN{printf \"%.2f\", $sluice_rps/$wrk_rps}")"

echo "== concurrent streams: 1,600 req/s of 6.5 s streams"
url=$(start_sim --ttft-ms 2000 --itl-ms 500 --max-num-seqs 20000 --num-gpu-blocks 200000 --max-waiting 20000)
out=$(taskset -c 1 "$SLUICE" bench --url "$url" --model m --rate 1600 --duration 10 \
  --input-len 16 --output-len 10 --progress always 2>&1)
peak=$(grep -o 'in-flight [0-9]*' <<<"$out" | awk '{print $2}' | sort -n | tail -1)
grep -E '^requests:|^ttft |^schedule delay' <<<"$out"
echo "peak in flight: $peak"
