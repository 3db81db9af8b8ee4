#!/usr/bin/env bash
# Runs every benchmark under bench/ (or those named: scripts/bench.sh bench/matching_suggestions.py).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -eq 0 ]; then set -- bench/*.py; fi
for benchmark in "$@"; do
  echo "== $benchmark"
  .venv/bin/python "$benchmark"
done
