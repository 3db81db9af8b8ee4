import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamQuerySet(models.QuerySet):
    def of_user(self, user):
        """The teams the user works in as an active professional."""
        return self.filter(professionals__user=user, professionals__active=True).distinct()


class Team(models.Model):
    """A WIJ-team: the neighbourhood team that takes in and helps the families of its district."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100, unique=True)
    district = models.CharField(
        _("district"), max_length=100, help_text=_("The part of the city the team serves.")
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("WIJ team")
        verbose_name_plural = _("WIJ teams")

    def __str__(self):
        return self.name


def team_ids_of(user):
    """The ids of the teams the user works in as an active professional. The signed-in user
    brings them along (accounts/backends.py); for any other user they are asked here once."""
    ids = getattr(user, "_register_team_ids", None)
    if ids is None:
        ids = remember_team_ids(user, Team.objects.of_user(user).values_list("pk", flat=True))
    return ids


def remember_team_ids(user, ids):
    """Keep the user's team ids on the user object for the rest of the request."""
    user._register_team_ids = tuple(ids)
    return user._register_team_ids
