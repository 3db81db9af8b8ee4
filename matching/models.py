import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Education(models.TextChoices):
    # The level decides which products a professional may lead (later: matching/fit table).
    HBO = "hbo", _("HBO")
    MBO = "mbo", _("MBO")


class ProfessionalQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, user__is_active=True)

    def education_mix(self):
        """Counts of HBO and MBO professionals, computed in the database."""
        return self.aggregate(
            hbo=models.Count("pk", filter=models.Q(education=Education.HBO)),
            mbo=models.Count("pk", filter=models.Q(education=Education.MBO)),
        )


class Professional(models.Model):
    """A member of staff of a WIJ-team: the person a family is matched with."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional"
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="professionals", verbose_name=_("team")
    )
    education = models.CharField(_("education level"), max_length=3, choices=Education.choices)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive professionals get no new families.")
    )

    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()
