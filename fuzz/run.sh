#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs the CEL one over the kept corpus for a while.
#   fuzz/run.sh [BUILD_DIR] [SECONDS]      (defaults: build/fuzz, 30)
# New inputs go to a scratch corpus in BUILD_DIR, so a CI run never changes the repository; copy
# interesting ones into fuzz/corpus/cel by hand (`cel_fuzz -merge=1 fuzz/corpus/cel NEW_DIR`).
# A crash leaves its input in BUILD_DIR/crash-* and fails the run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(realpath -m "${1:-$here/../build/fuzz}")"
seconds="${2:-30}"
CXX="${FUZZ_CXX:-clang++}" cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" --target cel_fuzz
scratch="$build/corpus-cel"
mkdir -p "$scratch"
cd "$build"
./cel_fuzz -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
  -print_final_stats=1 "$scratch" "$here/corpus/cel"
