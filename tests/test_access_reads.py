"""Every read and every change of a family's personal data leaves an access-log row (NEN 7513),
whatever page, verb, htmx partial or error re-render shows it (issue 20, point 3).

The walk takes every URL pattern of the URLconf, as every user whose role may use it, with a
family of each state in it, and asks for it with GET and with a POST of an empty (invalid)
form, each plainly and as htmx. A family's canary data (its label, phone, question, a child's
name, the triagist's motivation) in the answer without a row for that family and that user
written during that request is a read the log does not know of.
"""

from datetime import timedelta
from itertools import count
from unittest import mock

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.accounts.access import PUBLIC, TOKEN, allows, rule_for
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.models import Registration, SecondCheck
from basisjeugdhulp.trajectories.models import Trajectory
from tests import factories
from tests.urlconf import SAMPLES, all_urls

URLS = all_urls()

# Pages walked: the register's own (the admin registers no family model; logging out ends the
# session the walk needs).
WALKED = [
    (name, path)
    for name, path in URLS
    if not name.startswith("admin:") and name != "logout" and rule_for(name) not in (PUBLIC, TOKEN)
]

# What object the id in a page's URL stands for.
REGISTRATION, TRAJECTORY, PHOTO, CHECK, REQUEST, CARD = "registration", "trajectory", "photo", "check", "request", "card"
LETTER, RECONSIDERATION = "letter", "reconsideration"
INTERVIEW, SAMPLE = "interview", "sample"
ID_OF = {
    "intake:registration": REGISTRATION,
    "intake:triage": REGISTRATION,
    "intake:first_contact": REGISTRATION,
    "intake:decide": CHECK,
    "matching:panel": REGISTRATION,
    "matching:choose": REGISTRATION,
    "matching:assign": REGISTRATION,
    "matching:rematch": REGISTRATION,
    "audit:family": REGISTRATION,
    "audit:destroy": REGISTRATION,
    "audit:request": REQUEST,
    "audit:extend_request": REQUEST,
    "audit:answer_request": REQUEST,
    "trajectories:detail": TRAJECTORY,
    "trajectories:close": TRAJECTORY,
    "trajectories:reopen": TRAJECTORY,
    "plans:upload": TRAJECTORY,
    "plans:photo": PHOTO,
    "plans:thumbnail": PHOTO,
    "letters:file": REGISTRATION,
    "letters:issue": REGISTRATION,
    "letters:reconsider": REGISTRATION,
    "letters:letter": LETTER,
    "letters:pdf": LETTER,
    "letters:deliver": LETTER,
    "letters:decide": RECONSIDERATION,
    "safety:card": REGISTRATION,
    "safety:new": REGISTRATION,
    "safety:share": REGISTRATION,
    "safety:print": CARD,
    "safety:photo": CARD,
    "safety:thumbnail": CARD,
    "evaluation:interview": INTERVIEW,
    "evaluation:sample": SAMPLE,
    "evaluation:pair_again": SAMPLE,
}


def test_every_page_about_an_object_is_walked_with_real_objects():
    """A new URL with an id fails here until the walk knows what its id stands for."""
    assert {name for name, path in WALKED if SAMPLES["uuid"] in path} == set(ID_OF)


_phones = count(55500001)


class Family:
    """A family of the walk, with data nobody else has."""

    def __init__(self, team, tag, state, *, lead=None, by=None, photo=False, **fields):
        self.tag = tag
        self.registration = factories.registration(
            team, state, by=by, family_label=f"Gezin {tag}kanarie", children=[(f"{tag}kind", 2016)], **fields
        )
        Registration.objects.filter(pk=self.registration.pk).update(
            phone=(phone := f"06{next(_phones)}"), question=f"Vraag van {tag}kanarie"
        )
        self.canaries = [f"{tag}kanarie", f"{tag}kind", phone]
        self.trajectory = Trajectory.objects.filter(registration=self.registration).first()
        if lead is not None:
            self.trajectory.lead = lead
            self.trajectory.save(update_fields=["lead"])
        self.check = SecondCheck.objects.filter(registration=self.registration).first()
        if self.check is not None:
            SecondCheck.objects.filter(pk=self.check.pk).update(motivation=f"Motivatie {tag}kanarie")
        self.photo = factories.plan_photo(team, trajectory_=self.trajectory, by=by) if photo else None
        # A photographed safety card with the family's words on it (issue 29).
        self.card = factories.safety_card(
            team, case=self.registration, photographed=True, worries=f"Zorg van {tag}kanarie"
        ) if photo else None

    def id_for(self, kind):
        if kind == REQUEST and not hasattr(self, "request"):  # the family asks to destroy its files
            self.request = factories.destruction_request(self.registration.team, case=self.registration)
        if kind == LETTER and not hasattr(self, "letter"):  # the letter to the family (letters/)
            self.letter = factories.letter(self.registration.team, case=self.registration)
        if kind == RECONSIDERATION and not hasattr(self, "reconsideration"):
            self.reconsideration = factories.reconsideration(self.registration.team, case=self.registration)
        if kind in (INTERVIEW, SAMPLE) and not hasattr(self, "interview"):
            # A closed family in the evaluation sample, interviewed by someone of another team.
            closed = self.trajectory is not None and self.trajectory.ended_on is not None
            self.interview = factories.evaluation_interview_of(self.trajectory, "oscar") if closed else None
        if kind == SAMPLE:
            return self.interview.sample.public_id if self.interview else None
        thing = {REGISTRATION: self.registration, TRAJECTORY: self.trajectory, PHOTO: self.photo,
                 CHECK: self.check, REQUEST: getattr(self, "request", None),
                 LETTER: getattr(self, "letter", None), RECONSIDERATION: getattr(self, "reconsideration", None),
                 CARD: self.card, INTERVIEW: getattr(self, "interview", None)}[kind]
        return thing.public_id if thing is not None else None

    def shown_in(self, body):
        return any(canary in body for canary in self.canaries)


@pytest.fixture
def families(personas):
    team, bob, alice = personas.team, personas.professional, personas.triagist
    bob_pro, oscar_pro = bob.professional, personas.outsider.professional
    today = timezone.localdate()
    two_weeks_ago = today - timedelta(days=14)
    late = Family(team, "Gagel", "contacted", lead=bob_pro, received_on=two_weeks_ago, triaged_on=two_weeks_ago)
    Registration.objects.filter(pk=late.registration.pk).update(
        contacted_on=today - timedelta(days=1), contact_due=today - timedelta(days=10)
    )
    return [
        Family(team, "Appel", "new"),
        Family(team, "Beuk", "awaiting_contact"),
        Family(team, "Ceder", "awaiting_contact", lead=bob_pro),
        Family(team, "Den", "contacted", lead=bob_pro, by=bob, photo=True),
        Family(team, "Eik", "second_check", by=alice),
        Family(team, "Fijnspar", "closed", lead=bob_pro),
        late,
        Family(personas.other_team, "Iep", "contacted", lead=oscar_pro, by=personas.outsider, photo=True),
    ]


def _paths(view_name, path, families):
    kind = ID_OF.get(view_name)
    if kind is None:
        return [path]
    ids = [family.id_for(kind) for family in families]
    return [path.replace(SAMPLES["uuid"], str(public_id)) for public_id in ids if public_id is not None]


def _body(response):
    if response.streaming:  # the test client closes it once read
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def _walk(client, personas, families):
    """Every request of the walk: (requests made, [reads without a row])."""
    users = [*personas.by_role().values(), personas.outsider]
    requests, unlogged = 0, []
    for view_name, pattern in WALKED:
        for path in _paths(view_name, pattern, families):
            for user in users:
                if not allows(user, view_name):
                    continue
                client.force_login(user)
                for method in ("get", "post"):
                    for htmx in ({}, {"HX-Request": "true"}):
                        before = AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                        response = getattr(client, method)(path, {}, headers=htmx)
                        requests += 1
                        body = _body(response)
                        logged = set(
                            AccessEvent.objects.filter(pk__gt=before, user=user).values_list("family", flat=True)
                        )
                        unlogged += [
                            f"{method.upper()}{' htmx' if htmx else ''} {path} as {user.username} "
                            f"({response.status_code}): {family.tag}"
                            for family in families
                            if family.shown_in(body) and family.registration.public_id not in logged
                        ]
    return requests, unlogged


def test_no_page_shows_a_family_without_a_row_in_the_access_log(client, personas, families):
    requests, unlogged = _walk(client, personas, families)
    summary = f"{len(WALKED)} URL patterns, {requests} requests, {len(unlogged)} reads without a row"
    print(summary)
    assert unlogged == [], summary + ":\n" + "\n".join(unlogged)


def test_the_walk_sees_every_family_on_some_page(client, personas, families):
    """The walk is only as good as its canaries: each family's data is shown somewhere."""
    client.force_login(personas.triagist)
    seen = _body(client.get(reverse("intake:queue")))
    for family in families:
        if family.trajectory is not None and family.trajectory.lead is not None:
            client.force_login(family.trajectory.lead.user)
            seen += _body(client.get(reverse("trajectories:detail", args=[family.trajectory.public_id])))
        client.force_login(personas.second_reader)
        seen += _body(client.get(reverse("intake:second_check")))
    assert [family.tag for family in families if not family.shown_in(seen)] == []


def _inserts_into_the_log(captured):
    return [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "audit_accessevent"')]


def test_the_queue_logs_each_family_it_names_in_one_insert(client, personas, families):
    client.force_login(personas.triagist)
    client.get(reverse("intake:queue"))  # the session's first request
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("intake:queue"), headers={"HX-Request": "true"}).text
    assert len(_inserts_into_the_log(captured)) == 1
    named = {family.registration.public_id for family in families if family.shown_in(page)}
    assert {"Appel", "Beuk", "Ceder", "Eik", "Gagel"} <= {f.tag for f in families if f.shown_in(page)}
    rows = AccessEvent.objects.filter(user=personas.triagist, action=Action.VIEW_LIST)
    # Both requests (the page and its htmx partial) logged each named family, once each.
    assert sorted(map(str, rows.values_list("family", flat=True))) == sorted(map(str, [*named, *named]))


def test_the_tweede_lezing_list_logs_the_families_whose_motivation_it_shows(client, personas, families):
    client.force_login(personas.second_reader)
    page = client.get(reverse("intake:second_check")).text
    assert "Motivatie Eikkanarie" in page
    [event] = AccessEvent.objects.filter(user=personas.second_reader)
    assert event.action == Action.VIEW_LIST and event.family == families[4].registration.public_id
    assert event.roles == "tweede lezer"


def test_the_matching_panel_and_its_partial_are_logged(client, personas, families):
    beuk = families[1].registration
    client.force_login(personas.triagist)
    client.get(reverse("matching:panel", args=[beuk.public_id]))
    client.get(reverse("matching:panel", args=[beuk.public_id]), {"product": "ib_middel"}, headers={"HX-Request": "true"})
    client.get(reverse("matching:choose", args=[beuk.public_id]))
    events = AccessEvent.objects.filter(family=beuk.public_id, user=personas.triagist)
    assert list(events.values_list("action", flat=True)) == [Action.VIEW_FILE] * 3


def test_a_409_page_looks_the_file_up_twice_and_logs_it_once(client, personas, families):
    """The triage of an aanmelding someone else triaged meanwhile shows the whole file again."""
    beuk = families[1].registration
    client.force_login(personas.triagist)
    response = client.post(reverse("intake:triage", args=[beuk.public_id]), {"route": "advice"})
    assert response.status_code == 409 and "Beukkanarie" in response.text
    [event] = AccessEvent.objects.filter(family=beuk.public_id)
    assert event.action == Action.VIEW_FILE and event.user == personas.triagist


def test_assigning_is_logged_in_its_own_transaction(client, personas, families):
    beuk = families[1]
    client.force_login(personas.triagist)
    lead = personas.second_reader.professional  # carol: of the team, with room for a family
    with mock.patch.object(AccessEvent, "record", side_effect=DatabaseError("log unavailable")):
        with pytest.raises(DatabaseError):
            client.post(reverse("matching:assign", args=[beuk.registration.public_id]), {"lead": lead.pk})
    beuk.trajectory.refresh_from_db()
    assert beuk.trajectory.lead is None  # no change without its row
    response = client.post(reverse("matching:assign", args=[beuk.registration.public_id]), {"lead": lead.pk})
    assert response.status_code == 302
    assert AccessEvent.objects.filter(family=beuk.registration.public_id, action=Action.ASSIGN,
                                      user=personas.triagist).count() == 1


def test_a_rematch_of_a_colleagues_family_is_logged(client, personas, families):
    ceder = families[2]  # led by bob
    client.force_login(personas.triagist)
    response = client.post(
        reverse("matching:rematch", args=[ceder.registration.public_id]),
        {"lead": personas.triagist.professional.pk, "reason": "geen_klik"},
    )
    assert response.status_code == 302
    ceder.trajectory.refresh_from_db()
    assert ceder.trajectory.lead == personas.triagist.professional
    actions = AccessEvent.objects.filter(family=ceder.registration.public_id, user=personas.triagist)
    assert set(actions.values_list("action", flat=True)) == {Action.VIEW_FILE, Action.REMATCH}


def test_closing_is_logged_in_its_own_transaction(client, personas, families):
    den = families[3]
    client.force_login(personas.professional)
    data = {"ended_on": timezone.localdate().isoformat(), "end_reason": "goal", "hours_per_week": "2", "confirm": "1"}
    with mock.patch.object(AccessEvent, "record", side_effect=DatabaseError("log unavailable")):
        with pytest.raises(DatabaseError):
            client.post(reverse("trajectories:close", args=[den.trajectory.public_id]), data)
    den.trajectory.refresh_from_db()
    assert den.trajectory.ended_on is None  # not closed without its row


def test_a_professionals_start_page_logs_their_families_and_the_waiting_list_the_teams(client, personas, families):
    client.force_login(personas.professional)

    def listed_since(last):
        return set(AccessEvent.objects.filter(user=personas.professional, action=Action.VIEW_LIST, pk__gt=last)
                   .values_list("family", flat=True))

    def last_event():
        return AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    page = client.get(reverse("trajectories:mine")).text
    shown = {family.registration.public_id for family in families if family.shown_in(page)}
    assert shown == listed_since(0)
    assert {"Ceder", "Den", "Gagel"} <= {f.tag for f in families if f.shown_in(page)}
    assert "Beuk" not in {f.tag for f in families if f.shown_in(page)}  # the team's waiting list is behind a link
    for headers in ({"HX-Request": "true"}, {}):  # swapped in by htmx, or the plain link's page
        last = last_event()
        waiting = client.get(reverse("trajectories:waiting"), headers=headers).text
        shown = {family.registration.public_id for family in families if family.shown_in(waiting)}
        assert shown == listed_since(last) and "Beuk" in {f.tag for f in families if f.shown_in(waiting)}
