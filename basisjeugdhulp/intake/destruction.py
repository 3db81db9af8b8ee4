"""Destroying a family's file: on the family's request (Jeugdwet art. 7.3.9) or when its
retention period has passed (art. 7.3.8: twenty years from the last change, retention.py).

What goes: every personal detail — the family's label, contact details, address, the children,
the question in their own words, preferences, notes, the letters and what the family objected to, the keys that
recognise a returning family, every photo of the plan, and the safety cards' words and photos, in the database
and in storage; of a safety card's handovers, who in the family consented.
What stays: the anonymous facts the municipal figures rest on — dates, team, channel, route,
product, on-time contact, end reason and hours per week, a safety card's judgement, the coded answers of an evaluation
interview — so the figures of past periods do not
change. The access log keeps who looked at the file, and that it was destroyed, by whom.
"""

import dataclasses

from django.db import DatabaseError, transaction
from django.utils import timezone

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake import file_lock, retention
from basisjeugdhulp.intake.models import Registration, SecondCheck

SYSTEM_USER = "systeem-bewaartermijn"


def system_user():
    """Who destroys files whose retention passed, in the access log: not a person."""
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        username=SYSTEM_USER, defaults={"first_name": "Bewaartermijn", "is_active": False}
    )
    return user


@transaction.atomic
def destroy(registration, request=None):
    """Destroy one file. Photo objects are removed from storage once the transaction commits."""
    from basisjeugdhulp.evaluation.models import Interview
    from basisjeugdhulp.letters.models import Delivery, Letter, Reconsideration
    from basisjeugdhulp.plans import storing
    from basisjeugdhulp.plans.models import PlanPhoto
    from basisjeugdhulp.safety.models import CardShare, SafetyCard
    from basisjeugdhulp.trajectories.models import Reopening
    from matching.models import Match

    # The same lock as every write to the file (intake/file_lock.py): a write that started
    # first finishes first; one that comes after finds the file destroyed and writes nothing.
    try:
        registration = file_lock.lock_file(registration)
    except file_lock.FileDestroyed:
        return Registration._base_manager.get(pk=registration.pk)
    photos = PlanPhoto.objects.filter(trajectory__registration=registration)
    keys = [key for photo in photos for key in photo.keys()]
    photos.delete()
    # The safety cards go — every word, who judged, the photos — and only the anonymous
    # judgement (0–10) and its date stay, for the figures of past periods; a handover's record
    # stays without who consented (to whom, when, by whom and on what ground).
    cards = SafetyCard.objects.filter(registration=registration)
    keys += [key for card in cards for key in card.keys()]
    cards.update(worries="", going_well="", tried="", next_steps="", judged_by="", image="", thumbnail="",
                 made_by=None, submission_id=None)
    CardShare.objects.filter(registration=registration).update(consent_from="")
    # Every version of every object, after the commit; what storage refuses stays listed and is
    # tried again daily (plans/storing.py).
    storing.remove_after_commit(keys)
    # No links to it from the family's other files ("terugkerend gezin", "kende het gezin al");
    # the anonymous fact that they were re-registrations stays for the figures (`returning`).
    Registration.objects.filter(former_trajectory__registration=registration).update(former_trajectory=None)
    registration.former_trajectory = None
    registration.children.all().delete()
    registration.family_keys.all().delete()
    SecondCheck.objects.filter(registration=registration).update(motivation="", note="")
    # The letters and what the family objected to; dates and outcomes stay for the figures.
    Letter.objects.filter(registration=registration).update(reasons="", body="")
    Delivery.objects.filter(letter__registration=registration).update(to="", error="")
    Reconsideration.objects.filter(registration=registration).update(objection="", reasons="")
    Match.objects.filter(trajectory__registration=registration).update(end_note="", override_reason="")
    Reopening.objects.filter(trajectory__registration=registration).update(reason="")
    # The evaluation interview loses its link to the family and the open answer (free text may
    # name people); the coded answers stay as anonymous facts for the figures, like the rest.
    Interview.objects.filter(trajectory__registration=registration).update(trajectory=None, open_answer="")
    for field in (
        "family_label", "phone", "postcode", "house_number", "question", "preferred_language",
        "preferred_background", "preference_other", "contact_late_reason",
    ):
        setattr(registration, field, "")
    registration.destroyed_at = timezone.now()
    registration.save()
    AccessEvent.record(request, Action.DESTROY, registration, user=None if request else system_user())
    return registration


@dataclasses.dataclass
class Report:
    """What a run of the daily destruction did."""

    destroyed: list = dataclasses.field(default_factory=list)  # public ids of the files destroyed
    failed: dict = dataclasses.field(default_factory=dict)  # public id: why it could not be destroyed
    objects_left: dict = dataclasses.field(default_factory=dict)  # storage object: why it is still there

    def as_dict(self):
        return {"destroyed": [str(public_id) for public_id in self.destroyed],
                "failed": {str(public_id): error for public_id, error in self.failed.items()},
                "objects_left": self.objects_left}


def destroy_expired(today=None):
    """Destroy every file whose retention has passed, each in its own transaction (one that
    fails does not stop the others), then try again the storage objects still listed."""
    from basisjeugdhulp.plans import storing

    report = Report()
    for registration in due_for_destruction(today).only("pk", "public_id"):
        try:
            destroy(registration)
        except DatabaseError as error:
            report.failed[registration.public_id] = str(error).strip()
        else:
            report.destroyed.append(registration.public_id)
    report.objects_left = storing.retry_removals()
    return report


def due_for_destruction(today=None):
    """Files whose retention has passed (intake/retention.py: twenty years from the last change)."""
    return retention.due_for_destruction(today)
