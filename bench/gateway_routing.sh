#!/usr/bin/env bash
# Macro benchmark of routing quality: `sluice bench` through `sluice gateway` in front of an
# 8-endpoint `sluice sim` fleet (realistic H100 profile, small KV cache, LoRA slots), with a
# shared-prefix, multi-LoRA workload, for three scheduling configurations measured in one run:
#   round-robin    EndpointPickerConfig: round-robin-picker only
#   least-request  EndpointPickerConfig: active-request-scorer + max-score-picker
#   default        no EndpointPickerConfig: the gateway's built-in default profile
#
#   bench/gateway_routing.sh [--duration 60] [--warmup 10] [--load 0.8] [--rate R]
#                            [--probe-duration 20] [--probe-concurrency 256] [--arrival poisson]
#                            [--no-capacity]
#
# 1. Finds round-robin's saturation: a closed-loop probe (--probe-concurrency requests in flight,
#    5 s unreported, then --probe-duration s) through the round-robin gateway; its
#    completed requests/s is the saturation rate. --rate R skips the probe and uses R.
# 2. Runs each configuration at --load x that rate (open loop, --arrival) for --warmup + --duration
#    seconds, on a freshly started fleet each time (caches start cold and equal).
# 3. Unless --no-capacity: the same closed-loop probe for the other two configurations. Below
#    everyone's saturation an open-loop run completes the same requests whatever the routing, so
#    its output tokens/s differ only by the drain of the slowest requests; the probe's output
#    tokens/s is the throughput each configuration can actually sustain.
# Prints TTFT p50/p90, ITL p90, output tokens/s, errors, the fleet's prefix-cache hit rate and
# preemptions, CPU use of the sim, gateway and generator (to show the 2 cores are not the
# bottleneck), the saturation throughput, and the ratios default/round-robin and
# default/least-request.
# Exit code: non-zero if something fails to start (not if a target is missed).
# Needs a release build (SLUICE=path to override).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=60
WARMUP=10
LOAD=0.8
RATE=
PROBE_DURATION=20
PROBE_WARMUP=5
PROBE_CONCURRENCY=256
ARRIVAL=poisson
CAPACITY=1
# The fleet and the workload. 4 models (base + 3 adapters, at most 2 resident per endpoint) x 16
# prefix groups of 2,048 tokens = 64 distinct cached prefixes of 128 blocks each, 8,192 blocks in
# all, against 2,048 blocks per endpoint: every endpoint can hold its eighth of the prefixes, no
# endpoint can hold them all.
REPLICAS=8
PROFILE=llama-3.1-8b-h100
GPU_BLOCKS=2048
MAX_LORAS=2
PREFIX_GROUPS=16
PROMPTS_PER_GROUP=32
PREFIX_LEN=2048
INPUT_LEN=64
OUTPUT_LEN=64
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --load) LOAD=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --probe-duration) PROBE_DURATION=$2; shift 2 ;;
    --probe-concurrency) PROBE_CONCURRENCY=$2; shift 2 ;;
    --arrival) ARRIVAL=$2; shift 2 ;;
    --no-capacity) CAPACITY=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
SLUICE=${SLUICE:-build/release/src/cli/sluice}
[[ -x $SLUICE ]] || { echo "build first: make build (or SLUICE=path)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true
die() { echo "gateway_routing.sh: $*" >&2; exit 1; }

port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_ports() {  # N: the first of N consecutive ports nobody listens on
  local p i ok
  while true; do
    p=$((20000 + RANDOM % 40000))
    ok=1
    for ((i = 0; i < $1; i++)); do port_free $((p + i)) || { ok=0; break; }; done
    ((ok)) && { echo "$p"; return; }
  done
}
wait_http() {  # URL pid [text]: until it answers (containing text), or fail if the process died
  for _ in $(seq 200); do
    if [[ -z ${3:-} ]]; then
      curl -sf -o /dev/null "$1" && return 0
    else
      curl -sf "$1" 2>/dev/null | grep -qF -- "$3" && return 0
    fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}
stop() {  # pid: SIGTERM and wait, so the next fleet starts on free ports
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
TICKS=$(getconf CLK_TCK)

MODELS=(base adapterA adapterB adapterC)
LORA_FLAGS=()
for m in "${MODELS[@]:1}"; do LORA_FLAGS+=(--lora "$m=base"); done
MODEL_SPLIT=()
for m in "${MODELS[@]}"; do MODEL_SPLIT+=(--model "$m=1"); done

FLEET_PORT=$(free_ports "$REPLICAS")
GW_PORT=$(free_ports 1)
FLEET_PID=
GW_PID=
start_fleet() {
  "$SLUICE" --log-level warn sim --host 127.0.0.1 --port "$FLEET_PORT" --replicas "$REPLICAS" \
    --workers 1 --profile "$PROFILE" --model base "${LORA_FLAGS[@]}" --max-loras "$MAX_LORAS" \
    --num-gpu-blocks "$GPU_BLOCKS" >"$work/fleet.log" 2>&1 &
  FLEET_PID=$!
  pids+=("$FLEET_PID")
  local i
  for ((i = 0; i < REPLICAS; i++)); do
    wait_http "http://127.0.0.1:$((FLEET_PORT + i))/health" "$FLEET_PID" ||
      die "sim fleet did not start: $(cat "$work/fleet.log")"
  done
}
start_gateway() {  # config file
  "$SLUICE" --log-level warn gateway --config "$1" --host 127.0.0.1 --port "$GW_PORT" --workers 1 \
    >"$work/gateway.log" 2>&1 &
  GW_PID=$!
  pids+=("$GW_PID")
  # It listens before every endpoint's model list is read: wait until the last adapter is routed.
  wait_http "http://127.0.0.1:$GW_PORT/v1/models" "$GW_PID" "\"${MODELS[-1]}\"" ||
    die "gateway did not start with $(basename "$1"): $(cat "$work/gateway.log")"
}

# The three configurations: one pool selecting the 8 endpoints; the first two with a picker config.
write_config() {  # name picker-config-yaml (empty = the built-in default profile)
  local file=$work/$1.yaml i
  {
    cat <<YAML
apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: fleet
spec:
  selector:
    matchLabels: {app: sim-fleet}
  targetPorts:
  - number: $FLEET_PORT
YAML
    [[ -n $2 ]] && printf '  endpointPickerRef:\n    name: %s-epp\n    port: {number: 9002}\n' "$1"
    printf -- '---\napiVersion: sluice.dev/v1alpha1\nkind: StaticEndpoints\nmetadata:\n  name: sim-fleet\nspec:\n  endpoints:\n'
    for ((i = 0; i < REPLICAS; i++)); do
      printf '  - {address: "127.0.0.1:%d", labels: {app: sim-fleet}}\n' $((FLEET_PORT + i))
    done
    if [[ -n $2 ]]; then
      printf -- '---\napiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nmetadata:\n  name: %s-epp\n' "$1"
      printf '%s\n' "$2"
    fi
  } >"$file"
  "$SLUICE" --log-level warn gateway --config "$file" --check >"$work/check.log" 2>&1 ||
    die "$1 configuration rejected: $(cat "$work/check.log")"
}
write_config round-robin 'plugins:
- type: round-robin-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: round-robin-picker'
write_config least-request 'plugins:
- type: active-request-scorer
- type: max-score-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: active-request-scorer
  - pluginRef: max-score-picker'
write_config default ''

BENCH_COMMON=(--url "http://127.0.0.1:$GW_PORT" "${MODEL_SPLIT[@]}" --dataset shared-prefix
  --groups "$PREFIX_GROUPS" --prompts-per-group "$PROMPTS_PER_GROUP" --prefix-len "$PREFIX_LEN"
  --input-len "$INPUT_LEN" --output-len "$OUTPUT_LEN" --progress never --timeout 300)

fleet_metric() {  # prometheus name: summed over the replicas (every label set)
  local i
  for ((i = 0; i < REPLICAS; i++)); do curl -s "http://127.0.0.1:$((FLEET_PORT + i))/metrics"; done |
    awk -v n="$1" 'index($1, n) == 1 && (substr($1, length(n) + 1, 1) == "{" || length($1) == length(n)) {s += $2} END {print s + 0}'
}

echo "fleet: $REPLICAS x sluice sim --profile $PROFILE --num-gpu-blocks $GPU_BLOCKS --max-loras $MAX_LORAS, models ${MODELS[*]}"
echo "workload: shared-prefix, $PREFIX_GROUPS groups x $PROMPTS_PER_GROUP prompts, prefix $PREFIX_LEN + question $INPUT_LEN tokens, $OUTPUT_LEN output tokens, even split over the 4 models"

probe() {  # config: closed-loop saturation of a fresh fleet through that configuration; sets
  # SAT, SAT_TOKS and SAT_ERR (completed requests/s, output tokens/s, failed requests)
  local out
  start_fleet
  start_gateway "$work/$1.yaml"
  out=$("$SLUICE" bench "${BENCH_COMMON[@]}" --concurrency "$PROBE_CONCURRENCY" --warmup "$PROBE_WARMUP" \
    --duration "$PROBE_DURATION" 2>&1) || die "saturation probe failed ($1): $out"
  stop "$GW_PID"
  stop "$FLEET_PID"
  SAT[$1]=$(awk '/^throughput:/ {print $2}' <<<"$out")
  SAT_TOKS[$1]=$(awk '/^throughput:/ {print $7}' <<<"$out")
  SAT_ERR[$1]=$(awk '/^requests:/ {print $4}' <<<"$out")
  [[ -n ${SAT[$1]} && -n ${SAT_TOKS[$1]} ]] || die "no throughput in the probe's output ($1): $out"
}

declare -A SAT SAT_TOKS SAT_ERR
if [[ -z $RATE ]]; then
  echo "== round-robin saturation: closed loop, $PROBE_CONCURRENCY in flight, ${PROBE_WARMUP}s warm-up + ${PROBE_DURATION}s"
  probe round-robin
  RATE=$(awk -v s="${SAT[round-robin]}" -v l="$LOAD" 'BEGIN {printf "%.1f", s * l}')
  echo "saturation ${SAT[round-robin]} req/s (${SAT_TOKS[round-robin]} output tok/s) -> measuring at $LOAD x = $RATE req/s"
fi

declare -A TTFT50 TTFT90 ITL90 TOKS ERR HIT PRE CPU
echo "== $RATE req/s open loop ($ARRIVAL), ${WARMUP}s warm-up + ${DURATION}s measured, fresh fleet per configuration"
for cfg in round-robin least-request default; do
  start_fleet
  start_gateway "$work/$cfg.yaml"
  sim0=$(cpu_ticks "$FLEET_PID")
  gw0=$(cpu_ticks "$GW_PID")
  TIMEFORMAT='%U %S %R'
  { time "$SLUICE" bench "${BENCH_COMMON[@]}" --rate "$RATE" --arrival "$ARRIVAL" --warmup "$WARMUP" \
    --duration "$DURATION" >"$work/$cfg.out" 2>&1; } 2>"$work/$cfg.time" ||
    die "sluice bench failed ($cfg): $(cat "$work/$cfg.out")"
  sim1=$(cpu_ticks "$FLEET_PID")
  gw1=$(cpu_ticks "$GW_PID")
  out=$(cat "$work/$cfg.out")
  read -r TTFT50[$cfg] TTFT90[$cfg] < <(awk '$1 == "ttft" {print $3, $4}' <<<"$out")
  ITL90[$cfg]=$(awk '$1 == "itl" && $3 == "chunk)" {print $6}' <<<"$out")
  TOKS[$cfg]=$(awk '/^throughput:/ {print $7}' <<<"$out")
  ERR[$cfg]=$(awk '/^requests:/ {print $4}' <<<"$out")
  hits=$(fleet_metric vllm:prefix_cache_hits_total)
  queries=$(fleet_metric vllm:prefix_cache_queries_total)
  HIT[$cfg]=$(awk -v h="$hits" -v q="$queries" 'BEGIN {printf "%.0f%%", (q > 0 ? 100 * h / q : 0)}')
  PRE[$cfg]=$(fleet_metric vllm:num_preemptions_total)
  read -r bu bs wall <"$work/$cfg.time"
  CPU[$cfg]=$(awk -v s=$((sim1 - sim0)) -v g=$((gw1 - gw0)) -v hz="$TICKS" -v bu="$bu" -v bs="$bs" -v w="$wall" \
    'BEGIN {printf "%.0f/%.0f/%.0f", 100 * s / hz / w, 100 * g / hz / w, 100 * (bu + bs) / w}')
  [[ -n ${TTFT90[$cfg]} && -n ${TOKS[$cfg]} ]] || die "could not read the report ($cfg): $out"
  grep -qE '^requests:' <<<"$out" && echo "$cfg: $(grep -E '^requests:' <<<"$out")"
  stop "$GW_PID"
  stop "$FLEET_PID"
done

if ((CAPACITY)); then
  echo "== saturation of the other configurations (same closed-loop probe, fresh fleet each)"
  for cfg in round-robin least-request default; do
    [[ -n ${SAT[$cfg]:-} ]] && continue
    probe "$cfg"
    echo "$cfg: ${SAT[$cfg]} req/s, ${SAT_TOKS[$cfg]} output tok/s, ${SAT_ERR[$cfg]} failed"
  done
fi

echo
printf '%-14s %9s %9s %8s %11s %6s %7s %8s %13s %11s\n' profile 'TTFT p50' 'TTFT p90' 'ITL p90' \
  'output tok/s' errors 'prefix' preempt 'CPU% sim/gw/b' 'sat. tok/s'
for cfg in round-robin least-request default; do
  printf '%-14s %9s %9s %8s %11s %6s %7s %8s %13s %11s\n' "$cfg" "${TTFT50[$cfg]}" "${TTFT90[$cfg]}" \
    "${ITL90[$cfg]}" "${TOKS[$cfg]}" "${ERR[$cfg]}" "${HIT[$cfg]}" "${PRE[$cfg]}" "${CPU[$cfg]}" \
    "${SAT_TOKS[$cfg]:--}"
done
echo "latencies in ms; prefix = fleet prefix-cache hit rate in tokens (warm-up included); CPU% of one"
echo "core: sim fleet / gateway / sluice bench; sat. tok/s = output tokens/s of the closed-loop probe"
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b == "" || b <= 0) print "-"; else printf "%.2f", a / b}'; }
status=PASS
for base in round-robin least-request; do
  r_ttft=$(ratio "${TTFT90[default]}" "${TTFT90[$base]}")
  r_tok=$(ratio "${TOKS[default]}" "${TOKS[$base]}")
  r_sat=$(ratio "${SAT_TOKS[default]:-}" "${SAT_TOKS[$base]:-}")
  v_ttft=$(awk -v r="$r_ttft" 'BEGIN {print ((r < 1) ? "PASS" : "FAIL")}')
  # Throughput: the sustainable (saturation) throughput when it was measured, else the open-loop one.
  r_thr=$r_sat
  [[ $r_thr == - ]] && r_thr=$r_tok
  v_thr=$(awk -v r="$r_thr" 'BEGIN {print ((r > 1) ? "PASS" : "FAIL")}')
  printf 'default/%-13s TTFT p90 %5s (< 1 %s)  TTFT p50 %5s  ITL p90 %5s  output tok/s %5s  saturation tok/s %5s (> 1 %s)\n' \
    "$base" "$r_ttft" "$v_ttft" "$(ratio "${TTFT50[default]}" "${TTFT50[$base]}")" \
    "$(ratio "${ITL90[default]}" "${ITL90[$base]}")" "$r_tok" "$r_sat" "$v_thr"
  [[ $v_ttft == PASS && $v_thr == PASS ]] || status=FAIL
done
for cfg in round-robin least-request default; do
  [[ ${ERR[$cfg]} == 0 ]] || { echo "WARNING: $cfg had ${ERR[$cfg]} failed requests"; status=FAIL; }
done
echo "overall: $status"
