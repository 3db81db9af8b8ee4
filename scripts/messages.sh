#!/usr/bin/env bash
# Refresh the Dutch translations after changing user-facing strings (needs GNU gettext).
# Then fill in the new msgstr entries in locale/nl/LC_MESSAGES/django.po and run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l nl --no-obsolete --ignore=.venv --ignore=var
.venv/bin/python manage.py compilemessages --ignore=.venv
