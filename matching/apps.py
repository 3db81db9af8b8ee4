from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        post_migrate.connect(seed_matching_settings, sender=self)


def seed_matching_settings(using="default", **kwargs):
    """The weights row, the HBO/MBO fit table and the duo settings, with their defaults, for
    beheerder to edit."""
    from matching.models import DuoFit, EducationFit, MatchingWeights

    if not MatchingWeights.objects.using(using).exists():
        MatchingWeights.objects.using(using).create()
    EducationFit.objects.using(using).bulk_create(
        [
            EducationFit(product=product, education=education, fits=fits)
            for (product, education), fits in EducationFit.DEFAULTS.items()
        ],
        ignore_conflicts=True,
    )
    if not DuoFit.objects.using(using).filter(team=None).exists():
        DuoFit.objects.using(using).bulk_create(
            [DuoFit(product=product, suggest=value) for product, value in DuoFit.DEFAULTS.items()]
        )
