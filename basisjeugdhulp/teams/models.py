"""The WIJ-teams. The bottom of teams <-- matching <-- trajectories (matching/models.py):
teams imports neither; who works in a team is matching's (Professional, matching/membership.py)."""

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
