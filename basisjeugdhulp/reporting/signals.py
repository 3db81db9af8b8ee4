"""Mark the months a saved or deleted record touches, before and after the change
(freshness.py), so the dashboard counts them again before showing them."""

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from basisjeugdhulp.intake.models import ClosureDay, Registration, SecondCheck
from basisjeugdhulp.letters.models import Reconsideration
from basisjeugdhulp.reporting import freshness, monthly
from basisjeugdhulp.trajectories.models import Trajectory
from matching.models import Match

@receiver(pre_save, sender=Registration)
@receiver(pre_save, sender=Trajectory)
@receiver(pre_save, sender=SecondCheck)
@receiver(pre_save, sender=Match)
@receiver(pre_save, sender=Reconsideration)
def remember_stored_values(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None:
        return
    watch = freshness.watch_for(sender)
    instance._figure_values = freshness.stored_values(sender, [instance.pk], watch).get(instance.pk)


@receiver(post_save, sender=Registration)
@receiver(post_save, sender=Trajectory)
@receiver(post_save, sender=SecondCheck)
@receiver(post_save, sender=Match)
@receiver(post_save, sender=Reconsideration)
def saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    watch = freshness.watch_for(sender)
    before = getattr(instance, "_figure_values", None)
    instance._figure_values = None
    freshness.mark(freshness.changed_months(
        watch, {instance.pk: before} if before else {}, {instance.pk: freshness.values_of(instance, watch)}
    ))


@receiver(pre_delete, sender=Registration)
@receiver(pre_delete, sender=Trajectory)
@receiver(pre_delete, sender=SecondCheck)
@receiver(pre_delete, sender=Match)
@receiver(pre_delete, sender=Reconsideration)
def deleting(sender, instance, **kwargs):
    # Before the delete: what depends on the record (a returning family's former trajectory)
    # is still linked to it.
    watch = freshness.watch_for(sender)
    freshness.mark(freshness.changed_months(watch, {instance.pk: freshness.values_of(instance, watch)}, {}))


@receiver([post_save, post_delete], sender=ClosureDay)
def closure_days_changed(sender, instance, **kwargs):
    # Deadlines from this day on may have moved.
    monthly.mark_from(instance.date)


def safety_card_changed(sender, instance, **kwargs):
    """A safety card or its handover counts in the month its trajectory closed (monthly.py)."""
    from basisjeugdhulp.trajectories.models import Trajectory

    ended = Trajectory.objects.filter(registration_id=instance.registration_id).values_list("ended_on", flat=True).first()
    if ended:
        monthly.mark_changed([ended])


def connect_safety():
    from basisjeugdhulp.safety.models import CardShare, SafetyCard

    for model in (SafetyCard, CardShare):
        post_save.connect(safety_card_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
        post_delete.connect(safety_card_changed, sender=model, dispatch_uid=f"figures-delete-{model.__name__}")


connect_safety()
