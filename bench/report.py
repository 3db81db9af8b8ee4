"""The municipal dashboard on 1 M trajectories in PostgreSQL, against the raw SQL it needs.

Fills a throwaway PostgreSQL database (INSERT … SELECT generate_series: a few seconds per
million rows, never one row at a time) with ten years of a city: 40 teams, 800 professionals,
1 M aanmeldingen each with a trajectory. Then, in one run:
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
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

ROUNDS = 15
SIZE = int(os.environ.get("BENCH_TRAJECTORIES", "1000000"))


def fill(size, today):
    """Ten years up to today; ~10 % of the families still open, some late contacts."""
    first = date(today.year - 9, 1, 1)
    days = (today - first).days
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO teams_team (public_id, name, district)
            SELECT gen_random_uuid(), 'Team ' || t, 'Wijk ' || t FROM generate_series(1, 40) t
        """)
        cursor.execute("""
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
            SELECT '!', false, 'bench' || p, 'Prof', 'Nr ' || p, '', false, true, now() FROM generate_series(1, 800) p
        """)
        cursor.execute("""
            INSERT INTO matching_professional (public_id, user_id, team_id, education, active, capacity, languages, expertise, affinity)
            SELECT gen_random_uuid(), u.id, (SELECT min(id) FROM teams_team) + (row_number() OVER (ORDER BY u.id) - 1) % 40,
                   CASE WHEN u.id % 2 = 0 THEN 'hbo' ELSE 'mbo' END, true, 8, '[]', '[]', ''
            FROM auth_user u WHERE u.username LIKE 'bench%%'
        """)
        cursor.execute(f"""
            INSERT INTO intake_registration (
                public_id, team_id, created_at, received_on, status, channel, family_label, phone, postcode,
                house_number, question, preferred_language, preferred_background, preference_other,
                route, product, triaged_on, contact_due, contacted_on, contact_mode, contact_late_reason,
                contact_working_days)
            SELECT gen_random_uuid(), (SELECT min(id) FROM teams_team) + g % 40, now(), d,
                   CASE WHEN d >= DATE '{today}' - 10 THEN 'awaiting_contact' ELSE 'contacted' END,
                   (ARRAY['self','gp','school','wijkteam','veilig_thuis','other'])[1 + g % 6],
                   '', '', '', '', '', '', '', '',
                   CASE WHEN g % 50 = 0 THEN 'crisis' WHEN g % 20 = 0 THEN 'specialist' ELSE 'basic' END,
                   (ARRAY['ib_middel','ib_zwaar','gb_middel','gb_zwaar'])[1 + g % 4],
                   d, d + 7,
                   CASE WHEN d >= DATE '{today}' - 10 THEN NULL ELSE d + CASE WHEN g % 9 = 0 THEN 9 ELSE 3 END END,
                   CASE WHEN d >= DATE '{today}' - 10 THEN '' ELSE 'phone' END, '',
                   CASE WHEN d >= DATE '{today}' - 10 THEN NULL WHEN g % 9 = 0 THEN 7 ELSE 3 END
            FROM (SELECT g, DATE '{first}' + (g * {days}::bigint / {size})::int AS d
                  FROM generate_series(1, {size}) g) s
        """)
        cursor.execute(f"""
            INSERT INTO trajectories_trajectory (public_id, registration_id, product, lead_id, started_on, ended_on, end_reason, hours_per_week)
            SELECT gen_random_uuid(), r.id, r.product,
                   (SELECT min(id) FROM matching_professional) + r.id % 800,
                   r.contacted_on,
                   CASE WHEN r.contacted_on + 120 < DATE '{today}' THEN r.contacted_on + (60 + r.id % 120)::int END,
                   CASE WHEN r.contacted_on + 120 < DATE '{today}' THEN (ARRAY['goal','referred','moved','stopped','other'])[1 + r.id % 5] ELSE '' END,
                   CASE WHEN r.contacted_on + 120 < DATE '{today}' THEN 0.25 * (4 + r.id % 16) END
            FROM intake_registration r WHERE r.route = 'basic'
        """)
        cursor.execute("ANALYZE")


def refill(size, today):
    """Empty the city and fill it again at `size`, monthly facts counted (bench/pages.py and
    bench/throughput.py measure at two sizes in one run)."""
    from basisjeugdhulp.reporting import monthly

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE intake_registration, trajectories_trajectory, teams_team, matching_professional, "
                       "reporting_monthfigure, reporting_figuremonth, audit_accessevent RESTART IDENTITY CASCADE")
    get_user_model().objects.filter(username__startswith="bench").delete()
    fill(size, today)
    monthly.rebuild_all(today)


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


def main():
    from basisjeugdhulp.accounts.roles import Role
    from basisjeugdhulp.reporting import figures
    from basisjeugdhulp.reporting.periods import Period

    if connection.vendor != "postgresql":
        sys.exit("bench/report.py needs PostgreSQL (make bench sets DATABASE_URL).")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        today = timezone.localdate()
        start = time.perf_counter()
        fill(SIZE, today)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM trajectories_trajectory")
            trajectories = cursor.fetchone()[0]
        print(f"Filled {SIZE:,} aanmeldingen and {trajectories:,} trajectories in {time.perf_counter() - start:.0f} s")
        from basisjeugdhulp.reporting import monthly

        start = time.perf_counter()
        months = monthly.rebuild_all(today)
        facts = monthly.MonthFigure.objects.count()
        print(f"Counted {months} months into {facts:,} monthly facts in {time.perf_counter() - start:.1f} s "
              "(manage.py rebuild_figures, nightly; changed months are counted again on the next view)")
        start = time.perf_counter()
        monthly.build(monthly.first_of(today), today)
        print(f"Counting one month again (a change, or the running month each day): {1000 * (time.perf_counter() - start):.0f} ms")
        analyst = get_user_model().objects.create_user("bench-gemeente", password="x")
        analyst.groups.add(Group.objects.get(name=Role.MUNICIPALITY.value))
        client = Client()
        client.force_login(analyst)
        last_year = str(today.year - 1)
        print(f"{'period':>14}  {'raw SQL ms':>10}  {'figures ms':>10}  {'page ms':>8}  {'page/raw':>8}")
        for label, code in ((f"year {last_year}", last_year), ("ten years", None)):
            if code:
                period = Period.parse(code)
                span = (period.start, period.end)
            else:
                period = Period("year", date(today.year - 9, 1, 1), date(today.year - 1, 12, 31), "10y")
                span = (period.start, period.end)
            raw = timed(lambda: raw_sql(*span))
            scope = figures.Scope(period)
            computed = timed(lambda: (figures.report(scope, today), figures.lump_sum(period, today)))
            if code:
                page = timed(lambda: client.get(reverse("reporting:dashboard"), {"periode": code}))
                page_text = f"{page:>8.0f}  {page / raw:>8.2f}"
            else:
                page_text = f"{'—':>8}  {computed / raw:>8.2f}"
            print(f"{label:>14}  {raw:>10.0f}  {computed:>10.0f}  {page_text}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
