"""Loading a family and its team's professionals for the scoring, in a fixed number of queries."""

from django.utils import timezone

from basisjeugdhulp.intake.routes import Category, Product
from matching import scoring
from matching.models import EducationFit, Education, Language, MatchingWeights, Professional


def family_for(registration, *, product=None, language=None, background=None):
    """The scoring's view of a family; product and preference can be tried out by the triagist."""
    former = registration.former_trajectory
    return scoring.Family(
        team_id=registration.team_id,
        product=product or registration.product,
        categories=frozenset(c.code for c in registration.categories.all()),
        category_labels=dict(Category.choices),
        language=registration.preferred_language if language is None else language,
        background=registration.preferred_background if background is None else background,
        former_professional_id=former.lead_id if former else None,
    )


def candidates_for(team_id, today=None):
    """Every professional of the team, with load and absence: one query."""
    languages = dict(Language.choices)
    educations = dict(Education.choices)
    professionals = (
        Professional.objects.filter(team_id=team_id)
        .with_load(today or timezone.localdate())
        .select_related("user")
        .order_by()
    )
    return [
        scoring.Candidate(
            id=p.pk,
            name=str(p),
            team_id=p.team_id,
            education=p.education,
            education_label=str(educations.get(p.education, p.education)),
            active=p.active and p.user.is_active,
            absent=p.absent,
            capacity=p.capacity,
            load=p.load,
            languages={code: languages.get(code, code) for code in p.languages},
            expertise=frozenset(p.expertise),
            affinity=p.affinity if p.affinity_consent_on else "",
        )
        for p in professionals
    ]


def suggest_for(registration, *, product=None, language=None, background=None, allow_full=False, limit=5):
    family = family_for(registration, product=product, language=language, background=background)
    weights = MatchingWeights.current()
    return scoring.suggest(
        family,
        candidates_for(registration.team_id),
        scoring.Weights(
            expertise=weights.expertise,
            language=weights.language,
            preference=weights.preference,
            education=weights.education,
            load=weights.load,
            continuity=weights.continuity,
        ),
        EducationFit.table(),
        limit=limit,
        allow_full=allow_full,
        product_label=dict(Product.choices).get(family.product, ""),
    )
