import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.intake.routes import Product


class EndReason(models.TextChoices):
    GOAL_REACHED = "goal", _("Goal reached")
    REFERRED = "referred", _("Referred to specialist youth care")
    MOVED = "moved", _("Moved")
    STOPPED = "stopped", _("Stopped by the family")
    OTHER = "other", _("Other")


class TrajectoryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(ended_on=None)

    def of_professional(self, user):
        """The trajectories the user leads or is duo partner on."""
        return self.filter(models.Q(lead__user=user) | models.Q(duo__user=user))

    def closed_since(self, day):
        return self.filter(ended_on__gte=day)


class Trajectory(models.Model):
    """The help a family gets in basis jeugdhulp: from first contact to closing.

    It exists from the triage decision on, so a professional can be matched before first
    contact; it *starts* at first contact (started_on). Closing records the only time
    registration there is: the average hours per week. Lead and duo are the current matches
    (matching.Match keeps the history).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.OneToOneField(
        "intake.Registration", on_delete=models.CASCADE, related_name="trajectory"
    )
    product = models.CharField(_("product"), max_length=20, choices=Product.choices)
    lead = models.ForeignKey(
        "matching.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trajectories",
        verbose_name=_("lead professional"),
    )
    duo = models.ForeignKey(
        "matching.Professional",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duo_trajectories",
        verbose_name=_("duo partner"),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices, blank=True)
    hours_per_week = models.DecimalField(
        _("average hours per week"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")

    def __str__(self):
        return f"{self.registration} · {self.get_product_display()}"
