#!/usr/bin/env bash
# Macro benchmark of the gateway's raw proxy cost, with nginx as the peer measured in the same run:
# both are a plain reverse proxy, one worker each, in front of the same zero-latency `sluice sim`.
#
#   bench/gateway_proxy.sh [--duration 5] [--connections 64] [--repeat 3] [--rate 1000]
#                          [--latency-duration 5] [--max-tokens 16] [--no-pin]
#
# Measures, for non-streaming and streaming (SSE) chat with --max-tokens output tokens:
#  (a) max throughput: wrk (1 thread, Lua POST, --connections) direct to the sim, through nginx and
#      through `sluice gateway`; each run --repeat times, interleaved, and the median kept. The
#      proxy's CPU time per request and each core's busy share are printed too: with 2 cores the
#      sim + wrk core can be the bottleneck of the faster proxy, and CPU per request does not
#      depend on where the bottleneck is.
#  (b) latency at a moderate fixed load: `sluice bench --rate R` (open loop) direct, through nginx,
#      through sluice, --repeat times interleaved; added p50 = proxied e2e p50 - direct e2e p50
#      (medians over the runs).
# Then the two target ratios: sluice/nginx throughput (target >= 0.8) and sluice added p50 /
# nginx added p50 (target <= 1.5), with PASS/FAIL. Exit code 0 even on FAIL (a benchmark, not a
# test); non-zero only if something fails to start.
#
# Placement (2 cores): the proxy under test alone on core 1; the sim and the load generator share
# core 0 (taskset). --no-pin lets the kernel place everything.
# Needs: wrk, nginx (Debian nginx-light), a release build (SLUICE=path to override).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=5
CONNECTIONS=64
REPEAT=3
RATE=1000
LAT_DURATION=5
MAX_TOKENS=16
PIN=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --rate) RATE=$2; shift 2 ;;
    --latency-duration) LAT_DURATION=$2; shift 2 ;;
    --max-tokens) MAX_TOKENS=$2; shift 2 ;;
    --no-pin) PIN=0; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
SLUICE=${SLUICE:-build/release/src/cli/sluice}
[[ -x $SLUICE ]] || { echo "build first: make build (or SLUICE=path)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (scripts/install-deps.sh)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $NGINX ]] || { echo "nginx is missing (Debian nginx-light)" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

# core 0: sim + load generator; core 1: the proxy under test.
on_load=()
on_proxy=()
if ((PIN)) && command -v taskset >/dev/null && (($(nproc) >= 2)); then
  on_load=(taskset -c 0)
  on_proxy=(taskset -c 1)
fi

free_port() {  # a port nobody listens on
  local p
  while true; do
    p=$((20000 + RANDOM % 40000))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_http() {  # URL [pid] [text]: until it answers (containing text), while the process lives
  for _ in $(seq 200); do
    if [[ -z ${3:-} ]]; then
      curl -sf -o /dev/null "$1" && return 0
    else
      curl -sf "$1" 2>/dev/null | grep -qF -- "$3" && return 0
    fi
    [[ -n ${2:-} ]] && ! kill -0 "$2" 2>/dev/null && return 1
    sleep 0.05
  done
  return 1
}
die() { echo "gateway_proxy.sh: $*" >&2; exit 1; }

# Each process's CPU ticks (user + system), itself and its direct children (nginx's worker).
cpu_ticks() {
  local total=0 p
  for p in "$1" $(pgrep -P "$1" || true); do
    [[ -r /proc/$p/stat ]] || continue
    # fields 14/15 (utime/stime), counted after the ")" that closes the command name
    total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  echo "$total"
}
TICKS=$(getconf CLK_TCK)

SIM_PORT=$(free_port)
"${on_load[@]}" "$SLUICE" --log-level warn sim --host 127.0.0.1 --port "$SIM_PORT" --model bench \
  --profile fixed --ttft-ms 0 --itl-ms 0 --workers 1 --max-num-seqs 100000 \
  --num-gpu-blocks 1000000 --max-waiting 100000 >"$work/sim.log" 2>&1 &
SIM_PID=$!
pids+=("$SIM_PID")
wait_http "http://127.0.0.1:$SIM_PORT/health" "$SIM_PID" || die "sim did not start: $(cat "$work/sim.log")"

NGINX_PORT=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  upstream sim {
    server 127.0.0.1:$SIM_PORT;
    keepalive 1024;
  }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://sim;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
CONF
"${on_proxy[@]}" "$NGINX" -c "$work/nginx/nginx.conf" -p "$work/nginx" >"$work/nginx.log" 2>&1 &
NGINX_PID=$!
pids+=("$NGINX_PID")
wait_http "http://127.0.0.1:$NGINX_PORT/v1/models" "$NGINX_PID" ||
  die "nginx did not start: $(cat "$work/nginx.log" "$work/nginx/error.log" 2>/dev/null)"

GW_PORT=$(free_port)
"${on_proxy[@]}" "$SLUICE" --log-level warn gateway --host 127.0.0.1 --port "$GW_PORT" \
  --endpoint "http://127.0.0.1:$SIM_PORT" --workers 1 >"$work/gateway.log" 2>&1 &
GW_PID=$!
pids+=("$GW_PID")
# The gateway listens before every endpoint's model list is read: wait until it routes "bench".
wait_http "http://127.0.0.1:$GW_PORT/v1/models" "$GW_PID" '"bench"' || die "gateway did not start: $(cat "$work/gateway.log")"

declare -A URL=([direct]="http://127.0.0.1:$SIM_PORT" [nginx]="http://127.0.0.1:$NGINX_PORT"
  [sluice]="http://127.0.0.1:$GW_PORT")
declare -A PROC=([direct]="$SIM_PID" [nginx]="$NGINX_PID" [sluice]="$GW_PID")
TARGETS=(direct nginx sluice)

for mode in chat stream; do
  stream=false
  [[ $mode == stream ]] && stream=true
  body="{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story about a benchmark.\"}],\"max_tokens\":$MAX_TOKENS,\"stream\":$stream}"
  # Every path must give the same 200 answer before anything is measured.
  for t in "${TARGETS[@]}"; do
    code=$(curl -s -o "$work/check.$t" -w '%{http_code}' "${URL[$t]}/v1/chat/completions" \
      -H 'content-type: application/json' -d "$body")
    [[ $code == 200 ]] || die "$t answered $code for a $mode request: $(head -c 300 "$work/check.$t")"
  done
  cat >"$work/$mode.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
done

median() { sort -g | awk '{v[NR] = $1} END {print ((NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }

# Busy jiffies (everything but idle and iowait) of cores 0 and 1, from /proc/stat.
core_busy() { awk '/^cpu[01] / {printf "%d %d ", $2 + $3 + $4 + $7 + $8 + $9, $5 + $6} END {print ""}' /proc/stat; }

# One wrk run: prints "req/s proxy_cpu_us_per_request core0_busy% core1_busy% errors"; the CPU is
# the target's own process (user + system, the sim for "direct"), the busy shares are whole cores
# (softirq included, and anything else running on the machine).
wrk_run() {  # target mode
  local t=$1 mode=$2 before after out rps reqs bad c0 c1
  c0=$(core_busy)
  before=$(cpu_ticks "${PROC[$t]}")
  out=$("${on_load[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$work/$mode.lua" \
    "${URL[$t]}/v1/chat/completions")
  after=$(cpu_ticks "${PROC[$t]}")
  c1=$(core_busy)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  bad=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")
  awk -v r="$rps" -v n="$reqs" -v d=$((after - before)) -v hz="$TICKS" -v b="$bad" -v c0="$c0" -v c1="$c1" \
    'BEGIN {
       split(c0, x, " "); split(c1, y, " ")
       b0 = y[1] - x[1]; i0 = y[2] - x[2]; b1 = y[3] - x[3]; i1 = y[4] - x[4]
       printf "%s %.1f %.0f %.0f %d\n", r, (n > 0 ? d / hz / n * 1e6 : 0),
         (b0 + i0 > 0 ? 100 * b0 / (b0 + i0) : 0), (b1 + i1 > 0 ? 100 * b1 / (b1 + i1) : 0), b
     }'
}
list_median() { tr ' ' '\n' <<<"$1" | grep . | median; }

declare -A RPS CPU_US BAD
echo "== (a) max throughput: wrk -t1 -c$CONNECTIONS, ${DURATION}s, median of $REPEAT interleaved runs"
echo "   sim: fixed profile, ttft 0, itl 0, $MAX_TOKENS output tokens; proxies: 1 worker each$( ((${#on_proxy[@]})) && echo ', pinned to core 1 (sim + wrk on core 0)')"
printf '%-7s %-7s %9s %14s %12s %7s   %s\n' mode path 'req/s' 'CPU us/req' 'busy c0/c1' errors 'all runs (req/s)'
for mode in chat stream; do
  declare -A runs=() cpus=() c0s=() c1s=() bads=()
  for ((i = 0; i < REPEAT; i++)); do
    for t in "${TARGETS[@]}"; do
      read -r r c b0 b1 b < <(wrk_run "$t" "$mode")
      runs[$t]+="$r "
      cpus[$t]+="$c "
      c0s[$t]+="$b0 "
      c1s[$t]+="$b1 "
      bads[$t]=$((${bads[$t]:-0} + b))
    done
  done
  for t in "${TARGETS[@]}"; do
    RPS[$mode.$t]=$(list_median "${runs[$t]}")
    CPU_US[$mode.$t]=$(list_median "${cpus[$t]}")
    BAD[$mode.$t]=${bads[$t]}
    printf '%-7s %-7s %9.0f %14.1f %12s %7s   %s\n' "$mode" "$t" "${RPS[$mode.$t]}" "${CPU_US[$mode.$t]}" \
      "$(list_median "${c0s[$t]}")%/$(list_median "${c1s[$t]}")%" "${BAD[$mode.$t]}" "${runs[$t]}"
  done
  unset runs cpus c0s c1s bads
done
echo "   CPU us/req: user+system time of the path's own process (the sim for 'direct', else the proxy)"
echo "   per request; busy c0/c1: share of each core busy during the run (any process, softirq included)"

declare -A P50
echo "== (b) latency at $RATE req/s open loop (sluice bench, constant arrivals, ${LAT_DURATION}s after 1s"
echo "   warm-up, $REPEAT interleaved runs): median over runs of the e2e p50"
printf '%-7s %-7s %11s %11s %9s   %s\n' mode path 'e2e p50 ms' 'added p50' errors 'all runs (p50 ms)'
for mode in chat stream; do
  flags=()
  [[ $mode == chat ]] && flags=(--no-stream)
  declare -A p50s=() fails=()
  for ((i = 0; i < REPEAT; i++)); do
    for t in "${TARGETS[@]}"; do
      out=$("${on_load[@]}" "$SLUICE" --log-level warn bench --url "${URL[$t]}" --model bench "${flags[@]}" \
        --rate "$RATE" --duration "$LAT_DURATION" --warmup 1 --input-len 16 --output-len "$MAX_TOKENS" \
        --progress never 2>&1) || die "sluice bench failed: $out"
      p50s[$t]+="$(awk '$1 == "e2e" {print $3}' <<<"$out") "
      fails[$t]=$((${fails[$t]:-0} + $(awk '/^requests:/ {print $4}' <<<"$out")))
    done
  done
  for t in "${TARGETS[@]}"; do
    P50[$mode.$t]=$(list_median "${p50s[$t]}")
    BAD[$mode.$t]=$((${BAD[$mode.$t]} + ${fails[$t]}))
    added=$(awk -v a="${P50[$mode.$t]}" -v b="${P50[$mode.direct]}" 'BEGIN {printf "%.3f", a - b}')
    [[ $t == direct ]] && added=-
    printf '%-7s %-7s %11.3f %11s %9s   %s\n' "$mode" "$t" "${P50[$mode.$t]}" "$added" "${fails[$t]}" "${p50s[$t]}"
  done
  unset p50s fails
done

echo "== ratios (sluice vs nginx, same run)"
verdict() {  # value op limit
  awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {ok = (op == ">=") ? v >= l : v <= l; print (ok ? "PASS" : "FAIL")}'
}
status=PASS
for mode in chat stream; do
  tput=$(awk -v s="${RPS[$mode.sluice]}" -v n="${RPS[$mode.nginx]}" 'BEGIN {printf "%.2f", s / n}')
  cpu=$(awk -v s="${CPU_US[$mode.sluice]}" -v n="${CPU_US[$mode.nginx]}" 'BEGIN {printf "%.2f", (n > 0 ? s / n : 0)}')
  added_s=$(awk -v a="${P50[$mode.sluice]}" -v b="${P50[$mode.direct]}" 'BEGIN {print a - b}')
  added_n=$(awk -v a="${P50[$mode.nginx]}" -v b="${P50[$mode.direct]}" 'BEGIN {print a - b}')
  lat=$(awk -v s="$added_s" -v n="$added_n" 'BEGIN {if (n <= 0) print "inf"; else printf "%.2f", s / n}')
  v1=$(verdict "$tput" ">=" 0.8)
  if [[ $lat == inf ]]; then
    # nginx added nothing measurable: sluice passes only if it added nothing either.
    v2=$(awk -v s="$added_s" 'BEGIN {print ((s <= 0) ? "PASS" : "FAIL")}')
  else
    v2=$(verdict "$lat" "<=" 1.5)
  fi
  printf '%-8s throughput sluice/nginx %6s (target >= 0.8) %s   CPU per request sluice/nginx %s\n' \
    "$mode" "$tput" "$v1" "$cpu"
  printf '%-8s added p50  sluice/nginx %6s (target <= 1.5) %s   (%s ms vs %s ms)\n' \
    "$mode" "$lat" "$v2" "$(printf '%.3f' "$added_s")" "$(printf '%.3f' "$added_n")"
  [[ $v1 == PASS && $v2 == PASS ]] || status=FAIL
  for t in nginx sluice; do
    ((${BAD[$mode.$t]} == 0)) || { echo "WARNING: $t had ${BAD[$mode.$t]} failed requests ($mode)"; status=FAIL; }
  done
done
echo "overall: $status"
