from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from basisjeugdhulp.plans import storing


class Command(BaseCommand):
    help = (
        "Remove photo objects in storage that no plan photo row points to, every version of them on a "
        "bucket with versioning, and try again the objects a destruction could not remove (run daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=60,
            help="Leave younger objects alone: they may belong to an upload still being saved.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list what would go.")

    def handle(self, *args, older_than_minutes, dry_run, **options):
        cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
        names = storing.orphans(older_than=cutoff)
        if dry_run:
            self.stdout.write(f"Would remove {len(names)} orphaned photo object(s).")
            return
        failed = storing.remove_objects(names)
        failed.update(storing.retry_removals())
        self.stdout.write(f"Removed {len(set(names) - set(failed))} orphaned photo object(s).")
        for name, error in failed.items():
            self.stderr.write(f"  still in storage (tried again next run): {name}: {error}")
