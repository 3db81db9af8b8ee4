from django.conf import settings
from django.core.management.base import BaseCommand

from basisjeugdhulp.intake import destruction


class Command(BaseCommand):
    help = (
        "Destroy the files whose retention period has passed (Jeugdwet art. 7.3.8) and try again the "
        "photo objects storage refused earlier; run daily. Prints what was destroyed and what failed; "
        "exits with 1 when something failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be destroyed.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            count = destruction.due_for_destruction().count()
            self.stdout.write(f"{count} file(s) last changed more than {settings.RETENTION_YEARS} years ago would be destroyed.")
            return
        report = destruction.destroy_expired()
        self.stdout.write(f"Destroyed {len(report.destroyed)} file(s) past their retention of {settings.RETENTION_YEARS} years.")
        for public_id in report.destroyed:
            self.stdout.write(f"  destroyed: aanmelding {public_id}")
        for public_id, error in report.failed.items():
            self.stderr.write(f"  NOT destroyed: aanmelding {public_id}: {error}")
        for name, error in report.objects_left.items():
            self.stderr.write(f"  photo object still in storage (tried again tomorrow): {name}: {error}")
        if report.failed or report.objects_left:
            self.stderr.write(f"{len(report.failed)} file(s) and {len(report.objects_left)} storage object(s) failed.")
            raise SystemExit(1)
