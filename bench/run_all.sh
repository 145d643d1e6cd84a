#!/usr/bin/env bash
# Runs every benchmark: the micro-benchmarks, then the macro benchmarks. Results go to
# docs/benchmarks.md by hand, with the command and the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in build/release/bench/*_bench; do
  echo "== $b"
  "$b" --benchmark_min_time=0.2
done
bench/sim_http.sh "$@"
bench/bench_generator.sh
bench/gateway_proxy.sh
bench/gateway_routing.sh
