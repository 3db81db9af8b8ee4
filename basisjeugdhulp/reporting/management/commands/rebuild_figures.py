import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from basisjeugdhulp.reporting import monthly


class Command(BaseCommand):
    help = "Count every month of the municipal figures again (run nightly)."

    def handle(self, *args, **options):
        start = time.perf_counter()
        months = monthly.rebuild_all(timezone.localdate())
        self.stdout.write(f"Counted {months} month(s) in {time.perf_counter() - start:.1f} s.")
