"""Keeping plan photos: normalise, store the objects, then the row — never a half state.

Order of writes (shared/SECURITY.md): the objects first, under fresh random keys; then, in one
transaction under the file's lock (intake/file_lock.py), the photo's row and its access-log
entry. If storage fails, nothing is written and what was stored of this photo is listed for
removal (not removed now: the user does not wait on a failing storage twice). If the row or the
log entry cannot be written, or the file was closed or destroyed meanwhile, the transaction
rolls back and the objects are removed. Whatever slips through (a process killed in between) is
found by `manage.py sweep_plan_photos`.

Removing means every version and delete marker of the object, so a bucket with versioning
keeps nothing; what storage refuses stays listed (intake.PendingRemoval) and is tried again by
the daily commands (docs/configuration.md, Object versioning).

An upload sent twice (a double tap, a network retry, both at once) carries the same one-time
id (basisjeugdhulp/submissions.py): under the file's lock the second finds the version the
first made, removes its own objects and keeps nothing.
"""

import logging
import os
import secrets
import threading
from dataclasses import dataclass, field

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction

from basisjeugdhulp.intake import file_lock
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


class AlreadyKept(Exception):
    """This photo of this upload was kept before (the same upload sent again)."""

    def __init__(self, photo):
        super().__init__(photo.pk)
        self.photo = photo


@dataclass(frozen=True)
class Submission:
    """Which photo of which upload: the form's one-time id and the photo's place in it."""

    id: object
    position: int

    def earlier(self, trajectory):
        if self.id is None:
            return None
        return PlanPhoto.objects.filter(
            trajectory=trajectory, submission_id=self.id, submission_position=self.position
        ).first()


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


def _s3(storage):
    """The boto3 client and bucket of an S3 storage; None for a disk."""
    client = getattr(getattr(getattr(storage, "connection", None), "meta", None), "client", None)
    return (client, storage.bucket_name) if client is not None and hasattr(storage, "bucket_name") else None


def _key(storage, name):
    from storages.utils import clean_name

    return storage._normalize_name(clean_name(name))


def _every_version(client, bucket, prefix):
    """{key: [(version id, last modified)]} of every version and delete marker under `prefix`.
    A bucket without versioning answers one version per object, id "null"."""
    found = {}
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=prefix):
        for entry in [*page.get("Versions", ()), *page.get("DeleteMarkers", ())]:
            found.setdefault(entry["Key"], []).append((entry["VersionId"], entry["LastModified"]))
    return found


REMOVAL_PASSES = 3


def remove_objects(names):
    """Remove the objects, every version and delete marker of them on a bucket with versioning
    (a plain delete there only hides the photo behind a marker). Returns {name: error} of what
    could not be removed; the caller lists it for a later try (remove_after_commit)."""
    failed = {}
    s3 = _s3(default_storage)
    for name in names:
        try:
            if s3 is None:
                default_storage.delete(name)
                continue
            client, bucket = s3
            key = _key(default_storage, name)
            # Listed again after each delete: a version written a moment before may show up only
            # on the next listing, and a store may answer a versioned delete with a new marker.
            for _pass in range(REMOVAL_PASSES):
                versions = _every_version(client, bucket, key).get(key, [])
                if not versions:
                    break
                answer = client.delete_objects(Bucket=bucket, Delete={
                    "Objects": [{"Key": key, "VersionId": version} for version, _when in versions], "Quiet": True,
                })
                if answer.get("Errors"):
                    failed[name] = "; ".join(f"{error['Code']}: {error.get('Message', '')}" for error in answer["Errors"])
                    break
            else:
                if _every_version(client, bucket, key).get(key):
                    failed[name] = "versions left after %d passes" % REMOVAL_PASSES
        except STORAGE_ERRORS as error:
            failed[name] = str(error)
    for name, error in failed.items():
        logger.warning("Could not remove %s (%s); listed for another try", name, error)
    return failed


def list_for_removal(names):
    """List objects to be removed by the next retry_removals (no storage call now)."""
    from basisjeugdhulp.intake.models import PendingRemoval

    PendingRemoval.objects.bulk_create([PendingRemoval(name=name) for name in names], ignore_conflicts=True)


def remove_after_commit(names):
    """In the transaction that removes the rows: list the objects as to be removed, and remove
    them once it commits. What storage refuses stays listed (intake.PendingRemoval) and is tried
    again by retry_removals (the daily destroy_expired_files and sweep_plan_photos)."""
    names = list(names)
    if not names:
        return
    list_for_removal(names)
    transaction.on_commit(lambda: retry_removals(names))


def retry_removals(names=None):
    """Try to remove the listed objects (all of them, or `names`). Returns {name: error} of what
    is still there."""
    from django.db.models import F

    from basisjeugdhulp.intake.models import PendingRemoval

    pending = PendingRemoval.objects.all()
    if names is not None:
        pending = pending.filter(name__in=names)
    names = list(pending.values_list("name", flat=True))
    failed = remove_objects(names)
    PendingRemoval.objects.filter(name__in=set(names) - set(failed)).delete()
    for name, error in failed.items():
        PendingRemoval.objects.filter(name=name).update(attempts=F("attempts") + 1, last_error=error[:300])
    return failed


def keep(trajectory, normalised, user, *, kept=None, submission=None):
    """Store one normalised photo and its row. Raises StorageUnavailable when storage fails,
    AlreadyKept when this photo of this upload was kept before, FileChanged when the trajectory
    was closed and FileDestroyed when the file was destroyed meanwhile (nothing kept then).

    `kept(photo)` runs in the row's transaction: the access log's entry for the upload."""
    submission = submission or Submission(None, None)
    stored = []
    try:
        for kind, data in (("photo", normalised.image), ("thumb", normalised.thumbnail)):
            stored.append(default_storage.save(new_key(kind), ContentFile(data)))
    except STORAGE_ERRORS as error:
        logger.warning("Photo storage unavailable: %s", error)
        # Not another wait on a storage that just failed (the user's 10 s budget): what was
        # stored of this photo (the photo, when the thumbnail failed) is listed for the daily run.
        list_for_removal(stored)
        raise StorageUnavailable(str(error)) from error
    try:
        with transaction.atomic():
            file_lock.lock_trajectory(trajectory)
            earlier = submission.earlier(trajectory)
            if earlier is not None:
                logger.info(
                    "Photo %s of upload %s was kept before: found under the file's lock",
                    submission.position, submission.id,
                )
                raise AlreadyKept(earlier)
            photo = PlanPhoto.objects.create(
                trajectory=trajectory,
                image=stored[0],
                thumbnail=stored[1],
                width=normalised.width,
                height=normalised.height,
                size=len(normalised.image),
                uploaded_by=user,
                submission_id=submission.id,
                submission_position=submission.position,
            )
            if kept is not None:
                kept(photo)
            return photo
    except BaseException:
        # Not kept: its objects go now. What storage refuses is listed for the daily retry when
        # the database lets us (it may be what just failed); else sweep_plan_photos finds it.
        failed = remove_objects(stored)
        if failed:
            try:
                list_for_removal(failed)
            except DatabaseError:
                logger.warning("Could not list %s for removal; the sweep will find them", sorted(failed))
        raise


@dataclass
class Outcome:
    kept: list
    refused: list
    already: list = field(default_factory=list)  # kept by an earlier send of the same upload
    storage_failed: bool = False
    saving_failed: bool = False  # the row or its access-log entry could not be written
    closed: bool = False  # the trajectory was closed meanwhile


def keep_uploads(trajectory, uploads, user, *, kept=None, submission_id=None):
    """Normalise and keep each uploaded file.

    A refused file does not stop the others. A storage or database failure, or the trajectory
    closed meanwhile, stops the batch: the photos kept before it stay (each of them is whole),
    the rest is not kept and can be sent again. A file destroyed meanwhile raises FileDestroyed.
    """
    outcome = Outcome(kept=[], refused=[])
    for position, upload in enumerate(uploads):
        submission = Submission(submission_id, position)
        earlier = submission.earlier(trajectory)
        if earlier is not None:  # sent before: skip the work, the lock checks again below
            outcome.already.append(earlier)
            continue
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
            outcome.kept.append(keep(trajectory, normalised, user, kept=kept, submission=submission))
        except AlreadyKept as again:
            outcome.already.append(again.photo)
        except StorageUnavailable:
            outcome.storage_failed = True
            break
        except file_lock.FileChanged:
            outcome.closed = True
            break
        except DatabaseError:
            # E.g. the access log refused the entry: the row went with it (one transaction).
            logger.exception("Could not save a plan photo; nothing of it was kept")
            outcome.saving_failed = True
            break
    return outcome


def orphans(older_than):
    """Object names under plans/ that no row points to and that are older than `older_than`.
    On S3 every key with a version or delete marker counts: an object deleted on a bucket with
    versioning is hidden, not gone, and its old versions are orphans too."""
    s3 = _s3(default_storage)
    if s3 is not None:
        versions = _every_version(*s3, PREFIX)
        return _unreferenced(
            {name for name, found in versions.items() if max(when for _v, when in found) < older_than}
        )
    try:
        _folders, names = default_storage.listdir(PREFIX)
    except FileNotFoundError:  # a disk storage where no photo was ever kept
        return []
    return [name for name in _unreferenced({PREFIX + name for name in names})
            if default_storage.get_modified_time(name) < older_than]


def _unreferenced(candidates):
    if not candidates:
        return []
    from basisjeugdhulp.safety.models import SafetyCard

    referenced = set()
    # A photographed safety card is kept the plan's way, under the same prefix (safety/cards.py).
    for model in (PlanPhoto, SafetyCard):
        referenced |= set(model.objects.filter(image__in=candidates).values_list("image", flat=True))
        referenced |= set(model.objects.filter(thumbnail__in=candidates).values_list("thumbnail", flat=True))
    return sorted(candidates - referenced)
