"""The load test: 200 simulated tablet users on the full-size register, on loopback, bounded in
time (locust, headless; the users are in bench/locustfile.py).

The scale dataset (bench/city.py) is filled at full size; 120 triagists (three per team), 70
youth professionals of that data (their own open families) and 10 municipal analysts get a
session each. gunicorn serves the register with the production settings (sync workers,
persistent database connections, photos in the real S3 server), as in bench/throughput.py. The
users ramp up over 20 s and then work for BENCH_LOAD_SECONDS (default 120), each acting every
2–8 s: the real mix of opening the queue, recording an aanmelding, viewing a family, opening a
start page and a trajectory, uploading a small A3 photo, opening the dashboard.
Target (issue 11): p95 < 300 ms over all requests, no errors.

Run: make bench ARGS=bench/load.py
"""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from basisjeugdhulp.rows import url_maker  # noqa: E402

import city  # noqa: E402  (bench/city.py: the scale dataset)
import throughput  # noqa: E402  (bench/throughput.py: gunicorn as in production, sessions)

SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "120"))
SPAWN_RATE = 10  # users per second: all 200 within 20 s
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "2"))
TRIAGISTS_PER_TEAM = 3  # 120 triagists in 40 teams
PROFESSIONALS = 70
ANALYSTS = 10  # 200 users in all


def pattern(name):
    """The URL of the named pattern with "{}" for its public id (for bench/locustfile.py)."""
    return url_maker(name)("{}")


def users_and_families(today):
    """Sessions for every simulated user, and what each may open."""
    from basisjeugdhulp.accounts.roles import Role
    from basisjeugdhulp.intake.models import Registration
    from basisjeugdhulp.teams.models import Team
    from basisjeugdhulp.trajectories.models import Trajectory
    from matching.models import Professional

    groups = {role: Group.objects.get(name=role.value) for role in Role}
    run = time.strftime("%H%M%S")  # usernames of this run (the access log keeps earlier users)
    triagists = []
    for team in Team.objects.order_by("pk"):
        families = [str(public_id) for public_id in Registration.objects.filter(team=team)
                    .order_by("-received_on", "-pk").values_list("public_id", flat=True)[:40]]
        for n in range(TRIAGISTS_PER_TEAM):
            user = get_user_model().objects.create_user(f"bench-load-{run}-triagist-{team.pk}-{n}")
            user.groups.add(groups[Role.TRIAGIST])
            Professional.objects.create(user=user, team=team, education="hbo")
            triagists.append({"session": throughput.session_for(user), "families": families})
    professionals = []
    busiest = (Trajectory.objects.open().filter(started_on__isnull=False).values("lead")
               .annotate(n=Count("pk")).order_by("-n", "lead").values_list("lead", flat=True)[:PROFESSIONALS])
    for lead in Professional.objects.filter(pk__in=list(busiest)).select_related("user"):
        lead.user.groups.add(groups[Role.PROFESSIONAL])
        own = [str(public_id) for public_id in Trajectory.objects.open().filter(lead=lead, started_on__isnull=False)
               .values_list("public_id", flat=True)[:20]]
        if own:
            professionals.append({"session": throughput.session_for(lead.user), "trajectories": own})
    analysts = []
    for n in range(ANALYSTS):
        user = get_user_model().objects.create_user(f"bench-load-{run}-gemeente-{n}")
        user.groups.add(groups[Role.MUNICIPALITY])
        analysts.append({"session": throughput.session_for(user)})
    return {"triagist": triagists, "professional": professionals, "analyst": analysts}


def run_locust(config_path, url, csv_prefix, users):
    command = [
        str(ROOT / ".venv/bin/locust"), "-f", str(ROOT / "bench/locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(SPAWN_RATE), "--run-time", f"{SECONDS + users // SPAWN_RATE}s",
        "--host", url, "--csv", csv_prefix, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10",
    ]
    environment = {**os.environ, "LOAD_CONFIG": str(config_path)}
    result = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=SECONDS + 600)
    if os.environ.get("BENCH_VERBOSE"):
        print(result.stdout, result.stderr)
    return result


def report(csv_prefix):
    rows = list(csv.DictReader(io.open(f"{csv_prefix}_stats.csv")))
    print(f"{'request':<24} {'count':>6} {'errors':>6} {'req/s':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all requests"
        print(f"{name:<24} {int(row['Request Count']):>6} {int(row['Failure Count']):>6} "
              f"{float(row['Requests/s']):>6.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7} "
              f"{float(row['Max Response Time']):>7.0f}")
    failures = Path(f"{csv_prefix}_failures.csv")
    if failures.exists():
        for row in list(csv.DictReader(failures.open()))[:10]:
            print(f"    failure: {row['Name']}: {row['Error'][:160]} ({row['Occurrences']}×)")
    return rows[-1]


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/load.py needs PostgreSQL and S3 (make bench sets DATABASE_URL and S3_*).")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    base_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    database_url = f"{base_url}/{connection.settings_dict['NAME']}"
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    try:
        today = timezone.localdate()
        print(f"full: {city.describe(city.refill(city.FULL, today))}")
        from basisjeugdhulp.intake.models import QuestionCategory

        (folder / "plan.jpg").write_bytes(city.sheet_photo())
        config = {
            "users": users_and_families(today),
            "photo": str(folder / "plan.jpg"),
            "year": today.year,
            "categories": [str(pk) for pk in QuestionCategory.objects.values_list("pk", flat=True)],
            "urls": {
                "queue": reverse("intake:queue"), "new": reverse("intake:new"),
                "family": pattern("intake:registration"), "mine": reverse("trajectories:mine"),
                "trajectory": pattern("trajectories:detail"), "upload": pattern("plans:upload"),
                "dashboard": reverse("reporting:dashboard") + f"?periode={today.year - 1}",
            },
        }
        counts = {role: len(users) for role, users in config["users"].items()}
        (folder / "config.json").write_text(json.dumps(config))
        server, url = throughput.start_gunicorn(database_url, folder / "static", workers=WORKERS)
        try:
            start = time.perf_counter()
            result = run_locust(folder / "config.json", url, str(folder / "load"), sum(counts.values()))
            took = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)
        if not Path(f"{folder}/load_stats.csv").exists():
            sys.exit(f"locust wrote no figures:\n{result.stdout}\n{result.stderr}")
        print(f"{sum(counts.values())} users ({counts['triagist']} triagists, {counts['professional']} professionals, "
              f"{counts['analyst']} analysts), each acting every 2–8 s, for {took:.0f} s in all; "
              f"gunicorn {WORKERS} sync workers, production settings, photos in S3")
        total = report(str(folder / "load"))
        p95, errors = float(total["95%"]), int(total["Failure Count"])
        verdict = "meets" if p95 < 300 and errors == 0 else "misses"
        print(f"p95 {p95:.0f} ms, {errors} errors: {verdict} the target (p95 < 300 ms, 0 errors)")
    finally:
        city.empty()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
