"""The register's pages at 1/100 size and at full size: SQL query count and server time, side
by side, in one run (the machine is noisy; compare within a run).

Full size is a city's ten years: 1 M aanmeldingen with their trajectories, 40 teams, 800
professionals (bench/report.py fills it the same way). The pages are requested through the
whole Django stack (middleware, access policy, access log) as their users: the triage queue, a
professional's start page, a family's file, the matching panel and the municipal dashboard.
Target: the same query count at both sizes.

Run: make bench ARGS=bench/pages.py   (PostgreSQL; BENCH_TRAJECTORIES sets the full size)
"""

import os
import statistics
import sys
import time
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

ROUNDS = 20
FULL = int(os.environ.get("BENCH_TRAJECTORIES", "1000000"))


def users(family):
    """The family's lead professional, a triagist of its team, and a municipal analyst."""
    from basisjeugdhulp.accounts.roles import Role
    from matching.models import Professional

    lead = Professional.objects.select_related("user", "team").get(pk=family.trajectory.lead_id)
    lead.user.groups.add(Group.objects.get(name=Role.PROFESSIONAL.value))
    triagist = get_user_model().objects.create_user(f"bench-triagist-{time.time_ns()}", password="x")
    triagist.groups.add(Group.objects.get(name=Role.TRIAGIST.value))
    Professional.objects.create(user=triagist, team=family.team, education="hbo")
    analyst = get_user_model().objects.create_user(f"bench-gemeente-{time.time_ns()}", password="x")
    analyst.groups.add(Group.objects.get(name=Role.MUNICIPALITY.value))
    return triagist, lead, analyst


def pages(today):
    from basisjeugdhulp.intake.models import Registration
    from basisjeugdhulp.trajectories.models import Trajectory

    family = Registration.objects.filter(status="awaiting_contact", route="basic").order_by("-pk").first()
    triagist, lead, analyst = users(family)
    open_one = Trajectory.objects.filter(registration=family).first()
    return [
        ("triage queue", triagist, reverse("intake:queue"), {}),
        ("start page", lead.user, reverse("trajectories:mine"), {}),
        ("family file", triagist, reverse("intake:registration", args=[family.public_id]), {}),
        ("matching panel", triagist, reverse("matching:panel", args=[family.public_id]), {"HX-Request": "true"}),
        ("trajectory", triagist, reverse("trajectories:detail", args=[open_one.public_id]), {}),
        ("dashboard year", analyst, reverse("reporting:dashboard") + f"?periode={today.year - 1}", {}),
    ]


def verify(session, user):
    """A production session is verified with the second factor (accounts/second_factor.py,
    SECOND_FACTOR_REQUIRED): every request reads the user's authenticator device, as there."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id


def measure(user, url, headers):
    client = Client()
    client.force_login(user)
    session = client.session
    verify(session, user)
    session.save()
    queries = []

    def get():
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content)

    size = get()  # warm: the session's first request, the figures' monthly facts
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        get()
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        get()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return len(queries), statistics.median(times), times[int(ROUNDS * 0.95) - 1], size / 1000


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/pages.py needs PostgreSQL (make bench sets DATABASE_URL).")
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        today = timezone.localdate()
        results = {}
        for label, size in (("1/100", FULL // 100), ("full", FULL)):
            print(f"{label}: {city.describe(city.refill(size, today))}")
            results[label] = {name: measure(user, url, headers) for name, user, url, headers in pages(today)}
        # The page's size says how much it lists: about as much at both sizes, since the 1/100 city
        # has 1/100 of the professionals too (bench/city.py); the dashboard has a row per team.
        print(f"{'page':<16} {'queries 1/100':>13} {'queries full':>12}   {'ms p50/p95 1/100':>17}   {'ms p50/p95 full':>16}"
              f"   {'kB 1/100':>8} {'kB full':>7}")
        for name in results["full"]:
            small, full = results["1/100"][name], results["full"][name]
            print(f"{name:<16} {small[0]:>13} {full[0]:>12}   {small[1]:>8.1f} / {small[2]:<6.1f}   {full[1]:>8.1f} / {full[2]:<6.1f}"
                  f"   {small[3]:>8.1f} {full[3]:>7.1f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
