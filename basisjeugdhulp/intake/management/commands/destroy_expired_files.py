from django.conf import settings
from django.core.management.base import BaseCommand

from basisjeugdhulp.intake import destruction
from basisjeugdhulp.intake.tasks import destroy_expired_files


class Command(BaseCommand):
    help = "Destroy the files whose retention period has passed (Jeugdwet art. 7.3.8); run daily."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be destroyed.")

    def handle(self, *args, dry_run, **options):
        if dry_run:
            count = destruction.due_for_destruction().count()
            self.stdout.write(f"{count} file(s) older than {settings.RETENTION_YEARS} years would be destroyed.")
            return
        result = destroy_expired_files.enqueue()
        self.stdout.write(f"Enqueued the daily destruction of expired files (task result {result.id}, {result.status}).")
