"""The municipal dashboard on 1 M trajectories in PostgreSQL, against the raw SQL it needs.

Fills a throwaway PostgreSQL database with the scale dataset (bench/city.py: ten years, 200 k
families, 1 M trajectories, 40 teams, 800 professionals), at 1/100 size and at full size, and
measures at both, in one run:
- `raw`: the plain SQL the year's figures need straight from the register, one statement per
  table, hand-written — what the dashboard would cost without its monthly facts;
- `figures`: basisjeugdhulp.reporting.figures for the same year (sums over the monthly facts);
- `page`: the dashboard request through the whole Django stack, logged in as gemeente;
each for one year and for all ten years. Target: page ≤ 1.5× raw and < 200 ms for a year,
< 500 ms for ten years.

Run: make bench ARGS=bench/report.py   (needs PostgreSQL: DATABASE_URL, as make bench sets)
Size: BENCH_TRAJECTORIES (default 1000000).
"""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # figures only, not a line per sign-in

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

import city  # noqa: E402  (bench/city.py: the scale dataset)

ROUNDS = 15
SIZE = int(os.environ.get("BENCH_TRAJECTORIES", "1000000"))


def timed(call):
    call()
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def raw_sql(start, end):
    """The plain SQL of the year's figures: what the dashboard cannot do with less."""
    statements = [
        ("SELECT channel, count(*) FROM intake_registration WHERE received_on BETWEEN %s AND %s GROUP BY channel", 2),
        ("SELECT route, product, count(*) FROM intake_registration WHERE triaged_on BETWEEN %s AND %s GROUP BY route, product", 2),
        ("SELECT count(*), count(*) FILTER (WHERE contacted_on <= contact_due) FROM intake_registration WHERE contact_due BETWEEN %s AND %s", 2),
        ("SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY contact_working_days) FROM intake_registration WHERE contacted_on BETWEEN %s AND %s", 2),
        ("SELECT count(*) FILTER (WHERE started_on <= %s AND (ended_on IS NULL OR ended_on > %s)), count(*) FILTER (WHERE ended_on BETWEEN %s AND %s), count(*) FILTER (WHERE started_on BETWEEN %s AND %s) FROM trajectories_trajectory", 6),
        ("SELECT product, end_reason, count(*), avg(hours_per_week), avg(ended_on - started_on) FROM trajectories_trajectory WHERE ended_on BETWEEN %s AND %s GROUP BY product, end_reason", 2),
        ("SELECT r.team_id, count(*) FROM intake_registration r WHERE r.received_on BETWEEN %s AND %s GROUP BY r.team_id", 2),
    ]
    args = {2: (start, end), 6: (end, end, start, end, start, end)}
    with connection.cursor() as cursor:
        for sql, n in statements:
            cursor.execute(sql, args[n])
            cursor.fetchall()


def measure(today):
    """Raw SQL, figures and page for last year and for all ten years, in ms."""
    from basisjeugdhulp.accounts.roles import Role
    from basisjeugdhulp.reporting import figures
    from basisjeugdhulp.reporting.periods import Period

    analyst = get_user_model().objects.create_user(f"bench-gemeente-{time.time_ns()}", password="x")
    analyst.groups.add(Group.objects.get(name=Role.MUNICIPALITY.value))
    client = Client()
    client.force_login(analyst)
    last_year = str(today.year - 1)
    rows = {}
    for label, code in ((f"year {last_year}", last_year), ("ten years", None)):
        if code:
            period = Period.parse(code)
        else:
            period = Period("year", date(today.year - 9, 1, 1), date(today.year - 1, 12, 31), "10y")
        raw = timed(lambda: raw_sql(period.start, period.end))
        scope = figures.Scope(period)
        computed = timed(lambda: (figures.report(scope, today), figures.lump_sum(period, today)))
        page = timed(lambda: client.get(reverse("reporting:dashboard"), {"periode": code})) if code else None
        rows[label] = (raw, computed, page)
    return rows


def main():
    from basisjeugdhulp.reporting import monthly

    if connection.vendor != "postgresql":
        sys.exit("bench/report.py needs PostgreSQL (make bench sets DATABASE_URL).")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        today = timezone.localdate()
        results = {}
        for size_label, size in (("1/100", SIZE // 100), ("full", SIZE)):
            made = city.refill(size, today, photos=False)
            print(f"{size_label}: {city.describe(made)}")
            print(f"    counted {monthly.FigureMonth.objects.count()} months into {monthly.MonthFigure.objects.count():,} "
                  "monthly facts (manage.py rebuild_figures, nightly; a changed month is counted again on the next view)")
            start = time.perf_counter()
            monthly.build(monthly.first_of(today), today, force=True)
            print(f"    counting one month again (a change, or the running month each day): "
                  f"{1000 * (time.perf_counter() - start):.0f} ms")
            results[size_label] = measure(today)
        print(f"{'':>14}  {'raw SQL ms':>16}  {'figures ms':>16}  {'page ms':>16}  {'page (figures) / raw':>20}")
        print(f"{'period':>14}  {'1/100':>7} {'full':>8}  {'1/100':>7} {'full':>8}  {'1/100':>7} {'full':>8}  {'1/100':>9} {'full':>10}")
        for label in results["full"]:
            small, full = results["1/100"][label], results["full"][label]

            def page(row):
                return f"{row[2]:>8.0f}" if row[2] is not None else f"{'—':>8}"

            def ratio(row):
                return (row[2] if row[2] is not None else row[1]) / row[0]

            print(f"{label:>14}  {small[0]:>7.0f} {full[0]:>8.0f}  {small[1]:>7.0f} {full[1]:>8.0f}  "
                  f"{page(small)[1:]:>7} {page(full)}  {ratio(small):>9.2f} {ratio(full):>10.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
