"""Monthly facts: the register counted once per month, so the dashboard sums a few thousand
pre-counted rows instead of a million trajectories (bench/report.py).

- `facts_for(month, today)` counts one month from the register, with the same definitions as
  the figures (grouped SQL aggregates, one query per measure);
- `ensure(first, last, today)` makes sure every month of a period is built and current: a
  month never built, marked dirty by a change (signals.py), or — for the running month —
  built on an earlier day, is counted again;
- `manage.py rebuild_figures` counts every month again (run nightly: it also picks up
  changes that bypass the signals, such as bulk updates).
"""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, F, FloatField, Q, Sum
from django.db.models.functions import Cast, Greatest, Least
from django.utils import timezone

from basisjeugdhulp.intake.models import Registration, SecondCheck
from basisjeugdhulp.reporting.models import FigureMonth, MonthFigure
from basisjeugdhulp.reporting.periods import month_end
from basisjeugdhulp.trajectories.models import Trajectory
from matching.models import Match

RUNNING_MONTH_REFRESH = timedelta(minutes=10)


def first_of(day):
    return date(day.year, day.month, 1)


def months_between(first, last):
    month = first_of(first)
    while month <= last:
        yield month
        month = month_end(month.year, month.month) + timedelta(days=1)


def _rows(queryset, measure, month, *, team="team_id", product="product", key=None, n=None, amount=None, amount2=None):
    """Group `queryset` by team, product (and key) and make one fact per group."""
    fields = {"team_id_": F(team), "product_": F(product)}
    if key:
        fields["key_"] = F(key)
    sums = {"n_": n or Count("pk")}
    if amount is not None:
        sums["a_"] = amount
    if amount2 is not None:
        sums["b_"] = amount2
    for row in queryset.values(**fields).annotate(**sums).order_by():
        key_value = row.get("key_")
        yield MonthFigure(
            month=month, team_id=row["team_id_"], product=row["product_"] or "", measure=measure,
            key="" if key_value is None else str(key_value), n=row["n_"],
            amount=float(row.get("a_") or 0), amount2=float(row.get("b_") or 0),
        )


def facts_for(month, today):
    """Every fact of one month, counted from the register."""
    from basisjeugdhulp.reporting.figures import DayNumber, day_number

    first, last = month, month_end(month.year, month.month)
    within = {"gte": first, "lte": last}

    def period(field):
        return Q(**{f"{field}__{op}": day for op, day in within.items()})

    registrations = Registration.objects.all()
    facts = []
    facts += _rows(registrations.filter(period("received_on")), "received", month, key="channel")
    facts += _rows(registrations.filter(period("received_on"), former_trajectory__isnull=False), "returning", month)
    facts += _rows(registrations.filter(period("triaged_on")), "triaged", month, key="route")
    due = registrations.filter(period("contact_due"), contact_due__lte=today)
    facts += _rows(due, "due", month)
    facts += _rows(due.filter(contacted_on__isnull=False, contacted_on__lte=F("contact_due")), "on_time", month)
    facts += _rows(
        registrations.filter(period("contacted_on"), contact_working_days__isnull=False),
        "contact_days", month, key="contact_working_days",
    )
    trajectories = Trajectory.objects.all()
    team = "registration__team_id"
    facts += _rows(trajectories.filter(period("started_on")), "started", month, team=team)
    facts += _rows(trajectories.filter(period("first_matched_on")), "matched", month, team=team)
    facts += _rows(
        trajectories.filter(period("ended_on")), "ended", month, team=team, key="end_reason",
        n=Count("pk"),
        amount=Sum("hours_per_week", output_field=FloatField()),
        amount2=Sum(Cast(DayNumber("ended_on") - DayNumber("started_on"), FloatField())),
    )
    # Hours of help inside this month, up to today: known hours per week where the trajectory
    # is closed (amount, hour-days), open days where it still runs (amount2, days).
    upto = min(last, today)
    if first <= upto:
        overlap = Greatest(
            Least(DayNumber("ended_on"), day_number(upto)) - Greatest(DayNumber("started_on"), day_number(first)) + 1, 0
        )
        running = Greatest(day_number(upto) - Greatest(DayNumber("started_on"), day_number(first)) + 1, 0)
        facts += _rows(
            trajectories.filter(started_on__lte=upto).filter(Q(ended_on=None) | Q(ended_on__gte=first)),
            "help", month, team=team, n=Count("pk"),
            amount=Sum(Cast("hours_per_week", FloatField()) * overlap, filter=Q(ended_on__isnull=False), output_field=FloatField()),
            amount2=Sum(running, filter=Q(ended_on=None), output_field=FloatField()),
        )
    checks = SecondCheck.objects.filter(proposed_at__date__gte=first, proposed_at__date__lte=last)
    reg_team, reg_product = "registration__team_id", "registration__product"
    facts += _rows(checks, "proposed", month, team=reg_team, product=reg_product)
    facts += _rows(checks.filter(approved=True), "approved", month, team=reg_team, product=reg_product)
    facts += _rows(checks.filter(approved=False), "rejected", month, team=reg_team, product=reg_product)
    rematches = Match.objects.rematches().filter(ended_at__date__gte=first, ended_at__date__lte=last)
    facts += _rows(rematches, "rematched", month, team="trajectory__registration__team_id", product="trajectory__product")
    return facts


@transaction.atomic
def build(month, today):
    MonthFigure.objects.filter(month=month).delete()
    MonthFigure.objects.bulk_create(facts_for(month, today), batch_size=2000)
    FigureMonth.objects.update_or_create(
        month=month, defaults={"built_on": today, "built_at": timezone.now(), "dirty": False}
    )


def ensure(first, last, today):
    """Build the months of [first, last] that are missing, dirty, or the running month of an
    earlier day. Returns how many months were counted.

    The running month changes with every aanmelding, so it is counted again at most every
    RUNNING_MONTH_REFRESH: at country scale counting it costs up to a second (bench/load.py), and
    a dashboard that counted it on every view after every aanmelding held up everyone's pages.
    A corrected earlier month is counted again on the next view."""
    wanted = [m for m in months_between(first, min(last, today))]
    if not wanted:
        return 0
    current = first_of(today)
    state = {row.month: row for row in FigureMonth.objects.filter(month__in=wanted)}
    refreshed_since = timezone.now() - RUNNING_MONTH_REFRESH

    def is_stale(month):
        row = state.get(month)
        if row is None:
            return True
        if month != current:
            return row.dirty
        if row.built_on < today:
            return True
        return row.dirty and (row.built_at is None or row.built_at < refreshed_since)

    stale = [m for m in wanted if is_stale(m)]
    for month in stale:
        build(month, today)
    return len(stale)


def mark_dirty(*days):
    """The months of these dates must be counted again before they are shown."""
    months = {first_of(day) for day in days if day}
    if not months:
        return
    FigureMonth.objects.filter(month__in=months).update(dirty=True)


def rebuild_all(today):
    first = (
        Registration.objects.order_by("received_on").values_list("received_on", flat=True).first()
    )
    FigureMonth.objects.all().delete()
    MonthFigure.objects.all().delete()
    if first is None:
        return 0
    return ensure(first, today, today)
