"""Assigning professionals to a family's trajectory, and replacing the lead (re-match).

The trajectory's lead and duo are the current state; Match rows keep the history, so the
re-match rate can be counted for the municipality without naming anyone.

The domain's rules hold here, whatever calls (a form, the demo, a command): a duo is two people
of different education levels; a re-match has one of the listed reasons (with a note for
"anders") and another professional than the current lead. A refusal raises ValidationError with
a Dutch message and saves nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Match, MatchRole, RematchReason

UNCHECKED = object()


class LeadChanged(Exception):
    """Someone else changed the family's lead professional since this user looked."""

    def __init__(self, lead_id):
        super().__init__(lead_id)
        self.lead_id = lead_id


def _lock(trajectory, expected_lead):
    """Two triagists at once: the file's lock (intake/file_lock.py: the aanmelding, then the
    trajectory) lets one through; the other finds the lead they saw (`expected_lead`, a
    professional's id or None) gone and is told so. A closed trajectory raises FileChanged, a
    destroyed file FileDestroyed."""
    from basisjeugdhulp.intake import file_lock

    lead_id = file_lock.lock_trajectory(trajectory).lead_id
    if expected_lead is not UNCHECKED and lead_id != expected_lead:
        raise LeadChanged(lead_id)
    return lead_id


@transaction.atomic
def assign(trajectory, lead, by, *, duo=None, override_reason="", expected_lead=UNCHECKED, interpreter_needed=False):
    """Make `lead` (and `duo`) the professionals of the trajectory; ends earlier matches
    without a re-match reason (a first assignment, or a correction before contact)."""
    if duo is not None and duo.pk == lead.pk:
        raise ValidationError(_("The duo partner is someone other than the lead."))
    if duo is not None and duo.education == lead.education:
        raise ValidationError(_("A duo is one HBO and one MBO professional."))
    _lock(trajectory, expected_lead)
    now = timezone.now()
    trajectory.matches.current().update(ended_at=now)
    Match.objects.create(
        trajectory=trajectory, professional=lead, role=MatchRole.LEAD, assigned_by=by,
        override_reason=override_reason, interpreter_needed=interpreter_needed,
    )
    if duo is not None:
        Match.objects.create(trajectory=trajectory, professional=duo, role=MatchRole.DUO, assigned_by=by)
    trajectory.lead, trajectory.duo = lead, duo
    trajectory.first_matched_on = trajectory.first_matched_on or timezone.localdate()
    trajectory.save(update_fields=["lead", "duo", "first_matched_on"])


@transaction.atomic
def rematch(
    trajectory, new_lead, by, *, reason, note="", override_reason="", expected_lead=UNCHECKED, interpreter_needed=False
):
    """Replace the lead professional: the old match ends with the reason (required: a re-match
    is counted by it); the duo stays."""
    if reason not in RematchReason.values:
        raise ValidationError(_("Give the reason for the re-match."))
    if reason == RematchReason.OTHER and not note.strip():
        raise ValidationError(_("Explain the reason 'other' in a few words."))
    if _lock(trajectory, expected_lead) == new_lead.pk:
        raise ValidationError(_("Choose another professional than the current lead."))
    now = timezone.now()
    trajectory.matches.current().filter(role=MatchRole.LEAD).update(
        ended_at=now, end_reason=reason, end_note=note
    )
    Match.objects.create(
        trajectory=trajectory, professional=new_lead, role=MatchRole.LEAD, assigned_by=by,
        override_reason=override_reason, interpreter_needed=interpreter_needed,
    )
    trajectory.lead = new_lead
    if trajectory.duo_id == new_lead.pk:
        trajectory.matches.current().filter(role=MatchRole.DUO).update(ended_at=now)
        trajectory.duo = None
    trajectory.save(update_fields=["lead", "duo"])
