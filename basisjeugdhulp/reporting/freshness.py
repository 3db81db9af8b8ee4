"""Which months of the municipal figures a change to the register touches.

Every record the figures count (an aanmelding, a trajectory, a second check, a match, a request
for reconsideration) says
which months it falls in; a change marks the months of the record *before and after* it
(a date moved out of a month changes that month too), and what depends on it through a key
the facts group by (a family's team or product). Every way the ORM changes these records goes
through here: save and delete (signals.py), and QuerySet.update, bulk_create and bulk_update
(CountedQuerySet, the querysets of those models). Raw SQL is caught by the nightly
`manage.py rebuild_figures`.
"""

from django.db import models, transaction
from django.utils import timezone


def _local_date(moment):
    return timezone.localdate(moment) if moment else None


def _span(start, end):
    """The months a trajectory gives help in (its hours count in each)."""
    from basisjeugdhulp.reporting.monthly import months_between

    if not start:
        return []
    return list(months_between(start, end or timezone.localdate()))


class Watch:
    """How one model's records fall in months."""

    fields = ()  # what the months are read from
    grouping = ()  # fields whose change moves the records that depend on this one

    def months(self, values):
        raise NotImplementedError

    def dependants(self, pks):
        """Months of the records that are counted under this one's team or product."""
        return set()


class RegistrationWatch(Watch):
    fields = ("received_on", "triaged_on", "contact_due", "contacted_on", "team_id", "product", "figure_key")
    grouping = ("team_id", "product", "figure_key")

    def months(self, values):
        return [values["received_on"], values["triaged_on"], values["contact_due"], values["contacted_on"]]

    def dependants(self, pks):
        from basisjeugdhulp.intake.models import SecondCheck
        from basisjeugdhulp.trajectories.models import Trajectory
        from matching.models import Match

        days = set()
        for values in Trajectory.objects.filter(registration_id__in=pks).values(*TrajectoryWatch.fields):
            days.update(TrajectoryWatch().months(values))
        for moment in SecondCheck.objects.filter(registration_id__in=pks).values_list("proposed_at", flat=True):
            days.add(_local_date(moment))
        for moment in Match.objects.filter(trajectory__registration_id__in=pks).values_list("ended_at", flat=True):
            days.add(_local_date(moment))
        from basisjeugdhulp.letters.models import Reconsideration

        for received, decided in Reconsideration.objects.filter(registration_id__in=pks).values_list(
            "received_on", "decided_on"
        ):
            days.update((received, decided))
        return days


class TrajectoryWatch(Watch):
    fields = ("first_matched_on", "started_on", "ended_on", "product", "registration_id")
    grouping = ("product", "registration_id")

    def months(self, values):
        return [values["first_matched_on"], values["started_on"], values["ended_on"],
                *_span(values["started_on"], values["ended_on"])]

    def dependants(self, pks):
        from basisjeugdhulp.intake.models import Registration
        from matching.models import Match

        days = {_local_date(m) for m in Match.objects.filter(trajectory_id__in=pks).values_list("ended_at", flat=True)}
        # A returning family's link (shown, not counted: Registration.returning is) goes with it.
        days.update(Registration.objects.filter(former_trajectory_id__in=pks).values_list("received_on", flat=True))
        return days


class SecondCheckWatch(Watch):
    fields = ("proposed_at",)

    def months(self, values):
        return [_local_date(values["proposed_at"])]


class ReconsiderationWatch(Watch):
    """A request for reconsideration counts in the month it came in and the month it was decided."""

    fields = ("received_on", "decided_on")

    def months(self, values):
        return [values["received_on"], values["decided_on"]]


class MatchWatch(Watch):
    fields = ("ended_at",)

    def months(self, values):
        return [_local_date(values["ended_at"])]


def watch_for(model):
    from basisjeugdhulp.intake.models import Registration, SecondCheck
    from basisjeugdhulp.letters.models import Reconsideration
    from basisjeugdhulp.trajectories.models import Trajectory
    from matching.models import Match

    return {Registration: RegistrationWatch, Trajectory: TrajectoryWatch, SecondCheck: SecondCheckWatch,
            Match: MatchWatch, Reconsideration: ReconsiderationWatch}.get(model._meta.concrete_model, lambda: None)()


def values_of(instance, watch):
    return {name: getattr(instance, name) for name in watch.fields}


def stored_values(model, pks, watch):
    """{pk: values} as the database holds them now."""
    return {row["pk"]: row for row in model._base_manager.filter(pk__in=pks).values("pk", *watch.fields)}


def changed_months(watch, before, after, *, follow=True):
    """The months to count again when records went from `before` to `after` ({pk: values}),
    and (`follow`) the months of the records that depend on the ones that moved."""
    days = set()
    moved = []
    for pk in before.keys() | after.keys():
        old, new = before.get(pk), after.get(pk)
        for values in (old, new):
            if values:
                days.update(watch.months(values))
        if old is None or new is None or any(old[f] != new[f] for f in watch.grouping):
            moved.append(pk)
    if follow and moved and watch.grouping:
        days |= watch.dependants(moved)
    return days


def mark(days):
    from basisjeugdhulp.reporting import monthly

    monthly.mark_changed(day for day in days if day)


def file_changed(model, pks):
    """A bulk change is a change to the families' files too (their retention, intake/retention.py)."""
    from basisjeugdhulp.intake import retention

    retention.touch(retention.file_ids(model, pks=list(pks)))


class CountedQuerySet(models.QuerySet):
    """A QuerySet whose bulk changes keep the municipal figures current and stamp the files'
    last change, as save() does."""

    def update(self, **kwargs):
        watch = watch_for(self.model)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            before = stored_values(self.model, pks, watch)
            changed = super().update(**kwargs)
            mark(changed_months(watch, before, stored_values(self.model, pks, watch)))
            if "last_changed_at" not in kwargs:  # a correction of the stamp itself stays
                file_changed(self.model, pks)
        return changed

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        watch = watch_for(self.model)
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            # New records have nothing depending on them yet.
            mark(changed_months(watch, {}, {id(obj): values_of(obj, watch) for obj in created}, follow=False))
            file_changed(self.model, [obj.pk for obj in created if obj.pk is not None])
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        watch = watch_for(self.model)
        objs = list(objs)
        with transaction.atomic(using=self.db):
            pks = [obj.pk for obj in objs]
            before = stored_values(self.model, pks, watch)
            changed = super().bulk_update(objs, fields, *args, **kwargs)
            mark(changed_months(watch, before, stored_values(self.model, pks, watch)))
            file_changed(self.model, pks)
        return changed
