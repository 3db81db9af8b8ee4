#!/usr/bin/env python
"""Django's command-line utility for the basisjeugdhulp register."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # reads the environment: fail here, with the variable's name
    except ImproperlyConfigured as exc:
        sys.exit(f"Configuration error: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
