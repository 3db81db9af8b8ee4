"""Where a page's worker CPU goes: the register's pages in one process, with production settings,
against the floor view (bench/urls.py), on the 1/100 city (or BENCH_TRAJECTORIES).

Prints, per page, the CPU time per request through Django's whole handler (middleware, view,
template) as a ratio to the floor view's measured in the same loop, and with BENCH_PROFILE=1 the
functions that take the most of it (cProfile, own time and cumulative). The figures to report
come from bench/openloop.py (gunicorn, open loop); this is the quick loop for finding the cost.

Run: make bench ARGS=bench/profile_pages.py
     BENCH_PROFILE=1 BENCH_PAGES="triage queue,start page" make bench ARGS=bench/profile_pages.py
     With the services kept running (one fill of the full city, then one run per change):
     ./scripts/with-services.sh bash -c 'export -p > /tmp/services.env; sleep 10800' &
     (. /tmp/services.env; BENCH_KEEP=1 BENCH_TRAJECTORIES=1000000 .venv/bin/python bench/profile_pages.py)
"""

import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")
# The deployment's settings, as bench/throughput.py gives gunicorn (DEBUG off, cached templates).
os.environ.update({
    "PRODUCTION": "1", "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-profile-secret-key-" + "x" * 40),
    "FAMILY_KEY_SECRET": "bench-family-key", "ACCESS_LOG_KEY": "bench-access-log-key",
    "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "0", "ROOT_URLCONF": "bench.urls",
    "S3_BUCKET": os.environ.get("S3_BUCKET", "bench"), "LOG_LEVEL": "WARNING",
    "STATIC_ROOT": tempfile.mkdtemp(prefix="bench-static-"),
})

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

import city  # noqa: E402
import throughput  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))


HANDLER = WSGIHandler()  # what gunicorn calls: no test client, no template signals


def getter(user, url, headers):
    """One GET through the whole handler, signed in as user (second factor verified)."""
    cookie = throughput.session_for(user)
    extra = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    path, _, query = url.partition("?")

    def get():
        environ = RequestFactory().get(path, QUERY_STRING=query, HTTP_COOKIE=f"sessionid={cookie}", **extra).environ
        status = []
        body = b"".join(HANDLER(environ, lambda code, _headers, *exc: status.append(code)))
        assert status[0].startswith("200"), (url, status[0], body[:300])

    return get


def interleaved(page, floor, rounds, batch=10):
    """CPU ms per request of the page and of the floor: the medians of batches of `batch`
    requests, page and floor taking turns, so the machine's drift (on a shared machine the
    floor alone moved 6–9 ms between runs of a minute) hits both alike."""
    pages, floors = [], []
    for _ in range(max(1, rounds // batch)):
        for get, found in ((page, pages), (floor, floors)):
            start = time.process_time()
            for _ in range(batch):
                get()
            found.append((time.process_time() - start) * 1000 / batch)
    return statistics.median(pages), statistics.median(floors)


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/profile_pages.py needs PostgreSQL (make bench sets DATABASE_URL).")
    call_command("collectstatic", interactive=False, verbosity=0)
    old_name = connection.settings_dict["NAME"]
    # BENCH_KEEP=1 keeps the city between runs against the same PostgreSQL (a full-size fill takes
    # minutes): for trying one change after another, with the services started once.
    keep = bool(os.environ.get("BENCH_KEEP"))
    if keep:  # a name of its own, which a test run against the same services does not drop
        connection.settings_dict["TEST"]["NAME"] = "bench_profile_city"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=keep)
    try:
        today = timezone.localdate()
        size = int(os.environ.get("BENCH_TRAJECTORIES", city.FULL // 100))
        from basisjeugdhulp.trajectories.models import Trajectory

        if keep and Trajectory.objects.exists():
            print(f"the kept city of {Trajectory.objects.count():,} trajectories", flush=True)
        else:
            print(city.describe(city.refill(size, today)), flush=True)
        page_list = throughput.pages.pages(today)
        wanted = [name for name in os.environ.get("BENCH_PAGES", "").split(",") if name]
        floor = getter(page_list[0][1], reverse("bench_floor"), {})
        for _ in range(20):
            floor()
        print(f"{'page':<16} {'CPU ms/req':>10} {'floor ms':>8} {'× floor':>7}")
        for name, user, url, headers in page_list:
            if wanted and name not in wanted:
                continue
            get = getter(user, url, headers)
            rounds = ROUNDS // 10 if name.startswith("dashboard") else ROUNDS
            for _ in range(10):
                get()
            page_ms, floor_ms = interleaved(get, floor, rounds)
            print(f"{name:<16} {page_ms:>10.2f} {floor_ms:>8.2f} {page_ms / floor_ms:>7.2f}", flush=True)
            if os.environ.get("BENCH_PROFILE"):
                profile = cProfile.Profile(time.process_time)  # CPU, not the wait for the database
                profile.runcall(lambda: [get() for _ in range(rounds)])
                for order in ("tottime", "cumulative"):
                    out = io.StringIO()
                    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(int(os.environ.get("BENCH_TOP", "35")))
                    print(out.getvalue(), flush=True)
    finally:
        if not keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(os.environ["STATIC_ROOT"], ignore_errors=True)


if __name__ == "__main__":
    main()
