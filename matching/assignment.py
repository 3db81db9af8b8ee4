"""Assigning professionals to a family's trajectory, and replacing the lead (re-match).

The trajectory's lead and duo are the current state; Match rows keep the history, so the
re-match rate can be counted for the municipality without naming anyone.
"""

from django.db import transaction
from django.utils import timezone

from matching.models import Match, MatchRole


@transaction.atomic
def assign(trajectory, lead, by, *, duo=None, override_reason=""):
    """Make `lead` (and `duo`) the professionals of the trajectory; ends earlier matches
    without a re-match reason (a first assignment, or a correction before contact)."""
    now = timezone.now()
    trajectory.matches.current().update(ended_at=now)
    Match.objects.create(
        trajectory=trajectory, professional=lead, role=MatchRole.LEAD, assigned_by=by,
        override_reason=override_reason,
    )
    if duo is not None:
        Match.objects.create(trajectory=trajectory, professional=duo, role=MatchRole.DUO, assigned_by=by)
    trajectory.lead, trajectory.duo = lead, duo
    trajectory.first_matched_on = trajectory.first_matched_on or timezone.localdate()
    trajectory.save(update_fields=["lead", "duo", "first_matched_on"])


@transaction.atomic
def rematch(trajectory, new_lead, by, *, reason, note="", override_reason=""):
    """Replace the lead professional: the old match ends with the reason; the duo stays."""
    now = timezone.now()
    trajectory.matches.current().filter(role=MatchRole.LEAD).update(
        ended_at=now, end_reason=reason, end_note=note
    )
    Match.objects.create(
        trajectory=trajectory, professional=new_lead, role=MatchRole.LEAD, assigned_by=by,
        override_reason=override_reason,
    )
    trajectory.lead = new_lead
    if trajectory.duo_id == new_lead.pk:
        trajectory.matches.current().filter(role=MatchRole.DUO).update(ended_at=now)
        trajectory.duo = None
    trajectory.save(update_fields=["lead", "duo"])
