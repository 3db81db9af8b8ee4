"""Retention counts from the file's last change (Jeugdwet art. 7.3.8 lid 3, issue 28): every
write to a part of the file stamps it, reads do not, and the daily task destroys what was last
changed more than twenty years ago — open trajectories and never-contacted families included."""

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.intake.models import Child, Registration, SecondCheck
from basisjeugdhulp.trajectories.models import Trajectory
from matching import assignment
from tests import factories


@contextmanager
def written_at(moment, monkeypatch):
    """Writes made inside happen at `moment` (every stamp reads timezone.now())."""
    with monkeypatch.context() as patched:
        patched.setattr(timezone, "now", lambda: moment)
        yield


def years_ago(years, days=0):
    return timezone.now() - timedelta(days=round(365.25 * years) + days)


def destroyed():
    """The files the daily task destroys now, by id."""
    call_command("destroy_expired_files", stdout=open("/dev/null", "w"))
    return set(Registration.objects.exclude(destroyed_at=None).values_list("pk", flat=True))


def test_retention_counts_from_the_last_change_not_from_closing_or_receipt(personas, monkeypatch):
    long_ago, nineteen = years_ago(25), years_ago(19)
    with written_at(long_ago, monkeypatch):
        open_for_ever = factories.trajectory(personas.team, family_label="Gezin Nooit Gesloten",
                                             received_on=long_ago.date())
        never_contacted = factories.registration(personas.team, "awaiting_contact", family_label="Gezin Nooit Gebeld",
                                                 received_on=long_ago.date())
        checked_later = factories.registration(personas.team, "second_check", family_label="Gezin Tweede Lezing",
                                               received_on=long_ago.date())
        photographed_later = factories.trajectory(personas.team, family_label="Gezin Foto", received_on=long_ago.date())
    with written_at(nineteen, monkeypatch):
        check = SecondCheck.objects.get(registration=checked_later)
        check.approved, check.decided_at = True, nineteen
        check.save()
        # A photo and then the closing, with an end date two years back (a closed trajectory
        # takes no photo: intake/file_lock.py).
        factories.plan_photo(personas.team, trajectory_=photographed_later)
        photographed_later.close(years_ago(21).date(), "goal", Decimal(2))
    assert Registration.objects.get(pk=checked_later.pk).last_changed_at == nineteen

    gone = destroyed()

    assert open_for_ever.registration_id in gone  # never closed: kept for ever before
    assert never_contacted.pk in gone  # routed, never contacted: kept for ever before
    assert checked_later.pk not in gone  # the second check 19 years ago is a change
    assert photographed_later.registration_id not in gone  # ended 21 years ago, photo 19 years ago


def test_twenty_years_to_the_day(personas, monkeypatch, settings):
    assert settings.RETENTION_YEARS == 20
    with written_at(years_ago(20, days=2), monkeypatch):
        past = factories.registration(personas.team, family_label="Gezin Voorbij")
    with written_at(years_ago(20, days=-2), monkeypatch):
        within = factories.registration(personas.team, family_label="Gezin Binnen")
    gone = destroyed()
    assert past.pk in gone and within.pk not in gone


@pytest.fixture
def old_file(personas, monkeypatch):
    """A file written ten years ago, in every state a write can find it in."""
    moment = years_ago(10)
    with written_at(moment, monkeypatch):
        journey = factories.trajectory(personas.team, received_on=moment.date())
    return journey, moment


def stamp(journey):
    return Registration.objects.get(pk=journey.registration_id).last_changed_at


def test_reading_a_file_changes_nothing(client, personas, old_file):
    journey, moment = old_file
    client.force_login(personas.triagist)
    assert client.get(reverse("intake:registration", args=[journey.registration.public_id])).status_code == 200
    client.force_login(personas.professional)
    assert client.get(reverse("trajectories:detail", args=[journey.public_id])).status_code == 200
    assert stamp(journey) == moment


WRITES = {
    "a child added": lambda journey, personas: Child.objects.create(
        registration=journey.registration, first_name="Mila", birth_year=2020),
    "a child removed": lambda journey, personas: journey.registration.children.first().delete(),
    "the trajectory closed": lambda journey, personas: journey.close(timezone.localdate(), "goal", Decimal(3)),
    "a professional assigned": lambda journey, personas: assignment.assign(
        journey, journey.lead, personas.triagist),
    "a plan photo": lambda journey, personas: factories.plan_photo(personas.team, trajectory_=journey),
    "a bulk correction of the start": lambda journey, personas: Trajectory.objects.filter(pk=journey.pk).update(
        started_on=journey.started_on + timedelta(days=1)),
    "a bulk correction of the aanmelding": lambda journey, personas: Registration.objects.filter(
        pk=journey.registration_id).update(received_on=journey.registration.received_on - timedelta(days=1)),
    "the aanmelding saved": lambda journey, personas: journey.registration.save(update_fields=["question"]),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_to_a_part_of_the_file_is_its_last_change(personas, old_file, write):
    journey, moment = old_file
    before = timezone.now()
    WRITES[write](journey, personas)
    assert stamp(journey) >= before > moment


def test_the_views_that_write_stamp_the_file(client, personas, monkeypatch):
    moment = years_ago(3)
    with written_at(moment, monkeypatch):
        case = factories.registration(personas.team, received_on=moment.date())
    client.force_login(personas.triagist)
    response = client.post(reverse("intake:triage", args=[case.public_id]), {"route": "basic", "product": "ib_middel"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.last_changed_at > moment
