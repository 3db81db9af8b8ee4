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
        categories=frozenset(registration.category_codes()),
        category_labels=dict(Category.choices),
        language=registration.preferred_language if language is None else language,
        background=registration.preferred_background if background is None else background,
        former_professional_id=former.lead_id if former else None,
    )


def candidates_for(team_id, today=None):
    """Every professional of the team, with load and absence: one query, plain rows.

    Values rather than model instances: building 800 Professional and User objects would
    cost more than the query itself.
    """
    languages = {code: str(label) for code, label in Language.choices}  # translated once
    educations = {code: str(label) for code, label in Education.choices}
    rows = (
        Professional.objects.filter(team_id=team_id)
        .with_load(today or timezone.localdate())
        .order_by()
        .values(
            "pk", "team_id", "education", "active", "capacity", "languages", "expertise",
            "affinity", "affinity_consent_on", "load", "absent",
            "user__first_name", "user__last_name", "user__username", "user__is_active",
        )
    )
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
            languages={code: languages.get(code, code) for code in row["languages"]},
            expertise=frozenset(row["expertise"]),
            # Affinity counts only with the professional's consent (AVG art. 9).
            affinity=row["affinity"] if row["affinity_consent_on"] else "",
        )
        for row in rows
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
