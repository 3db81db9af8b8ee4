"""Loading a family and its team's professionals for the scoring, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.utils import timezone

from basisjeugdhulp.intake import languages
from basisjeugdhulp.intake.routes import Category, Product
from matching import scoring
from matching.models import (
    LANGUAGE_CHOICES,
    Absence,
    DuoFit,
    Education,
    EducationFit,
    MatchingWeights,
    Professional,
)


def family_for(registration, *, product=None, language=None, background=None, today=None):
    """The scoring's view of a family; product and preference can be tried out by the triagist."""
    former = registration.former_trajectory
    today = today or timezone.localdate()
    language = languages.normalise(registration.preferred_language if language is None else language)
    return scoring.Family(
        team_id=registration.team_id,
        product=product or registration.product,
        categories=frozenset(registration.category_codes()),
        category_labels=dict(Category.choices),
        language=language,
        language_label=languages.label(language),
        background=registration.preferred_background if background is None else background,
        former_professional_id=former.lead_id if former else None,
        today=today,
        contact_due=open_contact_due(registration, today),
    )


def open_contact_due(registration, today):
    """The first-contact deadline while it is still ahead: leave on it rules a professional out.
    Once the family has been contacted (a re-match) the deadline no longer matters."""
    due = registration.contact_due
    return due if due and registration.contacted_on is None and due >= today else None


def candidates_for(team_id, today=None, horizon_days=28, also=None):
    """Every professional of the team (and `also`, the former professional wherever they work
    now), with load, absence and leave ahead: two queries, plain rows.

    Values rather than model instances: building 800 Professional and User objects would
    cost more than the query itself.
    """
    today = today or timezone.localdate()
    names = {code: str(label) for code, label in LANGUAGE_CHOICES}  # translated once
    educations = {code: str(label) for code, label in Education.choices}
    team = Professional.objects.filter(team_id=team_id)
    if also is not None:
        team = team | Professional.objects.filter(pk=also)
    rows = list(
        team.with_load(today)
        .order_by()
        .values(
            "pk", "team_id", "education", "active", "capacity", "languages", "expertise",
            "affinity", "affinity_consent_on", "load", "absent",
            "user__first_name", "user__last_name", "user__username", "user__is_active",
        )
    )
    # Leave from today to the end of the family's first period (a leave on the contact deadline
    # falls in it too: five working days are within any horizon of two weeks or more).
    leaves = {}
    ahead = Absence.objects.filter(
        professional_id__in=[row["pk"] for row in rows],
        ends_on__gte=today,
        starts_on__lte=today + timezone.timedelta(days=max(horizon_days, 14)),
    )
    for professional_id, starts_on, ends_on in ahead.order_by("starts_on").values_list(
        "professional_id", "starts_on", "ends_on"
    ):
        leaves.setdefault(professional_id, []).append((starts_on, ends_on))
    return [
        scoring.Candidate(
            id=row["pk"],
            name=f"{row['user__first_name']} {row['user__last_name']}".strip() or row["user__username"],
            team_id=row["team_id"],
            education=row["education"],
            education_label=educations.get(row["education"], row["education"]),
            active=row["active"] and row["user__is_active"],
            absent=row["absent"],
            capacity=row["capacity"],
            load=row["load"],
            languages={code: names.get(code, code) for code in row["languages"]},
            expertise=frozenset(row["expertise"]),
            # Affinity counts only with the professional's consent (AVG art. 9).
            affinity=row["affinity"] if row["affinity_consent_on"] else "",
            leaves=tuple(leaves.get(row["pk"], ())),
        )
        for row in rows
    ]


def current_weights():
    weights = MatchingWeights.current()
    return scoring.Weights(
        expertise=weights.expertise,
        language=weights.language,
        preference=weights.preference,
        education=weights.education,
        load=weights.load,
        continuity=weights.continuity,
        leave=weights.leave,
        leave_horizon_days=weights.leave_horizon_days,
    )


@dataclass
class Panel:
    """What the suggestions panel shows for one family."""

    family: scoring.Family
    weights: scoring.Weights
    suggestions: list
    former: scoring.Suggestion | None = None  # always first, also when the rules stop them
    empty: str = ""  # scoring.Empty: why nobody is suggested
    interpreter: bool = False  # nobody in the team speaks the family's language
    duo: bool = False  # the team's settings suggest a duo for the product
    pairs: list = field(default_factory=list)


def panel_for(registration, *, product=None, language=None, background=None, allow_full=False, limit=5):
    weights = current_weights()
    family = family_for(registration, product=product, language=language, background=background)
    candidates = candidates_for(
        registration.team_id, family.today, weights.leave_horizon_days, also=family.former_professional_id
    )
    options = {"allow_full": allow_full, "product_label": dict(Product.choices).get(family.product, "")}
    fit_table = EducationFit.table()
    former = scoring.former_professional(family, candidates, weights, fit_table, **options)
    # One ranking of the whole team (numbers only); words for the shown few.
    order = scoring.ranking(family, candidates, weights, fit_table, allow_full=allow_full)
    others = order if former is None else [entry for entry in order if entry[1].id != former.candidate.id]
    suggestions = scoring.suggest(
        family, candidates, weights, fit_table, limit=limit - 1 if former else limit, order=others, **options
    )
    duo = DuoFit.suggested(registration.team_id, family.product)
    return Panel(
        family=family,
        weights=weights,
        suggestions=suggestions,
        former=former,
        empty="" if suggestions or (former and not former.blocked) else scoring.why_empty(family, candidates),
        interpreter=scoring.nobody_speaks(family, candidates),
        duo=duo,
        pairs=scoring.suggest_pairs(family, candidates, weights, fit_table, order=order, **options) if duo else [],
    )


def suggest_for(registration, *, product=None, language=None, background=None, allow_full=False, limit=5):
    """The top `limit` eligible professionals, best first (the former professional among them
    when the rules let them take the family)."""
    panel = panel_for(
        registration, product=product, language=language, background=background, allow_full=allow_full, limit=limit
    )
    head = [panel.former] if panel.former and not panel.former.blocked else []
    return head + panel.suggestions


def needs_interpreter(registration):
    """Nobody active in the family's team speaks the language it asked for (one query): kept
    with the match, so the figures count the families that needed an interpreter."""
    code = languages.normalise(registration.preferred_language)
    if not code or code == scoring.WORKING_LANGUAGE:
        return False
    team = Professional.objects.active().filter(team_id=registration.team_id)
    if code in languages.NAMES:
        return not team.speaking(code)
    return True  # a language not on the list ("anders"): no professional has it on their profile
