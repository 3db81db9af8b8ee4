"""A family's trajectory. The top of teams <-- matching <-- trajectories (matching/models.py):
trajectories may import matching and teams; neither imports trajectories."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.intake.routes import Product
from basisjeugdhulp.reporting.freshness import CountedQuerySet


class EndReason(models.TextChoices):
    GOAL_REACHED = "goal", _("Goal reached")
    REFERRED = "referred", _("Referred to specialist youth care")
    MOVED = "moved", _("Moved")
    STOPPED = "stopped", _("Stopped by the family")
    OTHER = "other", _("Other")


def professional_ids(user, professional=None):
    """The ids of the user's professional profile: `professional` when it is theirs, else looked up."""
    from matching.models import Professional

    if professional is not None:
        return [professional.pk] if professional.user_id == user.pk else []
    return list(Professional.objects.filter(user=user).values_list("pk", flat=True))


class TrajectoryQuerySet(CountedQuerySet):
    def open(self):
        return self.filter(ended_on=None)

    def of_professional(self, user, professional=None):
        """The trajectories the user leads or is duo partner on (not of a destroyed file).

        By the professional's id (pass it when it is at hand), so the OR is two index scans on
        lead_id and duo_id rather than a join over every open trajectory (12 ms at 1 M)."""
        ids = professional_ids(user, professional)
        return self.filter(models.Q(lead_id__in=ids) | models.Q(duo_id__in=ids), registration__destroyed_at=None)

    def visible_to(self, user):
        """The trajectories whose file the user may open: their own families (lead or duo),
        and for a triagist every trajectory of their teams. Plan photos follow the same rule."""
        from basisjeugdhulp.accounts.roles import Role, roles_of
        from matching.membership import team_ids_of

        mine = models.Q(lead__user=user) | models.Q(duo__user=user)
        if Role.TRIAGIST in roles_of(user):
            mine |= models.Q(registration__team_id__in=team_ids_of(user))
        return self.filter(mine, registration__destroyed_at=None)

    def with_plan_summary(self):
        """Annotate the number of plan photos and the date of the last one (one query).

        Subqueries per trajectory on the plan_versions index rather than a join and GROUP BY:
        the join read the whole photo table for a professional's few dozen families. Django's
        own subqueries: written out in SQL (subqueries.py) they saved 0.18 ms a request, which
        the start page, at 1.1–1.3× the floor's CPU against a target of 1.4×, no longer needs
        (issue 24, docs/performance.md)."""
        from basisjeugdhulp.plans.models import PlanPhoto

        photos = PlanPhoto.objects.filter(trajectory=models.OuterRef("pk")).order_by().values("trajectory")
        return self.annotate(
            photo_count=Coalesce(models.Subquery(photos.annotate(n=models.Count("pk")).values("n")), 0),
            last_photo_at=models.Subquery(photos.annotate(last=models.Max("uploaded_at")).values("last")),
        )

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
    # The day the family first got a lead professional: the base of the re-match rate.
    first_matched_on = models.DateField(null=True, blank=True, editable=False)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=20, choices=EndReason.choices, blank=True)
    hours_per_week = models.DecimalField(
        _("average hours per week"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    # When the close was recorded: a mistaken close can be undone within REOPEN_DAYS of it.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Said at closing: the family does not want to be asked for the evaluation interview
    # (evaluation/sampling.py leaves it out of every drawing). Default: may be asked.
    evaluation_declined = models.BooleanField(_("not to be asked for the evaluation interview"), default=False)

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on"]
        indexes = [
            models.Index(fields=["started_on"], name="figures_by_start"),
            models.Index(fields=["ended_on"], name="figures_by_end"),
            # A professional's open families: their load in matching, their start page.
            models.Index(fields=["lead"], condition=models.Q(ended_on=None), name="open_by_lead"),
            models.Index(fields=["duo"], condition=models.Q(ended_on=None), name="open_by_duo"),
        ]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")

    def __str__(self):
        return f"{self.registration} · {self.get_product_display()}"

    @property
    def days_since_start(self):
        if self.started_on is None:
            return None
        return ((self.ended_on or timezone.localdate()) - self.started_on).days

    @property
    def is_closed(self):
        return self.ended_on is not None

    def is_professional(self, user):
        """Lead or duo partner: the people who photograph the plan and close the trajectory."""
        return user.pk is not None and user.pk in (
            self.lead.user_id if self.lead_id else None,
            self.duo.user_id if self.duo_id else None,
        )

    def close(self, ended_on, end_reason, hours_per_week, evaluation_declined=False):
        now = timezone.now()
        self.ended_on, self.end_reason, self.hours_per_week = ended_on, end_reason, hours_per_week
        self.evaluation_declined = evaluation_declined
        self.closed_at = now
        self.save(update_fields=["ended_on", "end_reason", "hours_per_week", "evaluation_declined", "closed_at"])
        self.matches.filter(ended_at=None).update(ended_at=now)

    def may_be_reopened(self, now=None):
        """A close recorded by mistake (wrong family, a tap too many) can be undone for
        REOPEN_DAYS; after that the family comes back as a new aanmelding."""
        return self.closed_at is not None and (now or timezone.now()) - self.closed_at <= REOPEN_WINDOW

    def reopen(self, user, reason):
        """Undo the close: the same trajectory runs on with its professionals, the close undone
        kept in a Reopening (who, why, what was recorded) and counted as a reopen, not a new
        trajectory."""
        Reopening.objects.create(
            trajectory=self, reopened_by=user, reason=reason, closed_at=self.closed_at,
            ended_on=self.ended_on, end_reason=self.end_reason, hours_per_week=self.hours_per_week,
        )
        self.matches.filter(ended_at=self.closed_at).update(ended_at=None)
        self.ended_on, self.end_reason, self.hours_per_week, self.closed_at = None, "", None, None
        self.save(update_fields=["ended_on", "end_reason", "hours_per_week", "closed_at"])


REOPEN_DAYS = 14
REOPEN_WINDOW = timedelta(days=REOPEN_DAYS)


class Reopening(models.Model):
    """A close undone: by whom, why, and what the close had recorded."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="reopenings")
    reopened_at = models.DateTimeField(auto_now_add=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    closed_at = models.DateTimeField()
    ended_on = models.DateField()
    end_reason = models.CharField(max_length=20, choices=EndReason.choices)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["-reopened_at"]
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
