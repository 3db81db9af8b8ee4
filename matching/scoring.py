"""Ranking professionals for a family: hard rules first, then weighted factors, with reasons.

"We zoeken bewust naar de beste klik" (source 002): the relationship matters more than the
method, so the register suggests and explains, and the triagist chooses.

Pure: plain values in, plain values out. The caller loads the candidates in one query.

Hard rules (a candidate that breaks one is not suggested): active, not absent today, in the
family's team, free capacity. A triagist may override the capacity rule, with a reason at
assignment; the other rules are never overridden.

Factors, each scored 0..1 and multiplied by its weight (MatchingWeights):
- expertise: the share of the family's question categories the professional has expertise in;
- language: speaks the language the family asked for;
- preference: the professional's self-declared, consented affinity matches the background the
  family asked for;
- education: the HBO/MBO fit table says the level fits the product;
- load: the share of capacity still free (prefer the less loaded);
- continuity: the professional of the family's former trajectory.

Ties: equal scores are broken by the lower load, then the name, then the id, so the same
input always gives the same order.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Family:
    team_id: int
    product: str
    categories: frozenset = frozenset()
    category_labels: dict = field(default_factory=dict, compare=False, hash=False)
    language: str = ""  # as the family said it, e.g. "Arabisch"
    background: str = ""
    former_professional_id: int | None = None


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    team_id: int
    education: str
    education_label: str = ""
    active: bool = True
    absent: bool = False
    capacity: int = 8
    load: int = 0
    languages: dict = field(default_factory=dict, compare=False, hash=False)  # code → label
    expertise: frozenset = frozenset()
    affinity: str = ""


@dataclass(frozen=True)
class Weights:
    expertise: int = 3
    language: int = 3
    preference: int = 2
    education: int = 2
    load: int = 2
    continuity: int = 4


@dataclass
class Suggestion:
    candidate: Candidate
    score: float
    reasons: list
    over_capacity: bool = False


def eligible(candidate, family, *, allow_full=False):
    """The hard rules."""
    if not candidate.active or candidate.absent or candidate.team_id != family.team_id:
        return False
    return allow_full or candidate.load < candidate.capacity


def _speaks(candidate, language):
    wanted = language.strip().casefold()
    if not wanted:
        return None
    for code, label in candidate.languages.items():
        if wanted in (code.casefold(), str(label).casefold()):
            return str(label)
    return None


def score(candidate, family, weights, fit_table, product_label=""):
    """(score, reasons) for one eligible candidate."""
    total, reasons = 0.0, []

    matched = sorted(family.categories & candidate.expertise)
    if family.categories:
        total += weights.expertise * len(matched) / len(family.categories)
    for code in matched:
        reasons.append(_("experience with %(topic)s") % {"topic": str(family.category_labels.get(code, code)).lower()})

    spoken = _speaks(candidate, family.language)
    if spoken:
        total += weights.language
        reasons.append(_("speaks %(language)s") % {"language": spoken})

    if family.background and candidate.affinity:
        if family.background.strip().casefold() in candidate.affinity.casefold():
            total += weights.preference
            reasons.append(_("fits the background the family asked for"))

    if fit_table.get((family.product, candidate.education)):
        total += weights.education
        reasons.append(
            _("%(level)s fits %(product)s")
            % {"level": candidate.education_label or candidate.education.upper(), "product": str(product_label).lower()}
        )

    free = max(candidate.capacity - candidate.load, 0)
    if candidate.capacity:
        total += weights.load * free / candidate.capacity
    if free:
        reasons.append(ngettext("%(n)d place free", "%(n)d places free", free) % {"n": free})
    else:
        reasons.append(_("full: %(load)d of %(capacity)d families") % {"load": candidate.load, "capacity": candidate.capacity})

    if family.former_professional_id == candidate.id:
        total += weights.continuity
        reasons.append(_("knew the family already"))

    return round(total, 3), reasons


def suggest(family, candidates, weights, fit_table, *, limit=5, allow_full=False, product_label=""):
    """The top `limit` eligible candidates, best first."""
    suggestions = []
    for candidate in candidates:
        if not eligible(candidate, family, allow_full=allow_full):
            continue
        value, reasons = score(candidate, family, weights, fit_table, product_label)
        suggestions.append(
            Suggestion(candidate, value, reasons, over_capacity=candidate.load >= candidate.capacity)
        )
    suggestions.sort(key=lambda s: (-s.score, s.candidate.load, s.candidate.name, s.candidate.id))
    return suggestions[:limit]
