"""The half-yearly CBS delivery at city scale: how long the beheerder waits for the file.

A city's ten years (BENCH_CBS_TRAJECTORIES, default 100,000 trajectories: the shape of
bench/city.py at a tenth of its full size, ~5,000 trajectories in a half year) and, with
BENCH_CBS_FULL=1, the country-sized register as well. Measured for the last ended half year:
the check the page shows (build + rules), and each format made end to end (`delivery.make`: the
file, the record of the delivery and one access-log row per family, in one transaction).

Run against PostgreSQL as the tests do:  make bench ARGS=bench/cbs.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import city  # noqa: E402  (bench/city.py: the scale dataset; sets Django up)

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

SIZES = [int(os.environ.get("BENCH_CBS_TRAJECTORIES", "100000"))]
if os.environ.get("BENCH_CBS_FULL") == "1":
    SIZES.append(city.FULL)


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


# What a column added since bench/city.py's INSERTs were written gets there, in this throwaway
# database (bench/city.py is shared; the dataset is not edited here).
EMPTY = {"boolean": "false", "timestamp with time zone": "now()", "date": "CURRENT_DATE",
         "integer": "0", "smallint": "0", "bigint": "0", "text": "''", "character varying": "''"}


def defaults_for_newer_columns():
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND is_nullable = 'NO' AND column_default IS NULL
              AND table_name IN ('intake_registration', 'intake_child', 'trajectories_trajectory',
                                 'matching_professional', 'teams_team')
              AND column_name <> 'id'
        """)
        for table, column, kind in cursor.fetchall():
            if kind in EMPTY:
                cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT {EMPTY[kind]}')


def main():
    from django.test.utils import setup_test_environment

    from basisjeugdhulp.accounts.roles import Role
    from basisjeugdhulp.cbs import delivery
    from basisjeugdhulp.cbs.extract import HalfYear

    if connection.vendor != "postgresql":
        sys.exit("bench/cbs.py needs PostgreSQL (make bench sets DATABASE_URL).")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        beheerder = get_user_model().objects.create(username="cbs-beheerder")
        beheerder.groups.add(Group.objects.get(name=Role.ADMINISTRATOR.value))
        defaults_for_newer_columns()
        today = timezone.localdate()
        period = HalfYear.last_ended(today)
        for size in SIZES:
            made = city.refill(size, today, photos=False)
            check, (_fields, extract, problems) = timed(lambda: delivery.examine(period, today))
            print(f"{size:,} trajectories in ten years ({made['aanmeldingen']:,} aanmeldingen); {period.code}: "
                  f"{len(extract.records):,} records of {len(extract.families):,} families, {len(problems)} problems")
            print(f"  check (build + rules)        {check:6.2f} s")
            for fmt in ("xlsx", "ascii"):
                seconds, (_delivery, data, _type, _name) = timed(lambda: delivery.make(period, fmt, beheerder, today=today))
                print(f"  {fmt:5} made and logged        {seconds:6.2f} s, {len(data) / 1e6:.1f} MB")
        city.empty()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
