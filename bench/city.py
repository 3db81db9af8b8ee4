"""The scale dataset: ten years of basis jeugdhulp in a country-sized register, in PostgreSQL and
the real S3 server, in minutes.

At full size (BENCH_TRAJECTORIES, default 1 M trajectories): ~200 k families who registered
about five times each over ten years (a re-registration points at the family's former
trajectory and shares its family key), ~1.07 M aanmeldingen of which 93 % get a trajectory,
800 professionals in 40 teams, ~3,300 plan photos as small objects in S3. At 1/100 size the same
shape, a hundred times smaller, the organisation too (8 professionals in one team): a
professional has the same ~40 open families at both sizes, so a page shows as much at both and
every benchmark can show how its cost grows with the tables, not with what a page lists.

Distributions (one aanmelding every few minutes around the clock, as a country would have):
- channels round-robin over the six channels; routes 93 % basic, 5 % specialist, 2 % crisis;
  products spread over the four;
- first contact after 1–4 calendar days, but one in nine only after 9 (late: past the five
  working days); a family is *awaiting contact* until that day has come, so today's queue holds
  what a real one would: the last days' families and the late ones;
- aanmeldingen of today are partly not triaged yet;
- a trajectory lasts 6 weeks to 6 months from first contact; it is open until then, closed
  with a reason and the average hours per week after.

Rows are made by INSERT … SELECT over generate_series (never one row at a time), photos are put
with a pool of S3 clients. Used by bench/report.py, bench/pages.py, bench/throughput.py and
bench/load.py; `python bench/city.py` fills both sizes once and prints what it made and how long
it took.
"""

import io
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

FULL = int(os.environ.get("BENCH_TRAJECTORIES", "1000000"))
TEAMS = 40
PROFESSIONALS = 800
REGISTRATIONS_PER_FAMILY = 5
BASIC_SHARE = 0.93
PHOTO_EVERY = 300  # one trajectory in 300 has its A3 plan photographed: ~3,300 at full size
S3_PUTTERS = 16


def organisation(trajectories):
    """(teams, professionals) for a city of `trajectories`: 40 and 800 at full size, as many
    fewer as the city is smaller (at least one team of one)."""
    return max(1, round(TEAMS * trajectories / FULL)), max(1, round(PROFESSIONALS * trajectories / FULL))


def fill(trajectories, today):
    """Fill an empty register with ten years up to today (see the module's docstring)."""
    teams, professionals = organisation(trajectories)
    registrations = round(trajectories / BASIC_SHARE)
    families = max(1, registrations // REGISTRATIONS_PER_FAMILY)
    first = date(today.year - 9, 1, 1)
    days = (today - first).days
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO teams_team (public_id, name, district)
            SELECT gen_random_uuid(), 'Team ' || t, 'Wijk ' || t FROM generate_series(1, {teams}) t
        """)
        cursor.execute(f"""
            INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
            SELECT '!', false, 'bench' || p, 'Prof', 'Nr ' || p, '', false, true, now() FROM generate_series(1, {professionals}) p
        """)
        cursor.execute(f"""
            INSERT INTO matching_professional (public_id, user_id, team_id, education, active, capacity, languages, expertise, affinity)
            SELECT gen_random_uuid(), u.id, (SELECT min(id) FROM teams_team) + (row_number() OVER (ORDER BY u.id) - 1) % {teams},
                   CASE WHEN u.id % 2 = 0 THEN 'hbo' ELSE 'mbo' END, true, 8, '[]', '[]', ''
            FROM auth_user u WHERE u.username LIKE 'bench%%'
        """)
        # g runs with the date; family f = g mod families registers again every ~2 years.
        cursor.execute(f"""
            INSERT INTO intake_registration (
                public_id, team_id, created_at, received_on, status, channel, family_label, phone, postcode,
                house_number, question, preferred_language, preferred_background, preference_other,
                route, product, triaged_on, contact_due, contacted_on, contact_mode, contact_late_reason,
                contact_working_days, figure_key, last_changed_at, "returning")
            SELECT gen_random_uuid(), (SELECT min(id) FROM teams_team) + f % {teams}, d::timestamptz, d,
                   CASE WHEN untriaged THEN 'new' WHEN d + delay > DATE '{today}' THEN 'awaiting_contact' ELSE 'contacted' END,
                   (ARRAY['self','gp','school','wijkteam','veilig_thuis','other'])[1 + g % 6],
                   'Gezin ' || f, '06' || lpad((f % 100000000)::text, 8, '0'), lpad((1000 + f % 9000)::text, 4, '0') || 'AB',
                   (1 + f % 200)::text, 'Vraag van gezin ' || f, '', '', '',
                   CASE WHEN untriaged THEN '' WHEN g % 50 = 0 THEN 'crisis' WHEN g % 20 = 0 THEN 'specialist' ELSE 'basic' END,
                   CASE WHEN untriaged THEN '' ELSE (ARRAY['ib_middel','ib_zwaar','gb_middel','gb_zwaar'])[1 + g % 4] END,
                   CASE WHEN untriaged THEN NULL ELSE d END,
                   CASE WHEN untriaged THEN NULL ELSE d + 7 END,
                   CASE WHEN untriaged OR d + delay > DATE '{today}' THEN NULL ELSE d + delay END,
                   CASE WHEN untriaged OR d + delay > DATE '{today}' THEN '' ELSE 'phone' END,
                   CASE WHEN delay = 9 AND d + delay <= DATE '{today}' THEN 'Gezin niet bereikbaar' ELSE '' END,
                   CASE WHEN untriaged OR d + delay > DATE '{today}' THEN NULL WHEN delay = 9 THEN 7 ELSE LEAST(delay, 3) END,
                   floor(random() * 256)::int, d::timestamptz, false
            FROM (SELECT g, (g - 1) % {families} + 1 AS f, DATE '{first}' + (g * {days}::bigint / {registrations})::int AS d,
                         CASE WHEN g % 9 = 0 THEN 9 ELSE 1 + g % 4 END AS delay,
                         (DATE '{first}' + (g * {days}::bigint / {registrations})::int = DATE '{today}' AND g % 2 = 0) AS untriaged
                  FROM generate_series(1, {registrations}) g) s
        """)
        cursor.execute("""
            INSERT INTO intake_child (registration_id, first_name, birth_year)
            SELECT r.id, 'Kind ' || r.id, EXTRACT(YEAR FROM r.received_on)::int - 3 - r.id % 14 FROM intake_registration r
        """)
        cursor.execute("""
            INSERT INTO intake_familykey (registration_id, key)
            SELECT r.id, md5(r.family_label) FROM intake_registration r
        """)
        cursor.execute(f"""
            INSERT INTO trajectories_trajectory (public_id, registration_id, product, lead_id, started_on, ended_on, end_reason, hours_per_week, evaluation_declined)
            SELECT gen_random_uuid(), r.id, r.product,
                   (SELECT min(id) FROM matching_professional) + (r.team_id - (SELECT min(id) FROM teams_team)) + {teams} * ((r.id / {teams}) % {professionals // teams}),  -- every professional of the team in turn
                   r.contacted_on,
                   CASE WHEN r.contacted_on + length < DATE '{today}' THEN r.contacted_on + length END,
                   CASE WHEN r.contacted_on + length < DATE '{today}' THEN (ARRAY['goal','referred','moved','stopped','other'])[1 + r.id % 5] ELSE '' END,
                   CASE WHEN r.contacted_on + length < DATE '{today}' THEN 0.25 * (4 + r.id % 16) END,
                   false
            FROM (SELECT *, (42 + id % 140)::int AS length FROM intake_registration) r WHERE r.route = 'basic'
        """)
        # A re-registration points at the family's trajectory before it (same family label).
        cursor.execute(f"""
            UPDATE intake_registration r SET former_trajectory_id = t.id, "returning" = true
            FROM trajectories_trajectory t
            WHERE t.registration_id = r.id - {families} AND r.id > {families}
        """)


def sheet_photo():
    """A small phone photo of a written sheet (1600×1200 JPEG, ~150 KB), as a user uploads it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 1200), (244, 241, 232))
    draw = ImageDraw.Draw(image)
    for row in range(90, 1150, 55):
        draw.line([(100, row), (1480, row + 12)], fill=(35, 45, 120), width=5)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def photo_bytes():
    """One small plan photo through the register's own pipeline (what an upload stores)."""
    from basisjeugdhulp.plans import pipeline

    return pipeline.normalise(sheet_photo(), pipeline.Limits())


def add_photos(every=PHOTO_EVERY):
    """Put a plan photo and its thumbnail in the real S3 server for one trajectory in `every`."""
    from basisjeugdhulp.plans.storing import new_key

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, lead_id FROM trajectories_trajectory WHERE id %% %s = 0 ORDER BY id", [every])
        chosen = cursor.fetchall()
    if not chosen:
        return 0
    photo = photo_bytes()
    rows = [(trajectory, new_key("photo"), new_key("thumb")) for trajectory, _lead in chosen]
    put = _putter()
    with ThreadPoolExecutor(S3_PUTTERS) as pool:
        list(pool.map(lambda row: (put(row[1], photo.image), put(row[2], photo.thumbnail)), rows))
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO plans_planphoto (public_id, trajectory_id, image, thumbnail, width, height, size, uploaded_by_id, uploaded_at)
            SELECT gen_random_uuid(), t.id, c.image, c.thumbnail, %s, %s, %s, p.user_id, coalesce(t.started_on, now()) + interval '10 days'
            FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS c(trajectory_id, image, thumbnail)
            JOIN trajectories_trajectory t ON t.id = c.trajectory_id
            JOIN matching_professional p ON p.id = t.lead_id
        """, [photo.width, photo.height, len(photo.image), *map(list, zip(*rows))])
    return len(rows)


def _putter():
    """A function (name, bytes) -> None that writes one object to the photo storage."""
    options = settings.STORAGES["default"].get("OPTIONS", {})
    if "bucket_name" not in options:  # photos on disk (no S3 configured)
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        return lambda name, data: default_storage.save(name, ContentFile(data))
    import boto3
    from botocore.config import Config

    client = boto3.client(  # boto3 clients may be shared between threads
        "s3", endpoint_url=options.get("endpoint_url"), region_name=options.get("region_name"),
        aws_access_key_id=options.get("access_key"), aws_secret_access_key=options.get("secret_key"),
        config=Config(max_pool_connections=S3_PUTTERS),
    )
    return lambda name, data: client.put_object(Bucket=options["bucket_name"], Key=name, Body=data, ContentType="image/jpeg")


def empty():
    """Remove a previous city: its rows, and its photo objects from storage."""
    from basisjeugdhulp.plans.models import PlanPhoto
    from basisjeugdhulp.plans.storing import remove_objects

    names = [name for pair in PlanPhoto.objects.values_list("image", "thumbnail") for name in pair]
    # Through the register's own storage, whose S3 client keeps botocore's 10 connections.
    with ThreadPoolExecutor(10) as pool:
        list(pool.map(lambda name: remove_objects([name]), names))
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE intake_registration, trajectories_trajectory, teams_team, matching_professional, "
                       "plans_planphoto, intake_child, intake_familykey, "
                       "reporting_monthfigure, reporting_figuremonth, reporting_figurechange, reporting_figureversion, audit_accessevent "
                       "RESTART IDENTITY CASCADE")
    get_user_model().objects.filter(username__startswith="bench").delete()


def refill(trajectories, today, photos=True):
    """Empty the city and fill it again at `trajectories`, with photos and monthly facts.
    Returns what was made, with the seconds each step took."""
    from basisjeugdhulp.reporting import monthly

    made = {}
    with connection.cursor() as cursor:
        # The settings' statement limit (15 s) is for requests; on a busy machine emptying,
        # filling and counting a full-size city runs statements of minutes. Off for this
        # connection (the benchmark's own), never for the gunicorn it starts.
        cursor.execute("SET statement_timeout = 0")
    start = time.perf_counter()
    empty()
    fill(trajectories, today)
    made["rows seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    made["photos"] = add_photos() if photos else 0
    made["photos seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    monthly.rebuild_all(today)
    made["facts seconds"] = time.perf_counter() - start
    start = time.perf_counter()
    with connection.cursor() as cursor:
        # Settle the tables as a running register's are (statistics fresh, visibility map set), so
        # no autovacuum of the fresh rows runs underneath the measurements that follow.
        cursor.execute("VACUUM (ANALYZE)")
    made["vacuum seconds"] = time.perf_counter() - start
    with connection.cursor() as cursor:
        for table, label in (("intake_registration", "aanmeldingen"), ("trajectories_trajectory", "trajectories"),
                             ("intake_registration WHERE former_trajectory_id IS NOT NULL", "re-registrations"),
                             ("trajectories_trajectory WHERE ended_on IS NULL", "open trajectories"),
                             ("intake_registration WHERE status = 'awaiting_contact'", "awaiting contact")):
            cursor.execute(f"SELECT count(*) FROM {table}")
            made[label] = cursor.fetchone()[0]
        cursor.execute("SELECT count(DISTINCT family_label) FROM intake_registration")
        made["families"] = cursor.fetchone()[0]
    made["teams"], made["professionals"] = organisation(trajectories)
    return made


def describe(made):
    return (f"{made['aanmeldingen']:,} aanmeldingen of {made['families']:,} families "
            f"({made['re-registrations']:,} re-registrations), {made['trajectories']:,} trajectories "
            f"({made['open trajectories']:,} open), {made['awaiting contact']:,} awaiting contact, "
            f"{made['photos']:,} photos in storage, {made['professionals']:,} professionals (teams: "
            f"{made['teams']}); rows {made['rows seconds']:.0f} s, photos {made['photos seconds']:.0f} s, "
            f"monthly facts {made['facts seconds']:.0f} s, vacuum {made['vacuum seconds']:.0f} s")


def main():
    from django.test.utils import setup_test_environment

    if connection.vendor != "postgresql":
        sys.exit("bench/city.py needs PostgreSQL (make bench sets DATABASE_URL).")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        for label, size in (("1/100", FULL // 100), ("full", FULL)):
            print(f"{label}: {describe(refill(size, timezone.localdate()))}")
        empty()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
