#!/usr/bin/env bash
# Runs every benchmark under bench/ (or those named: scripts/bench.sh bench/matching_suggestions.py).
set -euo pipefail
cd "$(dirname "$0")/.."
# bench/urls.py and bench/locustfile.py are used by the benchmarks, not run on their own.
if [ "$#" -eq 0 ]; then
  set -- bench/city.py bench/photo.py bench/matching_suggestions.py bench/report.py bench/pages.py bench/access_log.py \
    bench/throughput.py bench/openloop.py bench/speedups.py bench/photo_upload.py bench/load.py bench/cbs.py
fi
for benchmark in "$@"; do
  echo "== $benchmark"
  .venv/bin/python "$benchmark"
done
