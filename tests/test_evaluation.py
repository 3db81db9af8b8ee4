"""The evaluation sample (issue 26): drawing, pairing, what the interviewer sees and records,
and the results under the figures' protection."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.evaluation import drawing, pairing, sampling
from basisjeugdhulp.evaluation.models import Coordinator, Interview, Sample
from basisjeugdhulp.intake import destruction
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.intake.routes import Product
from basisjeugdhulp.reporting import disclosure
from basisjeugdhulp.trajectories.models import Trajectory
from matching.models import Match, MatchRole, Professional
from tests import factories
from tests.conftest import make_user
from basisjeugdhulp.accounts.roles import Role

pytestmark = pytest.mark.django_db


def closed(team, product=Product.FAMILY_MEDIUM, lead=None, **fields):
    """A closed trajectory of the team, its lead recorded as a match (as matching does)."""
    fields.setdefault("received_on", timezone.localdate() - timedelta(days=100))  # closed 12 weeks later
    journey = factories.trajectory(team, state="closed", product=product, lead=lead, **fields)
    Match.objects.create(trajectory=journey, professional=journey.lead, role=MatchRole.LEAD, ended_at=timezone.now())
    return journey


def period():
    today = timezone.localdate()
    return today - timedelta(days=400), today


# Drawing -----------------------------------------------------------------------------------

def test_the_same_seed_draws_the_same_families_and_another_seed_others():
    candidates = [(pk, ("A" if pk % 3 else "B", "p")) for pk in range(1, 301)]
    first = drawing.draw(candidates, 40, seed=2026)
    assert first == drawing.draw(list(reversed(candidates)), 40, seed=2026)
    assert first != drawing.draw(candidates, 40, seed=2027)


def test_each_team_and_product_gets_its_share():
    candidates = [(pk, ("Noord", "zwaar")) for pk in range(60)] + [(pk, ("Zuid", "middel")) for pk in range(60, 100)]
    chosen = drawing.draw(candidates, 20, seed=1)
    assert len([pk for pk in chosen if pk < 60]) == 12 and len([pk for pk in chosen if pk >= 60]) == 8


def test_a_sample_larger_than_the_closed_trajectories_is_refused(client, personas):
    closed(personas.team)
    client.force_login(personas.administrator)
    start, end = period()
    response = client.post(reverse("evaluation:samples"), {"closed_from": start, "closed_to": end, "size": 5, "seed": 7})
    assert response.status_code == 400, response.text
    assert "Uit deze periode kan maar 1 gezin worden getrokken" in response.text
    assert 'value="7"' in response.text  # what was typed stays
    assert not Interview.objects.exists()


def test_families_who_said_no_or_whose_file_is_gone_are_never_drawn(personas):
    kept = closed(personas.team)
    declined = closed(personas.team)
    Trajectory.objects.filter(pk=declined.pk).update(evaluation_declined=True)
    destroyed = closed(personas.team)
    destruction.destroy(destroyed.registration)
    factories.trajectory(personas.team)  # still open
    start, end = period()
    sample = sampling.draw_sample(personas.administrator, start, end, 1, seed=3)
    assert [i.trajectory_id for i in sample.interviews.all()] == [kept.pk]
    with pytest.raises(drawing.TooFew):
        sampling.draw_sample(personas.administrator, start, end, 2, seed=3)


def test_the_close_form_records_the_no_with_one_tick(client, personas):
    journey = factories.trajectory(personas.team)
    client.force_login(personas.professional)
    url = reverse("trajectories:close", args=[journey.public_id])
    assert "Het gezin wil niet benaderd worden voor het evaluatiegesprek" in client.get(url).text
    data = {"ended_on": timezone.localdate(), "end_reason": "goal", "hours_per_week": "2", "evaluation_declined": "on"}
    summary = client.post(url, data)  # the summary to confirm says it too
    assert "Het gezin wil niet benaderd worden voor het evaluatiegesprek" in summary.text
    assert 'name="evaluation_declined" value="True"' in summary.text
    client.post(url, {**data, "evaluation_declined": "True", "confirm": "1"})
    assert Trajectory.objects.get(pk=journey.pk).evaluation_declined is True


# Pairing -----------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(st.data())
def test_no_interviewer_is_ever_paired_with_a_family_they_had_a_match_with(data):
    teams = data.draw(st.integers(1, 4))
    interviewers = data.draw(st.dictionaries(st.integers(1000, 1030), st.integers(0, teams - 1), min_size=1, max_size=12))
    families = data.draw(st.dictionaries(st.integers(1, 60), st.integers(0, teams - 1), min_size=0, max_size=40))
    known = data.draw(st.sets(st.tuples(st.sampled_from(sorted(families) or [0]), st.sampled_from(sorted(interviewers)))))
    try:
        pairs = pairing.pair(families, interviewers, known)
    except pairing.Unpairable as error:
        assert all(all((f, i) in known for i in interviewers) for f in error.families)
        return
    assert set(pairs) == set(families)
    for family, chosen in pairs.items():
        assert (family, chosen.interviewer) not in known
        assert chosen.other_team == (interviewers[chosen.interviewer] != families[family])
    if not known and len(set(interviewers.values())) > 1:
        loads = [sum(p.interviewer == i for p in pairs.values()) for i in interviewers]
        assert max(loads) - min(loads) <= 1 or all(p.other_team for p in pairs.values())


def test_pairing_prefers_another_team_and_spreads_the_work():
    families = {f: "Noord" for f in range(1, 5)}
    interviewers = {101: "Noord", 201: "Zuid", 202: "Zuid"}
    pairs = pairing.pair(families, interviewers, known={(1, 201)})
    assert all(p.other_team for p in pairs.values())
    assert pairs[1].interviewer == 202
    assert sorted(sum(p.interviewer == i for p in pairs.values()) for i in (201, 202)) == [2, 2]
    # Evenness first: six families, at most two each, so the Noord interviewer takes two.
    pairs = pairing.pair({f: "Noord" for f in range(1, 7)}, interviewers, known=set())
    assert sorted(sum(p.interviewer == i for p in pairs.values()) for i in interviewers) == [2, 2, 2]


def test_in_the_register_a_former_duo_of_an_earlier_trajectory_is_never_the_interviewer(personas):
    """Across the family's trajectories: the duo of its earlier help counts as having a match."""
    earlier = closed(personas.team, lead=Professional.objects.get(user=personas.outsider))
    later = closed(personas.team)
    Registration.objects.filter(pk=later.registration_id).update(former_trajectory=earlier)
    Match.objects.create(trajectory=earlier, professional=Professional.objects.get(user=personas.triagist), role=MatchRole.DUO)
    Trajectory.objects.filter(pk=earlier.pk).update(ended_on=timezone.localdate() - timedelta(days=900))
    known = sampling.known_pairs([later.pk])
    for user in (personas.outsider, personas.triagist, personas.professional):
        assert (later.pk, Professional.objects.get(user=user).pk) in known


# What the interviewer sees and records ----------------------------------------------------------

@pytest.fixture
def drawn(personas):
    closed(personas.team, family_label="Gezin Bakker", preferred_language="ar")
    start, end = period()
    sample = sampling.draw_sample(personas.administrator, start, end, 1, seed=11)
    interview = sample.interviews.get()
    assert interview.interviewer.user == personas.outsider  # the only one without a match from another team
    return interview


def test_the_interviewer_sees_only_the_contact_and_the_opening_is_logged(client, personas, drawn):
    client.force_login(personas.outsider)
    response = client.get(reverse("evaluation:interview", args=[drawn.public_id]))
    main = response.text.split('<main id="main">')[1]
    assert "Gezin Bakker" in main and "0612345678" in main and "Arabisch" in main
    postcode = drawn.trajectory.registration.postcode  # "97nn AB": the whole of it (a page id may hold "97")
    for file_detail in ("Veel ruzie thuis", "Sara", postcode, "Doel bereikt", "plan", personas.professional.first_name):
        assert file_detail not in main, file_detail
    assert AccessEvent.objects.filter(action=Action.VIEW_CONTACT, user=personas.outsider,
                                      family=drawn.trajectory.registration.public_id).count() == 1


def test_someone_else_gets_a_dutch_refusal_for_a_family_not_in_their_sample(client, personas, drawn):
    client.force_login(personas.professional)
    response = client.post(reverse("evaluation:interview", args=[drawn.public_id]), {"reached": "no"})
    assert response.status_code == 404
    assert "Dit gezin staat niet voor u in de evaluatiesteekproef" in response.text
    assert "Gezin Bakker" not in response.text
    assert Interview.objects.get(pk=drawn.pk).reached is None


def test_answers_are_recorded_apart_from_the_file(client, personas, drawn):
    client.force_login(personas.outsider)
    response = client.post(reverse("evaluation:interview", args=[drawn.public_id]), {
        "reached": "yes", "agreed": "yes", "informant": "parent", "satisfaction": "8", "without_help": "04",
        "open_answer": "Fijne hulp.",
    })
    assert response.status_code == 302
    interview = Interview.objects.get(pk=drawn.pk)
    assert interview.cbs_outcome() == {"tevredenheid": 8, "zonder_hulp_verder": "04", "type_informant": "2"}
    again = client.get(reverse("evaluation:interview", args=[drawn.public_id]))
    assert "0612345678" not in again.text  # done: the contact is no longer shown


def test_missing_answers_are_named_and_what_was_typed_stays(client, personas, drawn):
    client.force_login(personas.outsider)
    response = client.post(reverse("evaluation:interview", args=[drawn.public_id]), {
        "reached": "yes", "agreed": "yes", "satisfaction": "11", "open_answer": "Mijn tekst",
    })
    assert response.status_code == 400
    assert "Vul een cijfer van 1 tot en met 10 in." in response.text and "Kies wie antwoordde." in response.text
    assert "Mijn tekst" in response.text
    assert Interview.objects.get(pk=drawn.pk).reached is None


def test_an_interviewer_who_turns_out_to_know_the_family_is_refused_and_paired_again(client, personas, drawn):
    Match.objects.create(trajectory=drawn.trajectory, professional=drawn.interviewer, role=MatchRole.DUO)
    client.force_login(personas.outsider)
    response = client.post(reverse("evaluation:interview", args=[drawn.public_id]), {"reached": "no"})
    assert response.status_code == 409
    assert "U was aan dit gezin gekoppeld" in response.text and "0612345678" not in response.text
    assert Interview.objects.get(pk=drawn.pk).reached is None
    client.force_login(personas.administrator)
    page = client.get(reverse("evaluation:sample", args=[drawn.sample.public_id]))
    assert "blijkt aan het gezin gekoppeld" in page.text


def test_a_family_that_withdrew_gets_no_answers(client, personas, drawn):
    Trajectory.objects.filter(pk=drawn.trajectory_id).update(evaluation_declined=True)
    client.force_login(personas.outsider)
    response = client.post(reverse("evaluation:interview", args=[drawn.public_id]), {"reached": "yes", "agreed": "yes"})
    assert response.status_code == 409
    assert "niet benaderd te willen worden" in response.text
    assert Interview.objects.get(pk=drawn.pk).reached is None


def test_destroying_the_file_removes_the_link_and_the_open_answer_and_keeps_the_coded_answers(personas, drawn):
    Interview.objects.filter(pk=drawn.pk).update(reached=True, agreed=True, satisfaction=7, without_help="03",
                                                 informant="young", open_answer="Naam van de juf")
    destruction.destroy(drawn.trajectory.registration)
    interview = Interview.objects.get(pk=drawn.pk)
    assert interview.trajectory_id is None and interview.open_answer == ""
    assert interview.satisfaction == 7 and interview.team_id == personas.team.pk


def test_a_coordinator_made_by_the_beheerder_draws_and_a_professional_does_not(client, personas):
    coordinator = make_user("cor", Role.MUNICIPALITY)
    client.force_login(coordinator)
    assert client.get(reverse("evaluation:samples")).status_code == 403
    Coordinator.objects.create(user=coordinator)
    assert client.get(reverse("evaluation:samples")).status_code == 200
    client.force_login(personas.professional)
    assert client.get(reverse("evaluation:samples")).status_code == 403


# Results -----------------------------------------------------------------------------------

def test_the_municipality_sees_the_answers_only_in_aggregate_under_the_protection(client, personas):
    lead = Professional.objects.get(user=personas.professional)
    journeys = [closed(personas.team, lead=lead) for _ in range(12)]
    start, end = period()
    sample = sampling.draw_sample(personas.administrator, start, end, 12, seed=5)
    interviews = list(sample.interviews.all())
    for n, interview in enumerate(interviews):
        answered = n < 7
        Interview.objects.filter(pk=interview.pk).update(
            reached=True, agreed=answered, satisfaction=9 if answered else None,
            without_help="04" if answered else "", informant="parent" if answered else "",
            open_answer="Heel persoonlijk verhaal" if answered else "")
    client.force_login(personas.analyst)
    response = client.get(reverse("reporting:dashboard"), {"periode": str(timezone.localdate().year)})
    assert response.status_code == 200
    table = response.context["tables"]["evaluation"]
    # Closed in this year only: count from the records of the year.
    this_year = [i for i in Interview.objects.all() if i.closed_on.year == timezone.localdate().year]
    keys = sum(i.figure_key for i in this_year)
    assert table.total.cells[0].value == disclosure.perturb(len(this_year), keys)
    answered = [i for i in this_year if i.agreed]
    published_answered = disclosure.perturb(len(answered), sum(i.figure_key for i in answered))
    assert table.total.cells[1].value == published_answered
    if published_answered < disclosure.MIN_BASE:
        assert str(table.total.cells[3]) == "x"
    assert "Heel persoonlijk verhaal" not in response.text
    assert "Evaluatiegesprekken (hulp afgesloten in de periode)" in response.text
    assert len(journeys) == 12


def test_a_coordinator_draws_through_the_page_and_the_same_seed_gives_the_same_families(client, personas):
    lead = Professional.objects.get(user=personas.professional)
    for product in (Product.FAMILY_MEDIUM, Product.INDIVIDUAL_HEAVY):
        for n in range(5):
            closed(personas.team, product=product, lead=lead, family_label=f"Gezin Kanarie{n}")
    coordinator = make_user("cor", Role.MUNICIPALITY)
    Coordinator.objects.create(user=coordinator)
    client.force_login(coordinator)
    start, end = period()
    form = {"closed_from": start, "closed_to": end, "size": 4, "seed": 4711}
    response = client.post(reverse("evaluation:samples"), form, follow=True)
    assert "De steekproef is getrokken en elk gezin heeft een interviewer." in response.text
    assert "startgetal 4711" in response.text and "Kanarie" not in response.text  # no family named
    client.post(reverse("evaluation:samples"), form)
    samples = list(Sample.objects.order_by("drawn_at"))
    assert len(samples) == 2
    drawn = [sorted(s.interviews.values_list("trajectory_id", flat=True)) for s in samples]
    assert drawn[0] == drawn[1]
    # Two strata of five: two families from each.
    products = sorted(samples[0].interviews.values_list("product", flat=True))
    assert products == sorted([Product.FAMILY_MEDIUM] * 2 + [Product.INDIVIDUAL_HEAVY] * 2)


def test_pairing_again_gives_the_family_someone_who_never_helped_it(client, personas, drawn):
    Match.objects.create(trajectory=drawn.trajectory, professional=drawn.interviewer, role=MatchRole.DUO)
    client.force_login(personas.administrator)
    response = client.post(reverse("evaluation:pair_again", args=[drawn.sample.public_id]), follow=True)
    assert "1 gesprek heeft een nieuwe interviewer." in response.text
    interview = Interview.objects.get(pk=drawn.pk)
    assert interview.interviewer.user != personas.outsider
    assert not sampling.knows_family(interview)
