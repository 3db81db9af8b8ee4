"""Requests per second and latency of the register's pages under gunicorn, against two reference
views served by the same gunicorn in the same run (bench/urls.py): a bare "ok" view and a floor
view (one indexed query for 50 trajectories in the base layout). Measured with wrk on loopback,
32 connections, at 1/100 size and at full size (BENCH_TRAJECTORIES, default 1 M). Each page is
measured right after the floor view, BENCH_ROUNDS times (default 3), and its ratio to the floor
is the median of those rounds: the machine drifts over the minutes a run takes.

Targets (issue 11): queue and start page ≥ 0.7× the floor view's requests/s, p99 ≤ 100 ms;
family file and matching panel ≥ 0.5× the floor; full size within 20 % of 1/100 size.

Run: make bench ARGS=bench/throughput.py   (installs wrk with apt-get when missing, as root)
"""

import os
import re
import shutil
import socket
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

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

import pages  # noqa: E402  (bench/pages.py: the same users and pages)
import city  # noqa: E402  (bench/city.py: the scale dataset)

FULL = int(os.environ.get("BENCH_TRAJECTORIES", "1000000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = 32
GUNICORN_LOG = Path(tempfile.gettempdir()) / "bench-gunicorn.log"


def wrk():
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        return shutil.which("wrk")
    sys.exit("bench/throughput.py needs wrk (Debian: apt-get install wrk).")


def session_for(user):
    from basisjeugdhulp.accounts.idle import LAST_SEEN

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[LAST_SEEN] = int(time.time())
    pages.verify(session, user)
    session.create()
    return session.session_key


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(database_url, static_root, workers=2):
    port = free_port()
    environment = {
        **os.environ,
        "PRODUCTION": "1",
        "SECRET_KEY": settings.SECRET_KEY,  # the sessions made here must be readable there
        "FAMILY_KEY_SECRET": "bench-family-key",
        "ACCESS_LOG_KEY": settings.ACCESS_LOG_KEY,  # the chain the bench process started
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(static_root),
        "ROOT_URLCONF": "bench.urls",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    environment.pop("DATABASE_STATEMENT_TIMEOUT", None)  # the production limit, whatever filled the city
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=environment, check=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "basisjeugdhulp.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "info", "--graceful-timeout", "2", "--timeout", "10", "--error-logfile", str(GUNICORN_LOG)],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit(f"gunicorn did not come up; its log: {GUNICORN_LOG}")


def probe(url, cookie):
    """One request first: a page that does not answer 200 is reported, not benchmarked."""
    import urllib.request

    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except Exception as error:  # noqa: BLE001 - reported as it is
        return f"{type(error).__name__}: {error}"


def run_wrk(binary, url, cookie):
    command = [binary, "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    if os.environ.get("BENCH_VERBOSE"):
        print(url, output)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", output).group(1)) for p in ("50", "99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, latency["50"], latency["99"], int(errors.group(1)) if errors else 0


def against_floor(binary, url, cookie, floor_url, floor_cookie):
    """ROUNDS times the floor view and then the page, back to back; the round with the median
    ratio is reported. The machine drifts over the minutes a run takes, so a page is compared
    with the floor measured just before it, not with one floor figure from the start."""
    rounds = []
    for _ in range(ROUNDS):
        floor = run_wrk(binary, floor_url, floor_cookie)[0]
        page = run_wrk(binary, url, cookie)
        rounds.append((page[0] / floor, page))
    rounds.sort(key=lambda pair: pair[0])
    return rounds[len(rounds) // 2]


def _ms(text):
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/throughput.py needs PostgreSQL (make bench sets DATABASE_URL).")
    binary = wrk()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    base_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    database_url = f"{base_url}/{connection.settings_dict['NAME']}"
    static_root = Path(tempfile.mkdtemp(prefix="bench-static-"))
    results = {}
    try:
        today = timezone.localdate()
        for label, size in (("1/100", FULL // 100), ("full", FULL)):
            made = city.describe(city.refill(size, today))
            page_list = pages.pages(today)
            floor_cookie = session_for(page_list[0][1])
            server, url = start_gunicorn(database_url, static_root)
            try:
                floor_url = url + "/bench/floor/"
                run_wrk(binary, floor_url, floor_cookie)  # warm both workers' connections
                bare, floor = run_wrk(binary, url + "/bench/ok/", None), run_wrk(binary, floor_url, floor_cookie)
                results[label] = {"ok (bare)": (bare[0] / floor[0], bare), "floor": (1.0, floor)}
                for name, user, path, _headers in page_list:
                    cookie = session_for(user)
                    status = probe(url + path, cookie)
                    if status != 200:
                        print(f"    {name}: answered {status} instead of 200 (gunicorn log: {GUNICORN_LOG})")
                    results[label][name] = against_floor(binary, url + path, cookie, floor_url, floor_cookie)
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            print(f"{label}: {made}")
        print(f"wrk, {CONNECTIONS} connections, {SECONDS} s per measurement, gunicorn 2 sync workers, production "
              f"settings; ×floor: the median of {ROUNDS} rounds of floor view then page")
        print(f"{'page':<16} {'req/s 1/100':>11} {'×floor':>6} {'p50':>6} {'p99':>6}   {'req/s full':>10} {'×floor':>6} {'p50':>6} {'p99':>6} {'full/small':>10} {'errors':>6}")
        for name in results["full"]:
            (small_ratio, small), (full_ratio, full) = results["1/100"][name], results["full"][name]
            print(f"{name:<16} {small[0]:>11.0f} {small_ratio:>6.2f} {small[1]:>6.1f} {small[2]:>6.1f}   "
                  f"{full[0]:>10.0f} {full_ratio:>6.2f} {full[1]:>6.1f} {full[2]:>6.1f} {full[0] / small[0]:>10.2f} {small[3] + full[3]:>6}")
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
