"""The access log's write: what the hash chain costs per entry, and what checking the chain costs.

Every view of a family's file writes one entry. Measured in one run, interleaved, against the
same table:
- plain: the entry as before the chain (one INSERT in autocommit);
- chained: `AccessEvent.objects.create` (a transaction, the chain's lock, the last hash, HMAC,
  the INSERT);
both on a log that already holds LOG_ROWS entries (the last hash is read from the primary key's
index, so the size should not matter); and `manage.py verify_access_log` per 100,000 entries.

Run against PostgreSQL as the tests do:  make bench ARGS=bench/access_log.py
Or on the embedded SQLite default:       .venv/bin/python bench/access_log.py
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, models  # noqa: E402

ROUNDS = 7
PER_ROUND = 300
LOG_ROWS = int(os.environ.get("BENCH_LOG_ROWS", 200_000))


def entry(user):
    from basisjeugdhulp.audit.models import Action

    return {"user": user, "roles": "professional", "action": Action.VIEW_FILE,
            "client_address": "192.0.2.10", "user_agent": "Mozilla/5.0 (iPad; CPU OS 17_0)"}


def plain(user):
    from basisjeugdhulp.audit.models import AccessEvent

    event = AccessEvent(**entry(user), chain_hash="0" * 64)
    models.Model.save(event, force_insert=True)  # the model's save before the chain


def chained(user):
    from basisjeugdhulp.audit.models import AccessEvent

    AccessEvent.objects.create(**entry(user))


def per_entry_ms(write, user):
    start = time.perf_counter()
    for _ in range(PER_ROUND):
        write(user)
    return (time.perf_counter() - start) / PER_ROUND * 1000


def main():
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from basisjeugdhulp.audit.models import AccessEvent

        user = get_user_model().objects.create(username="bench-professional")
        # Checking the chain: a fully chained log.
        n = 20_000
        for _ in range(n // 1000):
            AccessEvent.objects.bulk_create(AccessEvent(**entry(user)) for _ in range(1000))
        start = time.perf_counter()
        call_command("verify_access_log", stdout=io.StringIO())
        seconds = time.perf_counter() - start
        print(f"verify_access_log on {connection.vendor}: {seconds / n * 100_000:.2f} s per 100,000 entries")

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # a full log (written past the chain: we own it)
                cursor.execute(
                    "INSERT INTO audit_accessevent (at, user_id, roles, action, user_agent, chain_hash)"
                    " SELECT now() - (n || ' seconds')::interval, %s, 'professional', 'view_file', 'x',"
                    " repeat('0', 64) FROM generate_series(1, %s) AS n", [user.pk, LOG_ROWS])
                cursor.execute("ANALYZE audit_accessevent")
        print(f"Access log writes, {ROUNDS} rounds of {PER_ROUND} entries, "
              f"{AccessEvent.objects.count():,} entries already in the log")
        results = {"plain": [], "chained": []}
        for _ in range(ROUNDS):
            results["plain"].append(per_entry_ms(plain, user))
            results["chained"].append(per_entry_ms(chained, user))
        a, b = statistics.median(results["plain"]), statistics.median(results["chained"])
        print(f"  plain INSERT        {a:6.3f} ms per entry (median of rounds)")
        print(f"  chained (this code) {b:6.3f} ms per entry, +{b - a:.3f} ms, x{b / a:.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
