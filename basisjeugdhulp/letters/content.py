"""What goes into the letter to the family, and freezing it.

Only what the family itself told and what was decided about it: no other family's data, no
internal notes (the second check's motivation, a professional's note), no matching scores. The
text is plain Dutch at B1 level: the letter's body is a Dutch template (letters/body.html), as
a Dutch document, not a page of the user interface.
"""

from datetime import timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from basisjeugdhulp.intake.routes import Route, Status

# A letter describes a triage that was decided: not while it waits for triage or the second
# check, never for a crisis (its file keeps nothing that points to the family).
LETTER_STATUSES = {Status.AWAITING_CONTACT, Status.CONTACTED, Status.REFERRED, Status.ADVISED}

# A first suggestion of the "why", per route, that the triagist adjusts in a few sentences.
SUGGESTED_REASONS = {
    Route.BASIC: "Uit het gesprek blijkt dat u hulp nodig heeft bij uw vraag. Die hulp kunnen wij "
    "zelf geven, dichtbij huis. Er is nu geen zwaardere hulp nodig.",
    Route.SPECIALIST: "Uw vraag vraagt om hulp die wij als wijkteam niet zelf kunnen geven. Daarom "
    "verwijzen wij u naar specialistische jeugdhulp. Een tweede collega heeft dit besluit gecontroleerd.",
    Route.ADVICE: "Uw vraag kunt u goed zelf oppakken met ons advies, of een andere organisatie "
    "past beter bij uw vraag. Daarom starten wij geen hulp bij ons.",
}


def suggested_reasons(registration):
    return SUGGESTED_REASONS.get(registration.route, "")


def context_for(registration, reasons, reconsideration=None, today=None):
    """What the letter's template needs, and nothing more."""
    today = today or timezone.localdate()
    trajectory = getattr(registration, "trajectory", None)
    lead = trajectory.lead if trajectory is not None and trajectory.lead_id else None
    weeks = settings.LETTER_RECONSIDERATION_WEEKS
    return {
        "today": today,
        "family": registration.family_label,
        "question": registration.question,
        "route": registration.route,
        "route_label": registration.get_route_display(),
        "product": registration.get_product_display() if registration.product else "",
        "reasons": reasons,
        "contact_due": registration.contact_due if registration.status == Status.AWAITING_CONTACT else None,
        "contacted_on": registration.contacted_on,
        "contact_name": lead.user.get_full_name() if lead is not None else "",
        "team": registration.team.name,
        "team_phone": settings.LETTER_TEAM_PHONE,
        "reconsideration_weeks": weeks,
        "reconsideration_by": today + timedelta(weeks=weeks),
        "confidant": settings.LETTER_CONFIDANT,
        "complaints": settings.LETTER_COMPLAINTS,
        "reconsideration": reconsideration,
    }


def make_letter(registration, reasons, user, reconsideration=None):
    """Freeze a new letter: its exact text is stored and shown again as it was."""
    from basisjeugdhulp.letters.models import Letter

    body = render_to_string("letters/body.html", context_for(registration, reasons, reconsideration))
    return Letter.objects.create(
        registration=registration, reconsideration=reconsideration, reasons=reasons, body=body, made_by=user
    )
