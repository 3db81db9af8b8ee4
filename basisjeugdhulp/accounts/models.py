from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.accounts.roles import Role


class SecondFactorRule(models.Model):
    """The beheerder requires a second factor (an authenticator app's code) for a role."""

    role = models.CharField(_("role"), max_length=40, choices=Role.choices, unique=True)
    required = models.BooleanField(_("second factor required"), default=True)

    class Meta:
        verbose_name = _("second factor rule")
        verbose_name_plural = _("second factor rules")

    def __str__(self):
        return self.get_role_display()

    @classmethod
    def required_for(cls, roles):
        return bool(roles) and cls.objects.filter(role__in=[r.value for r in roles], required=True).exists()


class RoleChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=RoleChange.Status.PENDING)


class RoleChange(models.Model):
    """A role or a team given to or taken from a user: who gave or took what from whom, when,
    and who approved it (accounts/duties.py has the rules). The rows are the log the beheerders
    read in the admin; they are never edited or deleted there."""

    class Kind(models.TextChoices):
        GIVE = "give", _("Given")
        TAKE = "take", _("Taken away")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting another beheerder's approval")
        DONE = "done", _("In force")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_changes", verbose_name=_("user")
    )
    kind = models.CharField(_("change"), max_length=4, choices=Kind.choices)
    role = models.CharField(_("role"), max_length=40, choices=Role.choices, blank=True)
    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    requested_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("approved or rejected by"),
    )
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)

    objects = RoleChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(role="") & models.Q(team__isnull=False))
                | (~models.Q(role="") & models.Q(team__isnull=True)),
                name="role_change_is_a_role_or_a_team",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.what()} — {self.user}"

    def what(self):
        if self.team_id:
            return _("team %(team)s") % {"team": self.team}
        return self.get_role_display()
