"""The access log (NEN 7513): append-only, searchable by the beheerder, per family."""

import sqlite3
from contextlib import closing
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from basisjeugdhulp.audit.models import AccessEvent, Action, AppendOnly
from tests import factories
from tests.test_settings import manage


@pytest.fixture
def looked_at(client, personas):
    case = factories.registration(personas.team, "awaiting_contact", family_label="Gezin Jansen")
    client.force_login(personas.triagist)
    client.get(reverse("intake:registration", args=[case.public_id]))
    client.force_login(personas.professional)
    client.get(reverse("intake:registration", args=[case.public_id]))
    return case


def test_the_application_cannot_change_or_remove_an_entry(looked_at):
    event = AccessEvent.objects.first()
    event.action = Action.CREATE
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        AccessEvent.objects.filter(pk=event.pk).update(action=Action.CREATE)
    with pytest.raises(AppendOnly):
        AccessEvent.objects.all().delete()
    with pytest.raises(AppendOnly):  # Django's internal manager is the guarded one too
        AccessEvent._base_manager.filter(pk=event.pk).update(action=Action.CREATE)
    with pytest.raises(AppendOnly):
        AccessEvent._base_manager.all().delete()
    assert AccessEvent.objects.count() == 2


def test_the_database_refuses_it_too(looked_at):
    """PostgreSQL's trigger (migration 0004) or SQLite's (0007), whichever runs the suite."""
    for sql in (
        "UPDATE audit_accessevent SET action = 'create'",
        "DELETE FROM audit_accessevent",
        # bulk_create(update_conflicts=True) past the model
        "INSERT INTO audit_accessevent (id, at, user_id, roles, action, user_agent, chain_hash)"
        " SELECT id, at, user_id, roles, action, user_agent, chain_hash FROM audit_accessevent WHERE true"
        " ON CONFLICT (id) DO UPDATE SET action = 'create'",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert AccessEvent.objects.count() == 2
    assert AccessEvent.objects.filter(action=Action.CREATE).count() == 0


@pytest.mark.slow
def test_a_fresh_sqlite_database_refuses_changes_after_every_migration(tmp_path):
    """The demo's database, migrated from scratch: SQLite drops a table's triggers when Django
    rebuilds the table, so a later migration of the log must not lose them unseen."""
    database = tmp_path / "register.sqlite3"
    migrated = manage("migrate", "--noinput", DATABASE_URL=f"sqlite:///{database}", VAR_DIR=str(tmp_path))
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    looked = manage(
        "shell", "-c",
        "from django.contrib.auth.models import User; from basisjeugdhulp.audit.models import AccessEvent;"
        "AccessEvent.objects.create(user=User.objects.create(username='alice'), roles='triagist', action='view_file')",
        DATABASE_URL=f"sqlite:///{database}", VAR_DIR=str(tmp_path),
    )
    assert looked.returncode == 0, looked.stderr
    with closing(sqlite3.connect(database)) as db:
        for sql in ("UPDATE audit_accessevent SET action = 'create'", "DELETE FROM audit_accessevent"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                db.execute(sql)
        assert db.execute("SELECT count(*) FROM audit_accessevent").fetchone() == (1,)
    verified = manage("verify_access_log", DATABASE_URL=f"sqlite:///{database}", VAR_DIR=str(tmp_path))
    assert "The access log is intact: 1 entry." in verified.stdout, verified.stderr


def test_the_beheerder_finds_who_looked_at_a_family(client, personas, looked_at):
    client.force_login(personas.administrator)
    page = client.get(reverse("audit:log"), {"family": str(looked_at.public_id)}).text
    assert "Alice" in page and "Bob" in page
    assert page.count("Dossier van het gezin ingezien") == 2
    only_bob = client.get(reverse("audit:log"), {"user": "bob"}).text
    assert "Bob" in only_bob and ">Alice<" not in only_bob
    listing = client.get(reverse("audit:family", args=[looked_at.public_id])).text
    assert "Alice" in listing and "Bob" in listing
    assert "Gezin Jansen" not in listing  # the log, not the file
    # The searches themselves are logged.
    assert AccessEvent.objects.filter(action=Action.SEARCH_LOG, user=personas.administrator).count() == 3


def test_a_period_is_whole_days_on_the_dutch_clock(client, personas):
    """From 5 to 7 October: a look just after midnight on the 5th (still the 4th in UTC) and just
    before midnight on the 7th are in it, the minutes either side are not."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    for day, hour, minute in ((4, 23, 50), (5, 0, 10), (7, 23, 50), (8, 0, 10)):
        with mock.patch("django.utils.timezone.now", return_value=datetime(2026, 10, day, hour, minute, tzinfo=amsterdam)):
            AccessEvent.objects.create(user=personas.triagist, roles="triagist", action=Action.VIEW_FILE)
    client.force_login(personas.administrator)
    page = client.get(reverse("audit:log"), {"start": "2026-10-05", "end": "2026-10-07"}).text
    assert "5 okt 2026 00:10" in page and "7 okt 2026 23:50" in page
    assert "4 okt 2026 23:50" not in page and "8 okt 2026 00:10" not in page


def test_a_bad_search_gets_a_dutch_message(client, personas):
    client.force_login(personas.administrator)
    page = client.get(reverse("audit:log"), {"user": "niemand", "start": "2026-10-10", "end": "2026-10-01"}).text
    assert "Deze gebruiker bestaat niet." in page
    page = client.get(reverse("audit:log"), {"family": "geen-nummer"}).text
    assert "Vul het nummer van de aanmelding in" in page


def test_only_the_beheerder_reads_the_log(client, personas):
    for user in (personas.triagist, personas.professional, personas.second_reader, personas.analyst):
        client.force_login(user)
        assert client.get(reverse("audit:log")).status_code == 403


def test_an_export_is_logged(client, personas):
    client.force_login(personas.analyst)
    client.get(reverse("reporting:export_csv"))
    event = AccessEvent.objects.get(action=Action.EXPORT)
    assert event.user == personas.analyst and event.family is None


def test_the_number_to_search_by_is_on_the_file_and_its_address_works_too(client, personas, looked_at):
    """Issue 22: the search asked for a number no page showed."""
    client.force_login(personas.triagist)
    file = client.get(reverse("intake:registration", args=[looked_at.public_id])).text
    assert f"Nummer van de aanmelding: <code>{looked_at.public_id}</code>" in file
    client.force_login(personas.administrator)
    address = f"https://register.example/triage/aanmelding/{looked_at.public_id}/"
    page = client.get(reverse("audit:log"), {"family": address}).text
    assert page.count("Dossier van het gezin ingezien") >= 2
