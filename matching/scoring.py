"""Ranking professionals for a family: hard rules first, then weighted factors, with reasons.

"We zoeken bewust naar de beste klik" (source 002): the relationship matters more than the
method, so the register suggests and explains, and the triagist chooses.

Pure: plain values in, plain values out. The caller loads the candidates in one query.

Hard rules (a candidate that breaks one is not suggested): active, in the family's team, not on
leave today, not on leave on the family's first-contact deadline, free capacity. A triagist may
override the capacity rule, with a reason at assignment; the other rules are never overridden.

Factors, each scored 0..1 and multiplied by its weight (MatchingWeights):
- continuity: the professional of the family's former trajectory;
- expertise: the share of the family's question categories the professional has expertise in;
- language: speaks the family's language (codes of intake/languages.py, so spellings agree);
- preference: the professional's self-declared, consented affinity matches the background the
  family asked for;
- education: the HBO/MBO fit table says the level fits the product;
- load: the share of capacity still free (prefer the less loaded);
- leave ahead (subtracted): the share of the family's first period (the horizon, e.g. the first
  28 days) the professional is on planned leave.

The reasons are listed strongest first (by what they add to the score), and the score is shown
on a scale a person reads (`Fit`): the share of the best score this family could give.

Ties: equal scores are broken by the lower load, then the name, then the id, so the same
input always gives the same order.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


@dataclass(frozen=True)
class Family:
    team_id: int
    product: str
    categories: frozenset = frozenset()
    category_labels: dict = field(default_factory=dict, compare=False, hash=False)
    language: str = ""  # a code of intake/languages.py, or the family's own words ("anders")
    language_label: str = ""
    background: str = ""
    former_professional_id: int | None = None
    today: date | None = None
    contact_due: date | None = None  # the first-contact deadline: leave on it is a hard rule


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
    # Planned leave from today on: ((first day, last day), ...), earliest first.
    leaves: tuple = field(default=(), compare=False, hash=False)


@dataclass(frozen=True)
class Weights:
    expertise: int = 3
    language: int = 3
    preference: int = 2
    education: int = 2
    load: int = 2
    continuity: int = 4
    leave: int = 4
    leave_horizon_days: int = 28


class Fit:
    """The scale the panel shows instead of a number: the share of the best score this family
    could give (every factor that applies to it at full weight)."""

    GOOD, FITS, MODERATE = "good", "fits", "moderate"
    LABELS: ClassVar[dict] = {
        GOOD: gettext_lazy("fits well"),
        FITS: gettext_lazy("fits"),
        MODERATE: gettext_lazy("fits moderately"),
    }
    GOOD_FROM, FITS_FROM = 0.6, 0.35

    @classmethod
    def of(cls, share):
        return cls.GOOD if share >= cls.GOOD_FROM else cls.FITS if share >= cls.FITS_FROM else cls.MODERATE


@dataclass
class Suggestion:
    candidate: Candidate
    score: float
    reasons: list  # in words, strongest first
    over_capacity: bool = False
    warnings: list = field(default_factory=list)  # what speaks against, e.g. leave ahead
    share: float = 0.0  # of the best score this family could give
    blocked: str = ""  # why this professional cannot be chosen now (the former professional)
    former: bool = False

    @property
    def fit(self):
        return Fit.of(self.share)

    @property
    def fit_label(self):
        return Fit.LABELS[self.fit]

    @property
    def percent(self):
        return round(max(self.share, 0) * 100)


@dataclass
class Pair:
    """A duo: one lead and a partner of the other education level, both within the hard rules."""

    lead: Suggestion
    partner: Suggestion
    score: float
    reasons: list
    share: float = 0.0

    @property
    def fit(self):
        return Fit.of(self.share)

    @property
    def fit_label(self):
        return Fit.LABELS[self.fit]

    @property
    def percent(self):
        return round(max(self.share, 0) * 100)


def day(value):
    return date_format(value, "j F")


def _listed(words):
    """"a, b and c" in the user's language."""
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def _leave_on(candidate, day_):
    return next((leave for leave in candidate.leaves if leave[0] <= day_ <= leave[1]), None)


def blocked_by(candidate, family, *, allow_full=False):
    """Why the hard rules stop this professional, in words; "" when they may take the family."""
    if not candidate.active:
        return _("not active")
    if candidate.team_id != family.team_id:
        return _("works in another team")
    today = family.today or date.today()
    leave = _leave_on(candidate, today)
    if leave:
        return _("on leave until %(day)s") % {"day": day(leave[1])}
    if candidate.absent:
        return _("absent today")
    if family.contact_due:
        leave = _leave_on(candidate, family.contact_due)
        if leave:
            return _("on leave on the contact deadline (%(start)s to %(end)s)") % {
                "start": day(leave[0]), "end": day(leave[1]),
            }
    if not allow_full and candidate.load >= candidate.capacity:
        return _("caseload full (%(load)d of %(capacity)d)") % {"load": candidate.load, "capacity": candidate.capacity}
    return ""


def eligible(candidate, family, *, allow_full=False):
    """The hard rules (the same as blocked_by, without the words: it runs for the whole team)."""
    if not candidate.active or candidate.absent or candidate.team_id != family.team_id:
        return False
    if candidate.leaves:
        if _leave_on(candidate, family.today or date.today()):
            return False
        if family.contact_due and _leave_on(candidate, family.contact_due):
            return False
    return allow_full or candidate.load < candidate.capacity


def speaks(candidate, language):
    wanted = language.strip().casefold()
    if not wanted:
        return None
    for code, label in candidate.languages.items():
        if wanted in (code.casefold(), str(label).casefold()):
            return str(label)
    return None


def leave_share(candidate, today, horizon_days):
    """The share of the next `horizon_days` days (from today) the candidate is on leave, and the
    first such leave."""
    if horizon_days <= 0:
        return 0.0, None
    end = today + timedelta(days=horizon_days - 1)
    covered, first = 0, None
    for start, stop in candidate.leaves:
        overlap = (min(stop, end) - max(start, today)).days + 1
        if overlap > 0:
            covered += overlap
            first = first or (start, stop)
    return min(covered / horizon_days, 1.0), first


def best_possible(family, weights):
    """The score of a professional who fits this family on every factor that applies to it."""
    total = weights.education + weights.load
    total += weights.expertise if family.categories else 0
    total += weights.language if family.language else 0
    total += weights.preference if family.background else 0
    total += weights.continuity if family.former_professional_id else 0
    return total


def score(candidate, family, weights, fit_table, product_label=""):
    """(score, reasons strongest first, warnings) for one candidate."""
    parts = []  # (what it adds, reason)

    if family.former_professional_id == candidate.id:
        parts.append((weights.continuity, _("knew the family already")))

    matched = sorted(family.categories & candidate.expertise)
    if family.categories and matched:
        share = weights.expertise * len(matched) / len(family.categories)
        topics = [str(family.category_labels.get(code, code)).lower() for code in matched]
        parts.append((share, _("experience with %(topic)s") % {"topic": _listed(topics)}))

    spoken = speaks(candidate, family.language)
    if spoken:
        parts.append((weights.language, _("speaks %(language)s") % {"language": spoken}))

    wanted = family.background.strip().casefold()
    if wanted and candidate.affinity and wanted in candidate.affinity.casefold():
        parts.append((weights.preference, _("fits the background the family asked for")))

    if fit_table.get((family.product, candidate.education)):
        parts.append((
            weights.education,
            _("%(level)s fits %(product)s")
            % {"level": candidate.education_label or candidate.education.upper(), "product": str(product_label).lower()},
        ))

    free = max(candidate.capacity - candidate.load, 0)
    room = weights.load * free / candidate.capacity if candidate.capacity else 0.0
    if free:
        parts.append((room, ngettext("%(n)d place free", "%(n)d places free", free) % {"n": free}))
    else:
        parts.append((0, _("full: %(load)d of %(capacity)d families") % {"load": candidate.load, "capacity": candidate.capacity}))

    total = sum(weight for weight, _reason in parts)
    warnings = []
    share, leave = leave_share(candidate, family.today or date.today(), weights.leave_horizon_days)
    if leave:
        total -= weights.leave * share
        warnings.append(
            _("on leave from %(start)s to %(end)s") % {"start": day(leave[0]), "end": day(leave[1])}
        )
    # Strongest first; a stable sort keeps the order above among equals.
    reasons = [reason for _weight, reason in sorted(parts, key=lambda part: -part[0])]
    return round(total, 3), reasons, warnings


def _suggestion(candidate, family, weights, fit_table, product_label, best, blocked=""):
    value, reasons, warnings = score(candidate, family, weights, fit_table, product_label)
    return Suggestion(
        candidate, value, reasons,
        over_capacity=candidate.load >= candidate.capacity,
        warnings=warnings,
        share=value / best if best else 0.0,
        blocked=blocked,
        former=candidate.id == family.former_professional_id,
    )


def _order(suggestion):
    return (-suggestion.score, suggestion.candidate.load, suggestion.candidate.name, suggestion.candidate.id)


def value(candidate, family, weights, fit_table):
    """The score alone, without words: what ranking a whole team needs. The same sum as
    score() (tests/test_matching_scoring.py checks they agree); words only for the shown few."""
    total = 0.0
    if family.former_professional_id == candidate.id:
        total += weights.continuity
    if family.categories:
        total += weights.expertise * len(family.categories & candidate.expertise) / len(family.categories)
    if family.language and speaks(candidate, family.language):
        total += weights.language
    wanted = family.background.strip().casefold()
    if wanted and candidate.affinity and wanted in candidate.affinity.casefold():
        total += weights.preference
    if fit_table.get((family.product, candidate.education)):
        total += weights.education
    if candidate.capacity:
        total += weights.load * max(candidate.capacity - candidate.load, 0) / candidate.capacity
    if candidate.leaves:
        total -= weights.leave * leave_share(candidate, family.today or date.today(), weights.leave_horizon_days)[0]
    return round(total, 3)


def ranking(family, candidates, weights, fit_table, *, allow_full=False):
    """Every eligible candidate with its score, best first: [(score, candidate)]."""
    found = [
        (value(candidate, family, weights, fit_table), candidate)
        for candidate in candidates
        if eligible(candidate, family, allow_full=allow_full)
    ]
    found.sort(key=lambda pair: (-pair[0], pair[1].load, pair[1].name, pair[1].id))
    return found


def ranked(family, candidates, weights, fit_table, *, allow_full=False, product_label=""):
    """Every eligible candidate, best first, each with its reasons."""
    best = best_possible(family, weights)
    return [
        _suggestion(candidate, family, weights, fit_table, product_label, best)
        for _score, candidate in ranking(family, candidates, weights, fit_table, allow_full=allow_full)
    ]


def suggest(family, candidates, weights, fit_table, *, limit=5, allow_full=False, product_label="", order=None):
    """The top `limit` eligible candidates, best first, with their reasons (words only for
    these). `order`: a ranking() already made for this family."""
    order = ranking(family, candidates, weights, fit_table, allow_full=allow_full) if order is None else order
    best = best_possible(family, weights)
    return [
        _suggestion(candidate, family, weights, fit_table, product_label, best) for _score, candidate in order[:limit]
    ]


def former_professional(family, candidates, weights, fit_table, *, allow_full=False, product_label=""):
    """The professional who knew the family, always shown first: with the reason the hard
    rules stop them now (on leave until …, caseload full), or None when they left the team."""
    for candidate in candidates:
        if candidate.id == family.former_professional_id:
            blocked = blocked_by(candidate, family, allow_full=allow_full)
            return _suggestion(
                candidate, family, weights, fit_table, product_label, best_possible(family, weights), blocked
            )
    return None


class Empty:
    """Why nobody can be suggested: each asks for something else of the triagist."""

    NO_TEAM, ALL_ABSENT, ALL_FULL, MIXED = "no_team", "all_absent", "all_full", "mixed"


def why_empty(family, candidates):
    """The reason no professional is suggested (when none is)."""
    team = [c for c in candidates if c.active and c.team_id == family.team_id]
    if not team:
        return Empty.NO_TEAM
    present = [c for c in team if eligible(c, family, allow_full=True)]
    if not present:
        return Empty.ALL_ABSENT
    if all(c.load >= c.capacity for c in present):
        return Empty.ALL_FULL
    return Empty.MIXED


def nobody_speaks(family, candidates):
    """True when the family asked for a language no active professional of the team speaks:
    the panel then suggests an interpreter."""
    if not family.language or family.language == WORKING_LANGUAGE:
        return False
    return not any(
        speaks(c, family.language) for c in candidates if c.active and c.team_id == family.team_id
    )


WORKING_LANGUAGE = "nl"  # every professional works in Dutch, ticked on the profile or not

PAIR_POOL = 8  # the best of each education level that pairs are made from


def suggest_pairs(family, candidates, weights, fit_table, *, limit=3, allow_full=False, product_label="", order=None):
    """The best duos: a lead and a partner of the other education level, both within the hard
    rules. Pairs are made from the best PAIR_POOL of each level (at most 64 pairs, whatever the
    team's size). The lead is the one whose level fits the product (else the higher score); the
    pair's score is the sum, plus what the partner brings that the lead lacks in expertise.
    `order`: a ranking() already made for this family."""
    order = ranking(family, candidates, weights, fit_table, allow_full=allow_full) if order is None else order
    pools = {}
    for _score, candidate in order:
        pool = pools.setdefault(candidate.education, [])
        if len(pool) < PAIR_POOL:
            pool.append(candidate)
    levels = sorted(pools)
    if len(levels) < 2:
        return []
    best = best_possible(family, weights)
    by_level = {
        level: [_suggestion(c, family, weights, fit_table, product_label, best) for c in pools[level]]
        for level in levels
    }
    pairs = []
    for first in by_level[levels[0]]:
        for second in by_level[levels[1]]:
            fits = [s for s in (first, second) if fit_table.get((family.product, s.candidate.education))]
            lead = fits[0] if len(fits) == 1 else min((first, second), key=_order)
            partner = second if lead is first else first
            pairs.append(_pair(lead, partner, family, weights, best))
    pairs.sort(key=lambda p: (-p.score, _order(p.lead), _order(p.partner)))
    return pairs[:limit]


def _pair(lead, partner, family, weights, best):
    reasons = []
    lead_topics = family.categories & lead.candidate.expertise
    together = family.categories & (lead.candidate.expertise | partner.candidate.expertise)
    added = weights.expertise * (len(together) - len(lead_topics)) / len(family.categories) if family.categories else 0
    if len(together) > len(lead_topics) and lead_topics:
        topics = _listed([str(family.category_labels.get(c, c)).lower() for c in sorted(together)])
        reasons.append(_("together experience with %(topics)s") % {"topics": topics})
    reasons.append(
        _("%(lead_level)s and %(partner_level)s together, as the team wants for this product")
        % {"lead_level": lead.candidate.education_label, "partner_level": partner.candidate.education_label}
    )
    for member in (lead, partner):
        if member.reasons:
            reasons.append(f"{member.candidate.name}: {member.reasons[0]}")
    value = round(lead.score + partner.score + added, 3)
    return Pair(lead, partner, value, reasons, share=(lead.share + partner.share) / 2 if best else 0.0)
