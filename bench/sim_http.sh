#!/usr/bin/env bash
# Macro benchmark of `sluice sim` as an HTTP server, against nginx as the peer measured in the
# same run (nginx answering a fixed JSON body of the same size: the cost of HTTP alone).
#
#   bench/sim_http.sh [--duration 10] [--connections 64]
#
# Prints requests/s for: non-streaming chat (100 tokens), streaming chat (100 tokens, SSE), nginx
# static JSON; the sim/nginx ratio; and the simulator's RSS with 2,000 concurrent open streams.
# Needs: wrk, nginx (Debian nginx-light), a release build. One worker thread for the simulator
# and one nginx worker, so both use one core; wrk gets the other.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=10
CONNECTIONS=64
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
SLUICE=${SLUICE:-build/release/src/cli/sluice}
[[ -x $SLUICE ]] || { echo "build first: make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk is missing (scripts/install-deps.sh)" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

free_port() {  # a port nobody listens on
  local p
  while true; do
    p=$((20000 + RANDOM % 40000))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_port() { for _ in $(seq 100); do curl -s "http://127.0.0.1:$1$2" >/dev/null && return 0; sleep 0.05; done; return 1; }

SIM_PORT=$(free_port)
SIM_PID=
start_sim() {  # extra flags for the fixed profile; restarts the simulator on SIM_PORT
  if [[ -n $SIM_PID ]]; then kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true; fi
  "$SLUICE" --log-level warn sim --host 127.0.0.1 --port "$SIM_PORT" --model bench --profile fixed \
    --ttft-ms 0 --workers 1 --num-gpu-blocks 100000 --max-waiting 100000 "$@" >/dev/null &
  SIM_PID=$!
  pids+=("$SIM_PID")
  wait_port "$SIM_PORT" /health
}

body_chat='{"model":"bench","messages":[{"role":"user","content":"Tell me a story about a benchmark."}],"max_tokens":100}'
body_stream='{"model":"bench","messages":[{"role":"user","content":"Tell me a story about a benchmark."}],"max_tokens":100,"stream":true}'
lua() {  # $1 = body
  cat <<LUA
wrk.method = "POST"
wrk.body = '$1'
wrk.headers["Content-Type"] = "application/json"
LUA
}
lua "$body_chat" >"$work/chat.lua"
lua "$body_stream" >"$work/stream.lua"

echo "== 2,000 concurrent open streams (itl 20 ms, 500 tokens each) =="
start_sim --itl-ms 20
lua '{"model":"bench","messages":[{"role":"user","content":"Tell me a long story."}],"max_tokens":500,"stream":true}' >"$work/long.lua"
wrk -t2 -c2000 -d8s --timeout 30s -s "$work/long.lua" "http://127.0.0.1:$SIM_PORT/v1/chat/completions" >"$work/long.out" &
wrk_pid=$!
sleep 5
running=$(curl -s "http://127.0.0.1:$SIM_PORT/metrics" | awk '/^vllm:num_requests_running/ {print $2}')
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$SIM_PID/status")
wait "$wrk_pid" || true
grep -h 'Socket errors' "$work/long.out" || true
printf '%-44s %12s\n' "open streams (vllm:num_requests_running)" "$running"
awk -v kb="$rss_kb" 'BEGIN {printf "%-44s %12.1f MiB\n", "sim RSS with those streams open", kb/1024}'

start_sim --itl-ms 0

# The peer: nginx returning a body the size of the simulator's answer.
sample=$(curl -s "http://127.0.0.1:$SIM_PORT/v1/chat/completions" -H 'content-type: application/json' -d "$body_chat")
printf '%s' "$sample" >"$work/answer.json"
NGINX_PORT=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport;
    location / { default_type application/json; alias $work/answer.json; }
  }
}
CONF
"$NGINX" -c "$work/nginx.conf" -p "$work" &
pids+=($!)
wait_port "$NGINX_PORT" /

rps() {  # wrk output -> requests/s
  awk '/Requests\/sec/ {print $2}'
}
run_wrk() {  # $1 url, $2 script (optional)
  local args=(-t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency)
  [[ -n ${2:-} ]] && args+=(-s "$2")
  wrk "${args[@]}" "$1"
}

echo "== sluice sim (1 worker, fixed 0/0 profile), wrk 1 thread, $CONNECTIONS connections, ${DURATION}s =="
chat_out=$(run_wrk "http://127.0.0.1:$SIM_PORT/v1/chat/completions" "$work/chat.lua")
stream_out=$(run_wrk "http://127.0.0.1:$SIM_PORT/v1/chat/completions" "$work/stream.lua")
nginx_out=$(run_wrk "http://127.0.0.1:$NGINX_PORT/answer.json")
chat_rps=$(rps <<<"$chat_out")
stream_rps=$(rps <<<"$stream_out")
nginx_rps=$(rps <<<"$nginx_out")
non2xx=$(grep -h 'Non-2xx' <<<"$chat_out$stream_out" || true)
printf '%-44s %12s req/s\n' "sim non-streaming chat, 100 tokens" "$chat_rps"
printf '%-44s %12s req/s\n' "sim streaming chat, 100 tokens (SSE)" "$stream_rps"
printf '%-44s %12s req/s\n' "nginx static JSON of the same size (peer)" "$nginx_rps"
awk -v a="$chat_rps" -v b="$nginx_rps" 'BEGIN {printf "%-44s %12.2f\n", "ratio sim non-streaming / nginx", a/b}'
[[ -n $non2xx ]] && echo "WARNING: $non2xx"

echo "== 512 streams with a token every 1 ms (100 tokens): one SSE write per token =="
start_sim --itl-ms 1
paced_out=$(wrk -t1 -c512 -d"${DURATION}s" --latency -s "$work/stream.lua" "http://127.0.0.1:$SIM_PORT/v1/chat/completions")
paced_rps=$(rps <<<"$paced_out")
paced_p50=$(awk '/^ +50%/ {print $2}' <<<"$paced_out")
printf '%-44s %12s req/s (ideal 5120)\n' "sim paced streams, 512 connections" "$paced_rps"
printf '%-44s %12s (ideal 100ms)\n' "  request latency p50" "$paced_p50"
awk -v r="$paced_rps" 'BEGIN {printf "%-44s %12.0f tokens/s\n", "  tokens streamed", r*100}'

