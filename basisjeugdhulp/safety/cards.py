"""Keeping a safety card version and recording a handover, under the file's lock.

The same order of writes as the A3 plan (plans/storing.py, shared/SECURITY.md): a photo of the
hand-written card is normalised by the plan's pipeline (upright, every metadata slot removed,
scaled) and stored under random keys first; then, in one transaction under the file's lock
(intake/file_lock.py), the card's row and its access-log entry. Whatever fails after the objects
were stored removes them again; the daily `sweep_plan_photos` finds what slips through (the keys
share the plans' prefix and storing.orphans knows the cards).
"""

import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from basisjeugdhulp.intake import file_lock
from basisjeugdhulp.plans import pipeline, storing
from basisjeugdhulp.safety.models import CardShare, SafetyCard

logger = logging.getLogger(__name__)

PhotoRefused = pipeline.PhotoRefused
StorageUnavailable = storing.StorageUnavailable


@dataclass
class Made:
    card: SafetyCard
    again: bool = False  # the same form sent twice: the card its first send made


def lock(registration):
    """The file locked for a write to its card; a closed trajectory takes no new card version
    (FileChanged), as it takes no plan photo. Returns the aanmelding as it is now."""
    locked = file_lock.lock_file(registration)
    trajectory = getattr(locked, "trajectory", None)  # None for an aanmelding without one
    if trajectory is not None and trajectory.is_closed:
        raise file_lock.FileChanged(locked, trajectory)
    return locked


def _store(photo):
    """Normalise and store a photo of the hand-written card: (image key, thumbnail key)."""
    with storing._photo_slots:
        normalised = pipeline.normalise(photo.read(), storing.limits())
    stored = []
    try:
        for kind, data in (("card", normalised.image), ("cardthumb", normalised.thumbnail)):
            stored.append(default_storage.save(storing.new_key(kind), ContentFile(data)))
    except storing.STORAGE_ERRORS as error:
        logger.warning("Photo storage unavailable for a safety card: %s", error)
        storing.list_for_removal(stored)
        raise StorageUnavailable(str(error)) from error
    return stored


def make(registration, data, user, *, recorded, submission_id=None):
    """A new version of the card. Raises PhotoRefused, StorageUnavailable, FileChanged (closed
    meanwhile) or FileDestroyed; nothing is kept then. `recorded(card)` runs in the row's
    transaction: the access log's entry."""
    if submission_id is not None:
        earlier = SafetyCard.objects.filter(registration=registration, submission_id=submission_id).first()
        if earlier is not None:
            return Made(earlier, again=True)
    stored = _store(data["photo"]) if data.get("photo") else []
    try:
        with transaction.atomic():
            locked = lock(registration)
            if submission_id is not None:  # looked again under the lock: two sends at once
                earlier = SafetyCard.objects.filter(registration=locked, submission_id=submission_id).first()
                if earlier is not None:
                    storing.remove_objects(stored)
                    return Made(earlier, again=True)
            card = SafetyCard.objects.create(
                registration=locked,
                **{name: data[name] for name in ("worries", "going_well", "tried", "next_steps",
                                                 "judgement", "judged_by", "judged_on")},
                image=stored[0] if stored else "", thumbnail=stored[1] if stored else "",
                made_by=user, submission_id=submission_id,
            )
            recorded(card)
            return Made(card)
    except BaseException:
        storing.remove_objects(stored)
        raise


def share(registration, card, data, user, *, recorded):
    """Record that the card goes to another organisation. Also after closing (the family is
    referred on then); never on a destroyed file (FileDestroyed)."""
    with transaction.atomic():
        locked = file_lock.lock_file(registration)
        handover = CardShare.objects.create(
            registration=locked, card=card, shared_by=user,
            **{name: data[name] for name in ("receiver", "organisation", "ground", "consent_from", "form")},
        )
        recorded(handover)
        return handover
