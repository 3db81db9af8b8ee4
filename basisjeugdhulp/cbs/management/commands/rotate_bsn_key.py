"""`manage.py rotate_bsn_key`: every stored BSN re-encrypted under the first key of BSN_KEYS.

Rotation (docs/configuration.md): put the new key first in BSN_KEYS, keep the old one after it,
restart, run this, then drop the old key. Not a change to the family's file (the same number,
another lock on it), so the retention clock (intake/retention.py) is not reset."""

from django.core.management.base import BaseCommand

from basisjeugdhulp.cbs import bsn
from basisjeugdhulp.intake.models import Child


class Command(BaseCommand):
    help = "Re-encrypt every stored BSN under the newest key of BSN_KEYS."

    def handle(self, *args, **options):
        rotated = 0
        for pk, token in Child.objects.exclude(bsn_token="").values_list("pk", "bsn_token").iterator():
            rotated += Child.objects.filter(pk=pk, bsn_token=token).update(bsn_token=bsn.rotate(token))
        self.stdout.write(f"{rotated} BSN(s) re-encrypted under the newest key.")
