#!/usr/bin/env bash
# Test-only dependencies that do not come from Debian: the `openai` npm client used by the
# integration tests, installed into tests/integration/node (package.json pins the version).
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/tests/integration/node"
if [[ ! -d "$dir/node_modules/openai" ]]; then
  echo "install-test-deps: npm install in $dir"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
fi
