"""Triage: the route, the stored deadline, crisis, the four-eyes check and first contact."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.models import ClosureDay, Registration, SecondCheck
from basisjeugdhulp.intake.routes import Route, Status
from basisjeugdhulp.trajectories.models import Trajectory
from basisjeugdhulp.workdays import add_working_days
from tests import factories


def triage(client, case, follow=False, **data):
    return client.post(reverse("intake:triage", args=[case.public_id]), data, follow=follow)


def test_basis_jeugdhulp_stores_the_deadline_five_working_days_ahead(client, personas):
    case = factories.registration(personas.team)
    client.force_login(personas.triagist)
    response = triage(client, case, route="basic", product="gb_zwaar")
    assert response.status_code == 302
    case.refresh_from_db()
    today = timezone.localdate()
    assert case.status == Status.AWAITING_CONTACT
    assert case.product == "gb_zwaar"
    assert case.triaged_on == today
    assert case.contact_due == add_working_days(today, 5)
    page = client.get(response["Location"]).text
    assert "Doorgezet naar basisjeugdhulp. Eerste contact uiterlijk" in page
    assert AccessEvent.objects.filter(action=Action.TRIAGE, family=case.public_id).count() == 1


def test_basis_jeugdhulp_needs_a_product(client, personas):
    case = factories.registration(personas.team)
    client.force_login(personas.triagist)
    response = triage(client, case, route="basic")
    assert response.status_code == 200
    assert "Kies een van de vier producten." in response.text
    case.refresh_from_db()
    assert case.status == Status.NEW and case.contact_due is None


def test_a_crisis_shows_the_line_and_keeps_only_what_counts(client, personas):
    case = factories.registration(personas.team, family_label="Gezin Crisis")
    client.force_login(personas.triagist)
    response = triage(client, case, route="crisis", follow=True)
    assert response.redirect_chain[-1][0] == reverse("intake:crisis")
    assert '<a href="tel:08008081" class="crisis-number crisis-number-large">0800-8081</a>' in response.text
    case.refresh_from_db()
    assert case.status == Status.CRISIS and case.route == Route.CRISIS
    assert (case.family_label, case.phone, case.postcode, case.house_number, case.question) == ("",) * 5
    assert not case.children.exists() and not case.family_keys.exists()
    assert case.team == personas.team and case.channel and case.received_on  # still counted


def test_the_crisis_line_is_on_the_intake_screen(client, personas):
    client.force_login(personas.triagist)
    assert 'href="tel:08008081"' in client.get(reverse("intake:new")).text


def test_specialist_care_goes_to_the_second_check(client, personas):
    case = factories.registration(personas.team)
    client.force_login(personas.triagist)
    response = triage(client, case, route="specialist")
    assert "Schrijf kort waarom specialistische jeugdhulp nodig is." in response.text
    triage(client, case, route="specialist", motivation="Vermoeden van ernstige psychiatrie.")
    case.refresh_from_db()
    assert case.status == Status.SECOND_CHECK
    check = SecondCheck.objects.get(registration=case)
    assert check.proposed_by == personas.triagist and check.is_open
    client.force_login(personas.second_reader)
    assert "Vermoeden van ernstige psychiatrie." in client.get(reverse("intake:second_check")).text


def decide(client, check, decision, note="Akkoord."):
    return client.post(reverse("intake:decide", args=[check.public_id]), {"decision": decision, "note": note})


def test_a_triagist_cannot_approve_their_own_proposal(client, personas):
    case = factories.registration(personas.team, "second_check", by=personas.triagist)
    check = case.second_checks.get()
    client.force_login(personas.triagist)
    assert decide(client, check, "approve").status_code == 403
    check.refresh_from_db()
    case.refresh_from_db()
    assert check.is_open and case.status == Status.SECOND_CHECK


def test_nobody_approves_their_own_proposal_even_as_tweede_lezer(client, personas):
    """Four eyes, on the server: also a triagist who is a tweede lezer too is refused."""
    alice = personas.triagist
    alice.groups.add(Group.objects.get(name="tweede lezer"))
    case = factories.registration(personas.team, "second_check", by=alice)
    check = case.second_checks.get()
    client.force_login(alice)
    page = client.get(reverse("intake:second_check")).text
    assert "Dit is uw eigen voorstel" in page
    assert f'action="{reverse("intake:decide", args=[check.public_id])}"' not in page
    response = decide(client, check, "approve")
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.is_open and check.approved is None
    assert Registration.objects.get(pk=case.pk).status == Status.SECOND_CHECK


def test_another_tweede_lezer_approves(client, personas):
    case = factories.registration(personas.team, "second_check", by=personas.triagist)
    check = case.second_checks.get()
    client.force_login(personas.second_reader)
    assert decide(client, check, "approve", note="Terecht.").status_code == 302
    check.refresh_from_db()
    case.refresh_from_db()
    assert check.approved is True and check.decided_by == personas.second_reader
    assert case.status == Status.REFERRED


def test_a_decision_needs_a_note(client, personas):
    case = factories.registration(personas.team, "second_check", by=personas.triagist)
    client.force_login(personas.second_reader)
    response = decide(client, case.second_checks.get(), "reject", note="")
    assert response.status_code == 200
    assert "Schrijf een korte toelichting bij uw besluit." in response.text
    assert case.second_checks.get().is_open


def test_a_rejected_proposal_returns_to_triage_as_basis_jeugdhulp(client, personas):
    three_days_ago = timezone.localdate() - timedelta(days=3)
    case = factories.registration(
        personas.team, "second_check", by=personas.triagist, received_on=three_days_ago,
        triaged_on=three_days_ago,
    )
    client.force_login(personas.second_reader)
    decide(client, case.second_checks.get(), "reject", note="Eerst basishulp proberen.")
    case.refresh_from_db()
    assert case.status == Status.NEW and case.route == Route.BASIC
    client.force_login(personas.triagist)
    page = client.get(reverse("intake:registration", args=[case.public_id])).text
    assert "Eerst basishulp proberen." in page
    assert re.search(r'value="basic"[^>]*checked', page)  # the route is preset
    triage(client, case, route="basic", product="ib_middel")
    case.refresh_from_db()
    # The family does not wait longer because a referral was considered.
    assert case.triaged_on == three_days_ago
    assert case.contact_due == add_working_days(three_days_ago, 5)


def contact(client, case, **data):
    return client.post(reverse("intake:first_contact", args=[case.public_id]), data)


@pytest.mark.parametrize(
    ("days", "message"),
    [(-10, "Het eerste contact kan niet vóór de aanmelding liggen"), (1, "kan niet in de toekomst liggen")],
)
def test_first_contact_cannot_be_before_the_aanmelding_or_in_the_future(client, personas, days, message):
    case = factories.registration(personas.team, "awaiting_contact", received_on=timezone.localdate() - timedelta(days=2))
    client.force_login(personas.professional)
    day = timezone.localdate() + timedelta(days=days)
    response = contact(client, case, contacted_on=day.isoformat(), contact_mode="phone")
    assert response.status_code == 200
    assert message in response.text
    assert 'value="phone"' in response.text and "checked" in response.text  # the choice stays
    case.refresh_from_db()
    assert case.status == Status.AWAITING_CONTACT


def test_a_professional_records_first_contact_and_leads_the_trajectory(client, personas):
    case = factories.registration(personas.team, "awaiting_contact")
    client.force_login(personas.professional)
    response = contact(
        client, case, contacted_on=timezone.localdate().isoformat(), contact_mode="home",
        contact_late_reason="niet te laat",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.CONTACTED and case.contact_mode == "home"
    assert case.contact_late_reason == ""  # on time: no reason kept
    trajectory = Trajectory.objects.get(registration=case)
    assert trajectory.lead.user == personas.professional
    assert trajectory.started_on == timezone.localdate()
    assert "Gezin" in client.get(reverse("trajectories:mine")).text


def test_a_late_contact_asks_for_a_reason(client, personas):
    long_ago = factories.a_weekday()
    case = factories.registration(personas.team, "awaiting_contact", received_on=long_ago)
    client.force_login(personas.triagist)
    page = client.get(reverse("intake:registration", args=[case.public_id])).text
    assert "De vijf werkdagen zijn voorbij" in page and 'name="contact_late_reason"' in page
    contact(
        client, case, contacted_on=timezone.localdate().isoformat(), contact_mode="phone",
        contact_late_reason="Gezin niet bereikbaar.",
    )
    case.refresh_from_db()
    assert case.contact_was_late() and case.contact_late_reason == "Gezin niet bereikbaar."


def test_an_on_time_case_does_not_ask_for_a_reason(client, personas):
    case = factories.registration(personas.team, "awaiting_contact")
    client.force_login(personas.triagist)
    page = client.get(reverse("intake:registration", args=[case.public_id])).text
    assert 'name="contact_late_reason"' not in page


def test_every_view_of_a_file_is_logged(client, personas):
    case = factories.registration(personas.team)
    client.force_login(personas.professional)
    client.get(reverse("intake:registration", args=[case.public_id]))
    client.get(reverse("intake:registration", args=[case.public_id]))
    events = AccessEvent.objects.filter(family=case.public_id, action=Action.VIEW_FILE)
    assert events.count() == 2
    assert {e.user for e in events} == {personas.professional}
    assert events.first().roles == "jeugdprofessional"


def test_the_file_lists_children_oldest_first_and_categories_by_name_with_the_aanmelding(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from basisjeugdhulp.intake.models import QuestionCategory

    client.force_login(personas.triagist)
    small = factories.registration(personas.team, children=[("Sara", 2015)])
    large = factories.registration(personas.team, children=[("Noor", 2016), ("Sem", 2012), ("Ada", 2012)])
    large.categories.set(QuestionCategory.objects.filter(code__in=["school", "autisme", "opvoeding"]))

    def view(case):
        client.get(reverse("intake:registration", args=[case.public_id]))  # warm: the session
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("intake:registration", args=[case.public_id])).text
        return page, [query["sql"] for query in captured]

    page, queries = view(large)
    facts = re.sub(r"\s+", " ", page)
    assert "<dt>Kinderen</dt><dd> Sem (2012), Ada (2012), Noor (2016) </dd>" in facts
    assert "<dt>Vraagcategorieën</dt><dd>Autisme, Opvoeding, School</dd>" in facts
    # Children and categories come with the aanmelding's own row, not in queries of their own.
    [with_lists] = [sql for sql in queries if "intake_child" in sql or "intake_registration_categories" in sql]
    assert "intake_child" in with_lists and "intake_registration_categories" in with_lists
    assert len(view(small)[1]) == len(queries)


def test_closure_days_move_the_deadlines_of_families_not_yet_contacted(db, personas):
    triaged = factories.a_weekday()
    waiting = factories.registration(personas.team, "awaiting_contact", triaged_on=triaged)
    contacted = factories.registration(personas.team, "contacted", triaged_on=triaged)
    before = waiting.contact_due
    closed = ClosureDay.objects.create(date=triaged + timedelta(days=1), description="Teamdag")
    waiting.refresh_from_db()
    contacted.refresh_from_db()
    assert waiting.contact_due == add_working_days(triaged, 5, {closed.date}) > before
    assert contacted.contact_due == before
    closed.delete()
    waiting.refresh_from_db()
    assert waiting.contact_due == before


def test_two_triagists_at_once_the_second_is_told_what_changed_and_keeps_their_input(client, personas):
    from basisjeugdhulp.accounts.roles import Role
    from tests.conftest import make_user

    case = factories.registration(personas.team)
    colleague = make_user("tess", Role.TRIAGIST, personas.team)
    client.force_login(personas.triagist)
    assert triage(client, case, route="basic", product="gb_middel").status_code == 302
    client.force_login(colleague)  # had the same aanmelding open, chose something else
    response = triage(client, case, route="basic", product="ib_zwaar", motivation="Moeder vraagt om hulp voor Sara alleen.")
    assert response.status_code == 409
    assert "Intussen heeft Alice deze aanmelding opgeslagen op" in response.text
    assert "Gezinsbegeleiding middel" in response.text
    assert "Moeder vraagt om hulp voor Sara alleen." in response.text
    case.refresh_from_db()
    assert case.product == "gb_middel" and case.triaged_by == personas.triagist
