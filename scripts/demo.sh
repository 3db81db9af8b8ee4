#!/usr/bin/env bash
# Runs the register with demo data on the embedded defaults: SQLite in var/, photos in a private
# folder var/private-media/. Serves on http://127.0.0.1:8000 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/venv.sh run

# DEBUG off: users of the demo see the register's own Dutch error pages, not Django's English
# debug pages; whitenoise serves the static files either way. DEBUG=1 make demo for a developer.
export DEBUG="${DEBUG:-0}"
# Demo logins need no authenticator app; the login page says so (docs/configuration.md).
export SECOND_FACTOR_REQUIRED="${SECOND_FACTOR_REQUIRED:-0}"
export DJANGO_SETTINGS_MODULE=basisjeugdhulp.settings
unset DATABASE_URL MIGRATE_DATABASE_URL S3_BUCKET PRODUCTION
mkdir -p var

.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py load_demo
# The letter's PDF needs the Pango library; without it the print page still works.
if ! .venv/bin/python -c "from basisjeugdhulp.documents.pdf import weasyprint; weasyprint()" 2>/dev/null; then
  echo "Let op: de pdf van de brief aan het gezin werkt hier niet, omdat de Pango-bibliotheek ontbreekt"
  echo "(Debian: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0). De afdrukpagina werkt wel."
fi
echo
echo "The register runs on http://127.0.0.1:8000 — stop it with Ctrl-C."
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
