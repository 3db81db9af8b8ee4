"""Do the hand-written speed-ups still pay? (issue 24)

In one process, CPU time per request of what each replaces, as a page builds it:
- basisjeugdhulp/subqueries.py: the family file's children and question categories, compiled
  as written-out SQL against Django's ``ArraySubquery(… OuterRef …)``; the queryset is narrowed
  and compiled anew per request, as a view does (compiling only: the database's share is the
  same, measured in bench/openloop.py). The start page's plan summary went back to Django's
  ``Subquery`` after this benchmark measured 0.18 ms of difference (issue 24);
- basisjeugdhulp/rows.py: ten start-page rows' product label, URL and dates, worked out once
  per request against ``get_FOO_display``, ``reverse`` and ``dateformat`` per row.
The figures are quoted in each module's docstring; the start page is ~3–4 ms of worker CPU
(bench/openloop.py), so 0.1 ms is ~3 % of it.

Run: make bench ARGS=bench/speedups.py   (or .venv/bin/python bench/speedups.py on SQLite)
"""

import os
import sys
import time
import uuid
from datetime import date, datetime, timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import F, OuterRef  # noqa: E402
from django.db.models.functions import JSONObject  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import dateformat, translation  # noqa: E402

from basisjeugdhulp.intake.models import Child, Registration  # noqa: E402
from basisjeugdhulp.intake.routes import Product  # noqa: E402
from basisjeugdhulp.rows import DateWords, labels, url_maker  # noqa: E402
from basisjeugdhulp.trajectories.models import Trajectory  # noqa: E402

ROUNDS = 400


def cpu_ms(work, rounds=ROUNDS):
    for _ in range(20):
        work()
    best = []
    for _ in range(5):  # the best of five batches: the machine is shared
        start = time.process_time()
        for _ in range(rounds):
            work()
        best.append((time.process_time() - start) * 1000 / rounds)
    return min(best)


def compiled(queryset, **narrowed):
    narrowed = narrowed or {"lead__user_id": 1}
    return lambda: queryset.filter(**narrowed).query.get_compiler(connection=connection).as_sql()


def file_written_out():
    return Registration.objects.with_children().with_category_codes()


def file_django():
    from django.contrib.postgres.expressions import ArraySubquery

    children = Child.objects.filter(registration=OuterRef("pk")).values(
        json=JSONObject(id="id", first_name="first_name", birth_year="birth_year"))
    codes = Registration.categories.through.objects.filter(registration=OuterRef("pk")).values(
        json=JSONObject(code=F("questioncategory__code")))
    return Registration.objects.annotate(children_rows=ArraySubquery(children), category_rows=ArraySubquery(codes))


ROW_VALUES = [
    {"public_id": uuid.uuid4(), "product": list(Product)[n % 4].value, "started_on": date(2026, 11, 1 + n % 3),
     "last_photo_at": datetime(2026, 11, 20 + n % 2, 10, tzinfo=dt_timezone.utc)}
    for n in range(10)
]


def rows_once():
    products, url, words = labels(Product), url_maker("trajectories:detail"), DateWords()
    return [(products[row["product"]], url(row["public_id"]), words(row["started_on"], "j F"),
             words(row["last_photo_at"].date(), "j b")) for row in ROW_VALUES]


def rows_per_row():
    return [(Trajectory(product=row["product"]).get_product_display(), reverse("trajectories:detail", args=[row["public_id"]]),
             dateformat.format(row["started_on"], "j F"), dateformat.format(row["last_photo_at"].date(), "j b"))
            for row in ROW_VALUES]


def main():
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        measure()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure():
    translation.activate("nl")
    print(f"CPU ms per request, best of 5 × {ROUNDS}, {connection.vendor}")
    print(f"{'what':<46} {'written out / once':>18} {'Django per request / row':>24} {'saved':>7}")
    cases = [("ten start-page rows: labels, URLs, dates", rows_once, rows_per_row)]
    if connection.vendor == "postgresql":
        cases.insert(1, ("family file: children + categories (2 lists)", compiled(file_written_out(), public_id=uuid.uuid4()),
                                compiled(file_django(), public_id=uuid.uuid4())))
    for name, fast, slow in cases:
        a, b = cpu_ms(fast), cpu_ms(slow)
        print(f"{name:<46} {a:>18.3f} {b:>24.3f} {b - a:>7.3f}")


if __name__ == "__main__":
    main()
