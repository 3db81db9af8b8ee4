"""`manage.py verify_access_log`: walk the access log's hash chain (audit/chain.py).

Exit 0 and the head of the chain when every entry fits; otherwise the first entry that does not,
and exit 1. Run it nightly and keep the printed head outside the database: given back with
`--anchor ID:HASH`, it also catches the removal of the last entries, which the chain alone cannot.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from basisjeugdhulp.audit import chain
from basisjeugdhulp.audit.models import AccessEvent


def parse_anchor(value):
    entry_id, _, digest = value.partition(":")
    if not entry_id.isdigit() or len(digest) != 64:
        raise ValueError(value)
    return int(entry_id), digest


def entries(count):
    return f"{count} entry" if count == 1 else f"{count} entries"


class Command(BaseCommand):
    help = "Checks that the access log is complete and unchanged (its hash chain)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", type=parse_anchor, metavar="ID:HASH",
            help="a head printed by an earlier run: that entry must still be there, unchanged",
        )

    def handle(self, *args, anchor=None, **options):
        rows = AccessEvent.objects.order_by("id").values_list(*chain.FIELDS).iterator(chunk_size=5000)
        try:
            verdict = chain.verify(rows, anchor)
        finally:
            rows.close()  # stops reading at a break, while the connection is still open
        if verdict.first_break:
            broken = verdict.first_break
            raise CommandError(
                f"The access log has been tampered with: entry {broken.id} of "
                f"{timezone.localtime(broken.at):%Y-%m-%d %H:%M:%S} does not fit the chain. It was "
                f"changed, or an entry just before it was removed or inserted "
                f"({entries(verdict.count)} before it fit"
                + ("; or ACCESS_LOG_KEY is not the key the log was written with)." if not verdict.count else ")."),
                returncode=1,
            )
        if verdict.anchor_missing:
            raise CommandError(
                f"The access log has been tampered with: entry {anchor[0]} of the anchor is gone; "
                f"the log now ends at entry {verdict.head[0] if verdict.head else '-'} "
                f"(its last entries were removed).",
                returncode=1,
            )
        head = f"{verdict.head[0]}:{verdict.head[1]}" if verdict.head else "none"
        self.stdout.write(f"The access log is intact: {entries(verdict.count)}. Head (keep it elsewhere): {head}")
