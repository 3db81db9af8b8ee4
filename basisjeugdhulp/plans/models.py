import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PlanPhoto(models.Model):
    """One photo of the family's A3 plan: a version of the plan, as it was on that day.

    The objects live in private storage under random keys that say nothing about the family;
    they are only ever read through the access-checked view (plans/views.py).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trajectory = models.ForeignKey(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), max_length=200)
    thumbnail = models.FileField(_("thumbnail"), max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(help_text=_("Bytes stored for the photo."))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # The upload form's one-time id and the photo's place in that upload: the same upload sent
    # twice (a double tap, a network retry) finds the version it made (basisjeugdhulp/submissions.py).
    submission_id = models.UUIDField(null=True, blank=True, editable=False)
    submission_position = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("plan photo")
        verbose_name_plural = _("plan photos")
        indexes = [models.Index(fields=["trajectory", "-uploaded_at"], name="plan_versions")]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "submission_id", "submission_position"], name="one_version_per_submitted_photo"
            ),
        ]

    def __str__(self):
        return str(self.public_id)

    def keys(self):
        return [name for name in (self.image.name, self.thumbnail.name) if name]
