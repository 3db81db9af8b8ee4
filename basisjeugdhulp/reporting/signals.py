"""Mark the months a change touches, so the dashboard counts them again before showing them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from basisjeugdhulp.intake.models import ClosureDay, Registration, SecondCheck
from basisjeugdhulp.reporting import monthly
from basisjeugdhulp.reporting.models import FigureMonth
from basisjeugdhulp.trajectories.models import Trajectory
from matching.models import Match


def _date(moment):
    return timezone.localdate(moment) if moment else None


@receiver([post_save, post_delete], sender=Registration)
def registration_changed(sender, instance, **kwargs):
    monthly.mark_dirty(instance.received_on, instance.triaged_on, instance.contact_due, instance.contacted_on)


@receiver([post_save, post_delete], sender=Trajectory)
def trajectory_changed(sender, instance, **kwargs):
    # Hours of help fall in every month the trajectory ran.
    days = [instance.first_matched_on, instance.started_on, instance.ended_on]
    if instance.started_on:
        days += list(monthly.months_between(instance.started_on, instance.ended_on or timezone.localdate()))
    monthly.mark_dirty(*days)


@receiver([post_save, post_delete], sender=SecondCheck)
def second_check_changed(sender, instance, **kwargs):
    monthly.mark_dirty(_date(instance.proposed_at))


@receiver([post_save, post_delete], sender=Match)
def match_changed(sender, instance, **kwargs):
    monthly.mark_dirty(_date(instance.assigned_at), _date(instance.ended_at))


@receiver([post_save, post_delete], sender=ClosureDay)
def closure_days_changed(sender, instance, **kwargs):
    # Deadlines from this day on may have moved.
    FigureMonth.objects.filter(month__gte=monthly.first_of(instance.date)).update(dirty=True)
