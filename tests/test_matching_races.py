"""Two triagists matching one family at the same moment (issue 21): the file's lock (the
aanmelding, then the trajectory: intake/file_lock.py) lets one through, the other gets a 409
with their choice kept, and the database itself never holds two current leads."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from basisjeugdhulp.accounts.roles import Role
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.trajectories.models import Trajectory
from matching import assignment
from matching.models import Match, MatchRole, Professional
from tests import factories
from tests.conftest import make_user
from tests.races import at_once

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 8


def triagists(personas):
    colleague = make_user(f"tess{Trajectory.objects.count()}", Role.TRIAGIST, personas.team)
    clients = []
    for user in (personas.triagist, colleague):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def current_leads(journey):
    return list(Match.objects.filter(trajectory=journey, role=MatchRole.LEAD, ended_at=None))


def test_two_assignments_at_once_leave_one_lead_and_tell_the_other(personas):
    professionals = list(Professional.objects.filter(team=personas.team))
    first, second = triagists(personas)
    conflicts = 0
    for _round in range(ROUNDS):
        journey = factories.trajectory(personas.team)
        Trajectory.objects.filter(pk=journey.pk).update(lead=None)
        url = reverse("matching:assign", args=[journey.registration.public_id])
        responses = at_once([
            lambda: first.post(url, {"lead": professionals[0].pk, "product": journey.product}),
            lambda: second.post(url, {"lead": professionals[1].pk, "product": journey.product}),
        ])
        codes = sorted(r.status_code for r in responses)
        assert codes in ([302, 302], [302, 409]), codes
        leads = current_leads(journey)
        journey.refresh_from_db()
        assert len(leads) == 1 and journey.lead_id == leads[0].professional_id
        assert AccessEvent.objects.filter(family=journey.registration.public_id, action=Action.ASSIGN).count() == 1
        loser = next((r for r in responses if r.status_code == 409), None)
        if loser is not None:
            conflicts += 1
            assert "Intussen heeft iemand anders de vaste professional gewijzigd" in loser.text
    print(f"\nassign races: {ROUNDS} rounds, {conflicts} answered 409, never two leads")
    assert conflicts > 0  # the threads did meet


def test_two_re_matches_at_once_end_one_lead_each(personas):
    professionals = list(Professional.objects.filter(team=personas.team))
    first, second = triagists(personas)
    conflicts = 0
    for _round in range(ROUNDS):
        journey = factories.trajectory(personas.team)
        assignment.assign(journey, professionals[0], personas.triagist)
        url = reverse("matching:rematch", args=[journey.registration.public_id])
        responses = at_once([
            lambda: first.post(url, {"lead": professionals[1].pk, "reason": "geen_klik"}),
            lambda: second.post(url, {"lead": professionals[2].pk, "reason": "capaciteit"}),
        ])
        saved = sum(r.status_code == 302 for r in responses)
        conflicts += sum(r.status_code == 409 for r in responses)
        assert saved >= 1 and all(r.status_code in (302, 409) for r in responses)
        assert len(current_leads(journey)) == 1
        # Every saved re-match ended exactly one lead, with its reason: the count the figures use.
        assert Match.objects.rematches().filter(trajectory=journey).count() == saved
        assert AccessEvent.objects.filter(family=journey.registration.public_id, action=Action.REMATCH).count() == saved
    print(f"\nre-match races: {ROUNDS} rounds, {conflicts} answered 409")
    assert conflicts > 0


def test_the_database_refuses_a_second_current_lead(personas):
    journey = factories.trajectory(personas.team)
    assignment.assign(journey, journey.lead, personas.triagist)
    with pytest.raises(IntegrityError), transaction.atomic():
        Match.objects.create(trajectory=journey, professional=journey.lead, role=MatchRole.LEAD)


def test_a_re_match_needs_a_reason_in_the_domain_too(personas):
    journey = factories.trajectory(personas.team)
    other = Professional.objects.filter(team=personas.team).exclude(pk=journey.lead_id).first()
    with pytest.raises(ValidationError):
        assignment.rematch(journey, other, personas.triagist, reason="")
