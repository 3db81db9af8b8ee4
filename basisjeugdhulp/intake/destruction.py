"""Destroying a family's file: on the family's request (Jeugdwet art. 7.3.9) or when its
retention period has passed (art. 7.3.8: twenty years from the last change, retention.py).

What goes: every personal detail — the family's label, contact details, address, the children,
the question in their own words, preferences, notes, the keys that recognise a returning family,
and every photo of the plan, in the database and in storage.
What stays: the anonymous facts the municipal figures rest on — dates, team, channel, route,
product, on-time contact, end reason and hours per week — so the figures of past periods do not
change. The access log keeps who looked at the file, and that it was destroyed, by whom.
"""

from django.db import transaction
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
    from basisjeugdhulp.plans import storing
    from basisjeugdhulp.plans.models import PlanPhoto
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
    transaction.on_commit(lambda: storing.remove_objects(keys))
    registration.children.all().delete()
    registration.family_keys.all().delete()
    SecondCheck.objects.filter(registration=registration).update(motivation="", note="")
    Match.objects.filter(trajectory__registration=registration).update(end_note="", override_reason="")
    for field in (
        "family_label", "phone", "postcode", "house_number", "question", "preferred_language",
        "preferred_background", "preference_other", "contact_late_reason",
    ):
        setattr(registration, field, "")
    registration.destroyed_at = timezone.now()
    registration.save()
    AccessEvent.record(request, Action.DESTROY, registration, user=None if request else system_user())
    return registration


def destroy_expired(today=None):
    """Destroy every file whose retention has passed. Returns how many."""
    count = 0
    for registration in due_for_destruction(today).only("pk"):
        destroy(registration)
        count += 1
    return count


def due_for_destruction(today=None):
    """Files whose retention has passed (intake/retention.py: twenty years from the last change)."""
    return retention.due_for_destruction(today)
