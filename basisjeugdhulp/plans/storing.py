"""Keeping plan photos: normalise, store the objects, then the row — never a half state.

Order of writes (shared/SECURITY.md): the objects first, under fresh random keys; then the
database row. If storage fails, what was stored of this photo is removed and nothing is
written. If the row cannot be written, its objects are removed. Whatever slips through both
(a process killed in between) is found by `manage.py sweep_plan_photos`.
"""

import logging
import os
import secrets
import threading
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from basisjeugdhulp.plans import pipeline
from basisjeugdhulp.plans.models import PlanPhoto

logger = logging.getLogger(__name__)

PREFIX = "plans/"
# What a failing storage raises: botocore's own errors for S3, OSError for a disk or a socket.
STORAGE_ERRORS = (BotoCoreError, ClientError, OSError)


# Decoding a 12 MP photo takes ~100 MB for a fraction of a second (bench/photo.py): at most one
# per core at a time in a process, so a burst of uploads cannot exhaust memory.
_photo_slots = threading.BoundedSemaphore(os.cpu_count() or 2)


class StorageUnavailable(Exception):
    """The photo storage could not be reached or refused the write; nothing was kept."""


@dataclass(frozen=True)
class Refusal:
    filename: str
    reason: str  # "too_large" or one of pipeline.PhotoRefused.REASONS


def limits():
    return pipeline.Limits(
        max_pixels=settings.PLAN_PHOTO_MAX_PIXELS,
        long_side=settings.PLAN_PHOTO_LONG_SIDE,
        thumbnail_side=settings.PLAN_PHOTO_THUMBNAIL_SIDE,
        quality=settings.PLAN_PHOTO_QUALITY,
    )


def new_key(kind):
    """A random object name: nothing in it points to the family, the date or the professional."""
    return f"{PREFIX}{secrets.token_hex(16)}-{kind}.jpg"


def remove_objects(names):
    """Best effort: an object that cannot be removed now is left to the sweep."""
    for name in names:
        try:
            default_storage.delete(name)
        except STORAGE_ERRORS:
            logger.warning("Could not remove %s; the sweep will", name, exc_info=True)


def keep(trajectory, normalised, user, *, kept=None):
    """Store one normalised photo and its row. Raises StorageUnavailable when storage fails.

    `kept(photo)` runs in the row's transaction: the access log's entry for the upload."""
    stored = []
    try:
        for kind, data in (("photo", normalised.image), ("thumb", normalised.thumbnail)):
            stored.append(default_storage.save(new_key(kind), ContentFile(data)))
    except STORAGE_ERRORS as error:
        logger.warning("Photo storage unavailable: %s", error)
        remove_objects(stored)
        raise StorageUnavailable(str(error)) from error
    try:
        with transaction.atomic():
            photo = PlanPhoto.objects.create(
                trajectory=trajectory,
                image=stored[0],
                thumbnail=stored[1],
                width=normalised.width,
                height=normalised.height,
                size=len(normalised.image),
                uploaded_by=user,
            )
            if kept is not None:
                kept(photo)
            return photo
    except BaseException:
        remove_objects(stored)
        raise


@dataclass
class Outcome:
    kept: list
    refused: list
    storage_failed: bool = False


def keep_uploads(trajectory, uploads, user, *, kept=None):
    """Normalise and keep each uploaded file.

    A refused file does not stop the others. A storage failure stops the batch: the photos
    kept before it stay (each of them is whole), the rest is not kept and can be sent again.
    """
    outcome = Outcome(kept=[], refused=[])
    for upload in uploads:
        if upload.size > settings.PLAN_PHOTO_MAX_BYTES:
            outcome.refused.append(Refusal(upload.name, "too_large"))
            continue
        try:
            with _photo_slots:
                normalised = pipeline.normalise(upload.read(), limits())
        except pipeline.PhotoRefused as refusal:
            logger.info("Refused plan photo %r: %s", upload.name, refusal)
            outcome.refused.append(Refusal(upload.name, refusal.reason))
            continue
        try:
            outcome.kept.append(keep(trajectory, normalised, user, kept=kept))
        except StorageUnavailable:
            outcome.storage_failed = True
            break
    return outcome


def orphans(older_than):
    """Object names under plans/ that no row points to and that are older than `older_than`."""
    try:
        _folders, names = default_storage.listdir(PREFIX)
    except FileNotFoundError:  # a disk storage where no photo was ever kept
        return []
    candidates = {PREFIX + name for name in names}
    if not candidates:
        return []
    referenced = set(PlanPhoto.objects.filter(image__in=candidates).values_list("image", flat=True))
    referenced |= set(
        PlanPhoto.objects.filter(thumbnail__in=candidates).values_list("thumbnail", flat=True)
    )
    return sorted(
        name
        for name in candidates - referenced
        if default_storage.get_modified_time(name) < older_than
    )
