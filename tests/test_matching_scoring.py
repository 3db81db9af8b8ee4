"""The match score: hard rules first, then each factor moves the rank the way its reason says."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from basisjeugdhulp.intake import languages
from matching.models import EducationFit
from matching.scoring import (
    Candidate,
    Empty,
    Family,
    Weights,
    blocked_by,
    eligible,
    former_professional,
    nobody_speaks,
    score,
    suggest,
    suggest_pairs,
    value,
    why_empty,
)

FIT = dict(EducationFit.DEFAULTS)
WEIGHTS = Weights()
FAMILY = Family(
    team_id=1,
    product="gb_zwaar",
    categories=frozenset({"scheiding", "gedrag"}),
    category_labels={"scheiding": "Scheiding", "gedrag": "Gedrag"},
)


def candidate(id, **fields):
    base = dict(id=id, name=f"P{id:03d}", team_id=1, education="mbo", capacity=8, load=4)
    base.update(fields)
    return Candidate(**base)


def ranked(family, candidates, **options):
    return [s.candidate.id for s in suggest(family, candidates, WEIGHTS, FIT, **options)]


def reasons_of(family, candidates, id):
    return next(s.reasons for s in suggest(family, candidates, WEIGHTS, FIT, limit=99) if s.candidate.id == id)


def test_the_hard_rules_leave_out_inactive_absent_other_teams_and_full():
    people = [
        candidate(1, active=False),
        candidate(2, absent=True),
        candidate(3, team_id=2),
        candidate(4, load=8, capacity=8),
        candidate(5),
    ]
    assert ranked(FAMILY, people) == [5]
    # The triagist may override capacity, never the other rules.
    assert ranked(FAMILY, people, allow_full=True) == [5, 4]


def test_expertise_on_the_question_ranks_higher():
    people = [candidate(1), candidate(2, expertise=frozenset({"scheiding"}))]
    assert ranked(FAMILY, people) == [2, 1]
    assert "ervaring met scheiding" in reasons_of(FAMILY, people, 2)


def test_more_matching_expertise_ranks_higher_still():
    people = [candidate(1, expertise=frozenset({"scheiding"})), candidate(2, expertise=frozenset({"scheiding", "gedrag"}))]
    assert ranked(FAMILY, people) == [2, 1]


def test_the_family_language_ranks_higher():
    family = replace(FAMILY, language="Arabisch")
    people = [candidate(1), candidate(2, languages={"ar": "Arabisch"})]
    assert ranked(family, people) == [2, 1]
    assert "spreekt Arabisch" in reasons_of(family, people, 2)


def test_a_stated_background_preference_ranks_higher_only_with_affinity():
    family = replace(FAMILY, background="islamitisch")
    people = [candidate(1), candidate(2, affinity="Islamitisch geloof")]
    assert ranked(family, people) == [2, 1]
    assert "past bij de achtergrond waar het gezin om vroeg" in reasons_of(family, people, 2)
    # Without a preference of the family, affinity plays no part.
    assert ranked(FAMILY, people) == [1, 2]  # equal score: tie broken by name


def test_the_education_level_that_fits_the_product_ranks_higher():
    people = [candidate(1, education="mbo"), candidate(2, education="hbo", education_label="HBO")]
    assert ranked(FAMILY, people) == [2, 1]
    assert "HBO past bij gezinsbegeleiding zwaar" in reasons_of(
        FAMILY, people, 2
    ) or any(r.startswith("HBO past bij") for r in reasons_of(FAMILY, people, 2))
    medium = replace(FAMILY, product="ib_middel")
    assert ranked(medium, people) == [1, 2]


def test_the_less_loaded_ranks_higher():
    people = [candidate(1, load=7), candidate(2, load=2)]
    assert ranked(FAMILY, people) == [2, 1]
    assert "nog 6 plekken vrij" in reasons_of(FAMILY, people, 2)
    assert "nog 1 plek vrij" in reasons_of(FAMILY, people, 1)


def test_the_former_professional_of_a_returning_family_comes_first():
    family = replace(FAMILY, former_professional_id=1)
    people = [candidate(1, load=7), candidate(2, load=0, expertise=frozenset({"scheiding"}))]
    assert ranked(family, people) == [1, 2]
    assert "kende het gezin al" in reasons_of(family, people, 1)


def test_a_weight_of_zero_switches_a_factor_off():
    people = [candidate(1), candidate(2, expertise=frozenset({"scheiding", "gedrag"}))]
    weights = replace(WEIGHTS, expertise=0)
    assert [s.candidate.id for s in suggest(FAMILY, people, weights, FIT)] == [1, 2]


def test_at_most_five_suggestions():
    assert len(ranked(FAMILY, [candidate(i) for i in range(1, 20)])) == 5


def test_ties_break_on_load_then_name_then_id():
    people = [candidate(3, name="Bo"), candidate(2, name="Anna"), candidate(1, name="Anna")]
    assert ranked(FAMILY, people) == [1, 2, 3]


# Property-based: whatever the team looks like.
candidates = st.builds(
    Candidate,
    id=st.integers(1, 10_000),
    name=st.text(min_size=1, max_size=8),
    team_id=st.sampled_from([1, 2]),
    education=st.sampled_from(["hbo", "mbo"]),
    active=st.booleans(),
    absent=st.booleans(),
    capacity=st.integers(0, 12),
    load=st.integers(0, 14),
    languages=st.dictionaries(st.sampled_from(["nl", "ar", "tr"]), st.sampled_from(["Nederlands", "Arabisch", "Turks"])),
    expertise=st.frozensets(st.sampled_from(["scheiding", "gedrag", "school", "trauma"])),
    affinity=st.sampled_from(["", "katholiek", "islamitisch"]),
)
families = st.builds(
    Family,
    team_id=st.just(1),
    product=st.sampled_from(["ib_middel", "ib_zwaar", "gb_middel", "gb_zwaar"]),
    categories=st.frozensets(st.sampled_from(["scheiding", "gedrag", "school"]), min_size=1),
    language=st.sampled_from(["", "Arabisch", "tr"]),
    background=st.sampled_from(["", "islamitisch"]),
    former_professional_id=st.one_of(st.none(), st.integers(1, 10_000)),
)
weights = st.builds(Weights, *[st.integers(0, 10)] * 6)


@given(families, st.lists(candidates, max_size=30, unique_by=lambda c: c.id), weights, st.booleans())
def test_no_suggestion_breaks_a_hard_rule(family, people, weights, allow_full):
    for suggestion in suggest(family, people, weights, FIT, allow_full=allow_full):
        person = suggestion.candidate
        assert person.active and not person.absent and person.team_id == family.team_id
        assert allow_full or person.load < person.capacity


@given(families, st.lists(candidates, max_size=30, unique_by=lambda c: c.id), weights)
def test_the_ranking_is_deterministic(family, people, weights):
    first = [s.candidate.id for s in suggest(family, people, weights, FIT)]
    again = [s.candidate.id for s in suggest(family, list(reversed(people)), weights, FIT)]
    assert first == again


@given(families, st.lists(candidates, max_size=30, unique_by=lambda c: c.id), weights, st.booleans())
def test_every_suggestion_carries_a_reason_and_is_ordered(family, people, weights, allow_full):
    result = suggest(family, people, weights, FIT, allow_full=allow_full)
    assert all(s.reasons for s in result)
    assert [s.score for s in result] == sorted((s.score for s in result), reverse=True)
    assert all(eligible(s.candidate, family, allow_full=allow_full) for s in result)


# Issue 23: continuity first, leave ahead, the fit on a scale, languages, empty teams, duos.

TODAY = date(2026, 12, 7)  # a Monday
PLANNED = replace(FAMILY, today=TODAY, contact_due=TODAY + timedelta(days=7))


def test_knew_the_family_is_the_first_reason_and_the_rest_follow_by_weight():
    family = replace(PLANNED, former_professional_id=1, language="ar")
    person = candidate(1, education="hbo", education_label="HBO", languages={"ar": "Arabisch"}, expertise=frozenset({"gedrag"}))
    reasons = suggest(family, [person], WEIGHTS, FIT, product_label="Gezinsbegeleiding zwaar")[0].reasons
    assert reasons[0] == "kende het gezin al"  # weight 4
    assert reasons[1] == "spreekt Arabisch"  # 3
    assert reasons[2:4] == ["HBO past bij gezinsbegeleiding zwaar", "ervaring met gedrag"]  # 2, then 3 x 1/2
    assert reasons[-1] == "nog 4 plekken vrij"  # 2 x 4/8


def test_the_professional_who_knew_the_family_stays_on_top_with_why_they_cannot_take_it_now():
    on_leave = replace(PLANNED, former_professional_id=1)
    people = [candidate(1, leaves=((TODAY - timedelta(days=3), date(2027, 1, 12)),)), candidate(2)]
    former = former_professional(on_leave, people, WEIGHTS, FIT)
    assert former.candidate.id == 1 and former.blocked == "met verlof tot en met 12 januari"
    assert ranked(on_leave, people) == [2]  # not offered to choose
    full = [candidate(1, load=14, capacity=14), candidate(2)]
    assert former_professional(on_leave, full, WEIGHTS, FIT).blocked == "caseload vol (14 van 14)"
    # When the triagist overrides capacity, the former professional can be chosen again.
    assert former_professional(on_leave, full, WEIGHTS, FIT, allow_full=True).blocked == ""


def test_leave_ahead_lowers_the_fit_in_proportion_and_says_from_when():
    week, fortnight = timedelta(days=6), timedelta(days=13)
    start = TODAY + timedelta(days=10)  # after the contact deadline
    people = [
        candidate(1, leaves=((start, start + fortnight),)),  # half of the first 28 days
        candidate(2, leaves=((start, start + week),)),  # a quarter
        candidate(3),
    ]
    assert ranked(PLANNED, people) == [3, 2, 1]
    scores = {s.candidate.id: s.score for s in suggest(PLANNED, people, WEIGHTS, FIT)}
    assert scores[3] - scores[1] == pytest.approx(2 * (scores[3] - scores[2]))  # in proportion
    warning = next(s.warnings for s in suggest(PLANNED, people, WEIGHTS, FIT) if s.candidate.id == 1)
    assert warning == ["met verlof vanaf 17 december (t/m 30 december)"]


def test_leave_on_the_contact_deadline_is_a_hard_rule():
    people = [candidate(1, leaves=((TODAY + timedelta(days=5), TODAY + timedelta(days=20)),)), candidate(2)]
    assert ranked(PLANNED, people, allow_full=True) == [2]
    assert blocked_by(people[0], PLANNED) == "met verlof op de contactdatum (12 december t/m 27 december)"


def test_the_fit_is_a_scale_with_words_not_a_number():
    family = replace(PLANNED, language="ar")
    people = [
        candidate(1, education="hbo", languages={"ar": "Arabisch"}, expertise=frozenset({"scheiding", "gedrag"}), load=0),
        candidate(2, education="hbo", expertise=frozenset({"scheiding"}), load=4),  # 4.5 of 10
        candidate(3, education="mbo", load=7),
    ]
    fits = {s.candidate.id: (s.fit_label, s.percent) for s in suggest(family, people, WEIGHTS, FIT)}
    assert fits[1] == ("past goed", 100)
    assert fits[2][0] == "past" and fits[3][0] == "past matig"


def test_the_same_language_whatever_the_spelling():
    for typed in ("Tigrinja", "Tigrinya", "Tigrigna", "Tigrinya (Eritrea)", "tigrinja ", "ti"):
        assert languages.code_for(typed) == "ti", typed
    assert {languages.code_for(t) for t in ("Berbers", "Tamazight", "Tarifit")} == {"ber"}
    assert {languages.code_for(t) for t in ("Farsi", "Perzisch", "Persian")} == {"fa"}
    assert languages.normalise("Wolof") == "Wolof"  # not on the list: kept as the family said it
    family = replace(PLANNED, language=languages.normalise("Tigrinja"))
    people = [candidate(1), candidate(2, languages={"ti": "Tigrinya"})]
    assert ranked(family, people) == [2, 1]
    assert not nobody_speaks(family, people)
    assert nobody_speaks(replace(family, language="so"), people)


def test_an_empty_team_all_absent_and_all_full_are_told_apart():
    assert why_empty(PLANNED, []) == Empty.NO_TEAM
    assert why_empty(PLANNED, [candidate(1, active=False), candidate(2, team_id=2)]) == Empty.NO_TEAM
    assert why_empty(PLANNED, [candidate(1, absent=True)]) == Empty.ALL_ABSENT
    assert why_empty(PLANNED, [candidate(1, load=8), candidate(2, absent=True)]) == Empty.ALL_FULL


def test_a_duo_is_the_best_hbo_with_the_best_mbo_and_the_lead_fits_the_product():
    people = [
        candidate(1, education="hbo", education_label="HBO", expertise=frozenset({"scheiding"})),
        candidate(2, education="mbo", education_label="MBO", expertise=frozenset({"gedrag"})),
        candidate(3, education="hbo", education_label="HBO"),
        candidate(4, education="mbo", education_label="MBO", load=7),
    ]
    best = suggest_pairs(PLANNED, people, WEIGHTS, FIT)[0]
    assert (best.lead.candidate.id, best.partner.candidate.id) == (1, 2)  # HBO leads gezinsbegeleiding zwaar
    assert best.reasons[:2] == ["samen ervaring met gedrag en scheiding", "HBO en MBO samen, zoals het team dit product doet"]
    for pair in suggest_pairs(PLANNED, people, WEIGHTS, FIT, limit=9):
        assert pair.lead.candidate.education != pair.partner.candidate.education
    # Nobody of the other level within the hard rules: no pair.
    assert suggest_pairs(PLANNED, [people[0], replace(people[1], absent=True)], WEIGHTS, FIT) == []


@given(families, st.lists(candidates, max_size=30, unique_by=lambda c: c.id), weights, st.booleans())
def test_no_pair_breaks_a_hard_rule_or_pairs_one_level(family, people, weights, allow_full):
    for pair in suggest_pairs(family, people, weights, FIT, allow_full=allow_full):
        assert pair.lead.candidate.id != pair.partner.candidate.id
        assert pair.lead.candidate.education != pair.partner.candidate.education
        assert eligible(pair.lead.candidate, family, allow_full=allow_full)
        assert eligible(pair.partner.candidate, family, allow_full=allow_full)


leaves = st.lists(
    st.tuples(st.integers(-5, 40), st.integers(0, 20)).map(
        lambda t: (TODAY + timedelta(days=t[0]), TODAY + timedelta(days=t[0] + t[1]))
    ),
    max_size=2,
).map(lambda found: tuple(sorted(found)))


@given(families, st.lists(candidates, max_size=10, unique_by=lambda c: c.id), leaves, weights)
def test_the_fast_ranking_score_is_the_explained_score(family, people, planned, weights):
    family = replace(family, today=TODAY)
    for person in people:
        person = replace(person, leaves=planned)
        assert value(person, family, weights, FIT) == score(person, family, weights, FIT)[0]


@given(families, st.lists(candidates, max_size=10, unique_by=lambda c: c.id), leaves, st.booleans())
def test_eligible_is_not_blocked(family, people, planned, allow_full):
    family = replace(family, today=TODAY, contact_due=TODAY + timedelta(days=7))
    for person in people:
        person = replace(person, leaves=planned)
        assert eligible(person, family, allow_full=allow_full) == (not blocked_by(person, family, allow_full=allow_full))
