"""`manage.py cbs_extract 2026-H1 --format ascii --output levering.txt --user bea`: the same
delivery as the page (cbs/delivery.py), for a scheduled run. Nothing is written when a check
fails: the problems are listed and the command exits with an error."""

import os
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from basisjeugdhulp.accounts.roles import Role, roles_of
from basisjeugdhulp.cbs import delivery
from basisjeugdhulp.cbs.models import Format


class Command(BaseCommand):
    help = "Make the half-yearly CBS delivery (Beleidsinformatie Jeugd) for a half year, e.g. 2026-H1."

    def add_arguments(self, parser):
        parser.add_argument("period", help="the half year: YYYY-H1 (January–June) or YYYY-H2")
        parser.add_argument("--format", choices=[choice.value for choice in Format], default=Format.XLSX)
        parser.add_argument("--output", required=True, help="the file to write (replaced as a whole)")
        parser.add_argument("--user", required=True, help="the beheerder who makes it (in the access log)")

    def handle(self, *args, period, format, output, user, **options):
        try:
            maker = get_user_model().objects.get(username=user, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user {user!r}.") from None
        if Role.ADMINISTRATOR not in roles_of(maker):
            raise CommandError(f"{user!r} is no beheerder: only the beheerder makes the CBS delivery.")
        try:
            half = delivery.half_year(period)
            made, data, _type, _name = delivery.make(half, format, maker)
        except ValueError as error:
            raise CommandError(str(error)) from None
        except delivery.NotDeliverable as refused:
            for problem in refused.problems:
                self.stderr.write(f"{problem.trajectory.public_id}: {problem.message}")
            raise CommandError(refused.message or f"{len(refused.problems)} problem(s): no file written.") from None
        target = Path(output)
        # Written beside the target and renamed: never a half-written delivery.
        handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=".cbs-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o600)  # personal data
        os.replace(temporary, target)
        self.stdout.write(f"{made.records} records for {half.code} written to {target}.")
