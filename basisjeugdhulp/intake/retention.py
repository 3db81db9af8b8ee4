"""How long a family's file is kept: twenty years from its last change (Jeugdwet art. 7.3.8).

Art. 7.3.8 lid 3 (the text in force in 2025): the file is kept twenty years "te rekenen vanaf
het tijdstip waarop de laatste wijziging in het dossier heeft plaatsgevonden", or longer when
that follows from the care of a good youth-care provider. Not from closing, not from receipt: a
trajectory never closed, or a family routed but never contacted, still has a last change.

Every write to a part of the file — the aanmelding, its children and family keys, the second
check, the trajectory, a match, a plan photo, a reopening, a letter, its delivery, a reconsideration, a
safety card or its handover — sets `Registration.last_changed_at` in the same
transaction: save and delete through the signals below, bulk changes of the counted records
through `CountedQuerySet` (reporting/freshness.py). Reads change nothing. The daily
`destroy_expired_files` destroys what has passed the period (intake/destruction.py).
"""

from datetime import date

from django.conf import settings
from django.db.models.signals import post_save, pre_delete
from django.utils import timezone


def file_ids(model, instances=None, pks=None):
    """The aanmeldingen whose file the given records are part of."""
    from basisjeugdhulp.intake.models import Child, FamilyKey, Registration, SecondCheck
    from basisjeugdhulp.letters.models import Delivery, Letter, Reconsideration
    from basisjeugdhulp.plans.models import PlanPhoto
    from basisjeugdhulp.safety.models import CardShare, SafetyCard
    from basisjeugdhulp.trajectories.models import Reopening, Trajectory
    from matching.models import Match

    path = {
        SafetyCard: "registration_id", CardShare: "registration_id",
        Registration: "pk", Child: "registration_id", FamilyKey: "registration_id",
        SecondCheck: "registration_id", Trajectory: "registration_id",
        Match: "trajectory__registration_id", PlanPhoto: "trajectory__registration_id",
        Reopening: "trajectory__registration_id",
        Letter: "registration_id", Reconsideration: "registration_id", Delivery: "letter__registration_id",
    }.get(model._meta.concrete_model)
    if path is None:
        return set()
    if instances is not None and "__" not in path:
        return {getattr(instance, path) for instance in instances} - {None}
    if pks is None:
        pks = [instance.pk for instance in instances]
    return set(model._base_manager.filter(pk__in=pks).values_list(path, flat=True)) - {None}


def touch(ids):
    """The files changed now (their last change, in the changing transaction)."""
    from basisjeugdhulp.intake.models import Registration

    if ids:
        Registration._base_manager.filter(pk__in=ids, destroyed_at=None).update(last_changed_at=timezone.now())


def changed(sender, instance, raw=False, **kwargs):
    if not raw:
        touch(file_ids(sender, [instance]))


def removing(sender, instance, **kwargs):
    # Before the delete: the row still links to its file.
    touch(file_ids(sender, pks=[instance.pk]))


def connect():
    from basisjeugdhulp.intake.models import Child, FamilyKey, SecondCheck
    from basisjeugdhulp.letters.models import Delivery, Letter, Reconsideration
    from basisjeugdhulp.plans.models import PlanPhoto
    from basisjeugdhulp.safety.models import CardShare, SafetyCard
    from basisjeugdhulp.trajectories.models import Reopening, Trajectory
    from matching.models import Match

    # The aanmelding stamps itself in Registration.save(): one write, not two.
    for model in (
        Child, FamilyKey, SecondCheck, Trajectory, Match, PlanPhoto, Reopening, Letter, Delivery, Reconsideration,
        SafetyCard, CardShare,
    ):
        post_save.connect(changed, sender=model, dispatch_uid=f"retention-{model.__name__}")
        pre_delete.connect(removing, sender=model, dispatch_uid=f"retention-delete-{model.__name__}")


def limit(today=None):
    """Files last changed before this moment have passed the retention period."""
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = date(today.year - years, 2, 28)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


def due_for_destruction(today=None):
    """Files whose retention has passed: last changed more than RETENTION_YEARS ago."""
    from basisjeugdhulp.intake.models import Registration

    return Registration.objects.filter(destroyed_at=None, last_changed_at__lt=limit(today))
