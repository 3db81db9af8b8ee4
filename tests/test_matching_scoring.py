"""The match score: hard rules first, then each factor moves the rank the way its reason says."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from matching.models import EducationFit
from matching.scoring import Candidate, Family, Weights, eligible, suggest

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
