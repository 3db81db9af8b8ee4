"""The demo: `make demo`'s path on SQLite, and the demo city it loads."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from basisjeugdhulp.demo import city
from basisjeugdhulp.teams.models import Team
from matching.models import Professional

ROOT = Path(__file__).resolve().parent.parent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_demo_path_runs_on_sqlite_with_photos_on_disk(tmp_path):
    """What scripts/demo.sh does after installing: migrate, load the demo, serve, log in."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "S3_", "PRODUCTION", "REQUIRE_", "DJANGO_ALLOW_ASYNC"))
    }
    environment.update(VAR_DIR=str(tmp_path), DEBUG="0", SECOND_FACTOR_REQUIRED="0")  # as scripts/demo.sh

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
        )

    assert manage("migrate", "--noinput").returncode == 0
    first = manage("load_demo")
    assert first.returncode == 0, first.stderr
    assert "triagist" in first.stdout and city.DEMO_PASSWORD in first.stdout
    again = manage("load_demo")  # idempotent
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "register.sqlite3").exists()

    storage = manage(
        "shell", "-c",
        "from django.core.files.storage import default_storage as s; s._setup(); print(type(s._wrapped).__name__, s.location)",
    )
    assert f"FileSystemStorage {tmp_path / 'private-media'}" in storage.stdout
    # The demo professional's plan photos lie in the private folder, and only there.
    assert "plan photos" in first.stdout
    kept = list((tmp_path / "private-media" / "plans").glob("*.jpg"))
    assert kept and all(len(p.stem) > 32 for p in kept)  # random names

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(100):
            try:
                login_page = opener.open(f"{base}/inloggen/", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the demo server did not come up")
        assert "Inloggen" in login_page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "triagist", "password": city.DEMO_PASSWORD}
        ).encode()
        request = urllib.request.Request(f"{base}/inloggen/", data=form, headers={"Referer": base})
        start_page = opener.open(request, timeout=10)
        assert start_page.url == f"{base}/triage/"
        assert "WIJ Centrum" in start_page.read().decode()
        # No Django debug page for a wrong address: the register's Dutch one, styled.
        with pytest.raises(urllib.error.HTTPError) as missing:
            opener.open(f"{base}/bestaat-niet/", timeout=10)
        assert missing.value.code == 404
        assert "Pagina niet gevonden" in missing.value.read().decode()
        assert opener.open(f"{base}/static/css/register.css", timeout=10).status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_demo_city_has_teams_and_a_mixed_staff(db):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert Team.objects.count() == len(city.TEAMS) >= 5
    staff = Professional.objects.filter(user__username__startswith="demo.")
    assert staff.count() == 80
    assert staff.education_mix() == {"hbo": 40, "mbo": 40}
    for team in Team.objects.all():
        assert team.professionals.count() >= city.PROFESSIONALS_PER_TEAM


def test_the_demo_refuses_a_database_with_real_data(db):
    get_user_model().objects.create_user("echte.medewerker")
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo")
    assert not Team.objects.exists()
    call_command("load_demo", force=True, stdout=open(os.devnull, "w"))
    assert Team.objects.count() == len(city.TEAMS)


def test_demo_staff_cannot_log_in_only_the_demo_logins_can(db):
    call_command("load_demo", stdout=open(os.devnull, "w"))
    User = get_user_model()
    assert not any(u.has_usable_password() for u in User.objects.filter(username__startswith="demo."))
    assert User.objects.get(username="beheerder").is_staff
    assert not User.objects.get(username="gemeente").is_staff


def test_the_demo_has_families_in_every_state(db, client):
    from django.utils import timezone

    from basisjeugdhulp.intake.models import Registration
    from basisjeugdhulp.intake.routes import Status

    call_command("load_demo", stdout=open(os.devnull, "w"))
    centrum = Registration.objects.filter(team__name=city.TEAMS[0][0])
    assert set(centrum.values_list("status", flat=True)) == set(Status.values) - {Status.REFERRED}
    today = timezone.localdate()
    assert centrum.filter(status=Status.AWAITING_CONTACT, contact_due__lt=today).exists()  # overdue
    assert centrum.filter(status=Status.AWAITING_CONTACT, contact_due__gte=today).exists()
    assert centrum.exclude(former_trajectory=None).count() == 1  # a returning family
    crisis = centrum.get(status=Status.CRISIS)
    assert crisis.family_label == "" and not crisis.children.exists()

    # The demo tweede lezer may decide the waiting proposal: it is a colleague's.
    assert client.post("/inloggen/", {"username": "tweedelezer", "password": city.DEMO_PASSWORD}).status_code == 302
    page = client.get("/triage/tweede-lezing/").text
    assert "Gezin Visser" in page and "Dit is uw eigen voorstel" not in page

    # Loading again adds nothing.
    before = Registration.objects.count()
    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert Registration.objects.count() == before
