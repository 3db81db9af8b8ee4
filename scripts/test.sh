#!/usr/bin/env bash
# Runs the whole test suite against the real parts: PostgreSQL, an S3 server (SeaweedFS) and
# headless Chromium. Installs what is missing, starts PostgreSQL and S3 on loopback in a
# temporary folder (scripts/with-services.sh), runs pytest, and stops both again, also when
# tests fail.
# Extra arguments go to pytest: scripts/test.sh -k login
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/venv.sh test

set +e
./scripts/with-services.sh .venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest ran no tests: that is neither a pass nor a failure of the suite, so this run fails." >&2
  echo "Check the arguments (-k, paths) or whether tests/ was collected." >&2
fi
exit "$rc"
