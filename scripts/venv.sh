#!/usr/bin/env bash
# Creates .venv with Python 3.12 or newer and installs a dependency group from pyproject.toml.
# Usage: scripts/venv.sh run|test|bench   (bench includes test, test includes run)
set -euo pipefail
cd "$(dirname "$0")/.."
group="${1:-run}"

find_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.13 python3.12 python3 \
      "$HOME"/.pyenv/versions/3.13*/bin/python3 "$HOME"/.pyenv/versions/3.12*/bin/python3 \
      /usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || [ -x "$candidate" ] || continue
    if "$candidate" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
  if ! python=$(find_python); then
    echo "The register needs Python 3.12 or newer (Django 6.1), and none was found." >&2
    echo "Install one (e.g. 'apt-get install python3.12' or 'pyenv install 3.12'), or point PYTHON at it:" >&2
    echo "    PYTHON=/path/to/python3.12 make $group" >&2
    exit 1
  fi
  echo "Creating .venv with $python ($("$python" --version))"
  rm -rf .venv
  "$python" -m venv .venv
fi

stamp=".venv/.installed-$group"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # pip learned dependency groups (--group) in 25.1.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==26.3"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --group "$group"
  touch "$stamp"
fi
