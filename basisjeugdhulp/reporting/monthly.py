"""Monthly facts: the register counted once per month, so the dashboard sums a few thousand
pre-counted rows instead of a million trajectories (bench/report.py).

- `facts_for(month, today)` counts one month from the register (grouped SQL aggregates, one
  query per measure): how many records, and the sum of their secret keys (disclosure.py);
- `ensure(first, last, today)` makes sure every month of a period is built and current before
  anything is shown: a month never built, changed since (a FigureChange, freshness.py), or
  counted before it ended, is counted again; the running month at most every
  RUNNING_MONTH_REFRESH, the documented delay;
- `manage.py rebuild_figures` counts every month again (run nightly: it also picks up
  changes made outside the ORM, such as raw SQL).
"""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, FloatField, Func, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, Greatest, Least
from django.utils import timezone

from basisjeugdhulp.intake.models import Registration, SecondCheck
from basisjeugdhulp.letters.models import Reconsideration
from basisjeugdhulp.reporting.models import FigureChange, FigureMonth, FigureVersion, MonthFigure
from basisjeugdhulp.reporting.periods import month_end
from basisjeugdhulp.trajectories.models import Reopening, Trajectory
from matching.models import Match


def running_month_refresh():
    """How long the running month's figures may lag behind the register (the documented delay):
    at country scale counting it costs up to a second (bench/load.py), and a dashboard that
    counted it on every view after every aanmelding held up everyone's pages."""
    return timedelta(seconds=settings.FIGURES_RUNNING_MONTH_DELAY)


class DayNumber(Func):
    """A date as a whole number of days, so spans are integer arithmetic on every database."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date - date is an integer
        return super().as_sql(compiler, connection, template="(%(expressions)s - DATE '1970-01-01')", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) - 2440587.5 AS INTEGER)", **extra
        )


def day_number(day):
    return (day - date(1970, 1, 1)).days


def first_of(day):
    return date(day.year, day.month, 1)


def months_between(first, last):
    month = first_of(first)
    while month <= last:
        yield month
        month = month_end(month.year, month.month) + timedelta(days=1)


def _rows(queryset, measure, month, *, record_key, team="team_id", product="product", key=None, amount=None, amount2=None):
    """Group `queryset` by team, product (and key) and make one fact per group: how many
    records, the sum of their keys, and the sums that go with them."""
    fields = {"team_id_": F(team), "product_": F(product)}
    if key:
        fields["key_"] = F(key)
    sums = {"n_": Count("pk"), "k_": Sum(record_key)}
    if amount is not None:
        sums["a_"] = amount
    if amount2 is not None:
        sums["b_"] = amount2
    for row in queryset.values(**fields).annotate(**sums).order_by():
        key_value = row.get("key_")
        yield MonthFigure(
            month=month, team_id=row["team_id_"], product=row["product_"] or "", measure=measure,
            key="" if key_value is None else str(key_value), n=row["n_"], keys=row["k_"] or 0,
            amount=float(row.get("a_") or 0), amount2=float(row.get("b_") or 0),
        )


def facts_for(month, today):
    """Every fact of one month, counted from the register."""
    first, last = month, month_end(month.year, month.month)

    def period(field):
        return Q(**{f"{field}__gte": first, f"{field}__lte": last})

    registrations = Registration.objects.all()
    own = {"record_key": "figure_key"}
    facts = []
    facts += _rows(registrations.filter(period("received_on")), "received", month, key="channel", **own)
    facts += _rows(registrations.filter(period("received_on"), returning=True), "returning", month, **own)
    facts += _rows(registrations.filter(period("triaged_on")), "triaged", month, key="route", **own)
    due = registrations.filter(period("contact_due"), contact_due__lte=today)
    facts += _rows(due, "due", month, **own)
    facts += _rows(due.filter(contacted_on__isnull=False, contacted_on__lte=F("contact_due")), "on_time", month, **own)
    facts += _rows(
        registrations.filter(period("contacted_on"), contact_working_days__isnull=False),
        "contact_days", month, key="contact_working_days", **own,
    )
    # A trajectory counts with its aanmelding's key; it is open from started_on, so only a
    # started one can end (active at the end = started - ended, over every month until then).
    trajectories = Trajectory.objects.all()
    via = {"team": "registration__team_id", "record_key": "registration__figure_key"}
    facts += _rows(trajectories.filter(period("started_on")), "started", month, **via)
    facts += _rows(trajectories.filter(period("first_matched_on")), "matched", month, **via)
    # Matched families for whom nobody in the team spoke their language (matching.Match).
    facts += _rows(
        trajectories.filter(period("first_matched_on")).filter(
            Exists(Match.objects.filter(trajectory=OuterRef("pk"), interpreter_needed=True))
        ),
        "interpreter", month, **via,
    )
    facts += _rows(
        trajectories.filter(period("ended_on"), started_on__isnull=False), "ended", month, key="end_reason",
        amount=Sum("hours_per_week", output_field=FloatField()),
        amount2=Sum(Cast(DayNumber("ended_on") - DayNumber("started_on"), FloatField())),
        **via,
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
            "help", month,
            amount=Sum(Cast("hours_per_week", FloatField()) * overlap, filter=Q(ended_on__isnull=False), output_field=FloatField()),
            amount2=Sum(running, filter=Q(ended_on=None), output_field=FloatField()),
            **via,
        )
    facts += _safety_facts(trajectories.filter(period("ended_on"), started_on__isnull=False), month, via)
    checks = SecondCheck.objects.filter(proposed_at__date__gte=first, proposed_at__date__lte=last)
    of_registration = {"team": "registration__team_id", "product": "registration__product",
                       "record_key": "registration__figure_key"}
    facts += _rows(checks, "proposed", month, **of_registration)
    facts += _rows(checks.filter(approved=True), "approved", month, **of_registration)
    facts += _rows(checks.filter(approved=False), "rejected", month, **of_registration)
    # A close undone (trajectories/models.py Reopening): counted as a reopen, the trajectory as
    # running on (its ended_on is empty again), never as a new one. The reopen changes the
    # trajectory, whose months (its span up to today) are counted again for it.
    reopenings = Reopening.objects.filter(reopened_at__date__gte=first, reopened_at__date__lte=last)
    facts += _rows(
        reopenings, "reopened", month, team="trajectory__registration__team_id", product="trajectory__product",
        record_key="trajectory__registration__figure_key",
    )
    # The family's requests for reconsideration (letters/): asked, and decided by outcome with
    # the days it took (amount).
    requests = Reconsideration.objects.all()
    facts += _rows(requests.filter(period("received_on")), "reconsidered", month, **of_registration)
    facts += _rows(
        requests.filter(period("decided_on")), "reconsider_done", month, key="outcome",
        amount=Sum(Cast("days_to_decide", FloatField())), **of_registration,
    )
    rematches = Match.objects.rematches().filter(ended_at__date__gte=first, ended_at__date__lte=last)
    facts += _rows(
        rematches, "rematched", month, team="trajectory__registration__team_id", product="trajectory__product",
        record_key="trajectory__registration__figure_key",
    )
    return facts


def _safety_facts(closed, month, via):
    """The safety card (issue 29) of trajectories closed this month: those with a card, with the
    sum of their first and of their last judgement (amount, amount2: averages at start and at
    close); those referred to specialist care whose card went with them (a handover recorded).
    A destroyed file keeps its judgements without a word of the card (intake/destruction.py)."""
    from basisjeugdhulp.safety.models import CardShare, SafetyCard

    cards = SafetyCard.objects.filter(registration=OuterRef("registration_id"))
    first_judgement = Subquery(cards.order_by("judged_on", "made_at", "pk").values("judgement")[:1])
    last_judgement = Subquery(cards.order_by("-judged_on", "-made_at", "-pk").values("judgement")[:1])
    carded = closed.filter(Exists(cards))
    yield from _rows(
        carded, "carded", month,
        amount=Sum(Cast(first_judgement, FloatField()), output_field=FloatField()),
        amount2=Sum(Cast(last_judgement, FloatField()), output_field=FloatField()),
        **via,
    )
    yield from _rows(
        closed.filter(end_reason="referred").filter(Exists(CardShare.objects.filter(registration=OuterRef("registration_id")))),
        "referred_card", month, **via,
    )


def _lock(month):
    """One build of a month at a time (PostgreSQL: an advisory lock for this transaction), so two
    dashboards counting the same month never leave its facts twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [1_907_001, month.toordinal()])


def _is_current(row, changed, month, today, now):
    if row is None:
        return False
    if month == first_of(today):
        # The running month: counted again each day, and after a change at most every
        # running_month_refresh() (the documented delay).
        if row.built_on < today:
            return False
        return not changed or (row.built_at is not None and row.built_at > now - running_month_refresh())
    # A month counted before it ended (deadlines then still to come) is counted again.
    return not changed and row.built_on > month_end(month.year, month.month)


def build(month, today, *, force=False):
    """Count one month into its facts, unless another build made it current meanwhile."""
    with transaction.atomic():
        _lock(month)
        row = FigureMonth.objects.filter(month=month).first()
        seen = list(FigureChange.objects.filter(month=month).values_list("pk", flat=True))
        if not force and _is_current(row, bool(seen), month, today, timezone.now()):
            return False
        facts = facts_for(month, today)
        MonthFigure.objects.filter(month=month).delete()
        MonthFigure.objects.bulk_create(facts, batch_size=2000)
        FigureMonth.objects.update_or_create(month=month, defaults={"built_on": today, "built_at": timezone.now()})
        facts_changed()
        # Only the changes seen before counting: one that committed since stays, for the next view.
        FigureChange.objects.filter(pk__in=seen).delete()
    return True


def ensure(first, last, today):
    """Build the months of [first, last] that are not current. Returns how many were counted."""
    wanted = list(months_between(first, min(last, today)))
    if not wanted:
        return 0
    # The months are consecutive: a range, not a list of a hundred dates to send and compare.
    span = {"month__gte": wanted[0], "month__lte": wanted[-1]}
    state = {row.month: row for row in FigureMonth.objects.filter(**span).values_list(
        "month", "built_on", "built_at", named=True)}
    changed = set(FigureChange.objects.filter(**span).values_list("month", flat=True).distinct())
    now = timezone.now()
    stale = [m for m in wanted if not _is_current(state.get(m), m in changed, m, today, now)]
    return sum(build(month, today) for month in stale)


def facts_changed():
    """A new version of the facts, in the transaction that changes them (FigureVersion)."""
    FigureVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4()})


def facts_version():
    """The facts' current version: the key their sums are kept under (figures.Facts)."""
    return FigureVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def mark_changed(days):
    """A change to the register touches the months of these days: note it, in the changing
    transaction (an insert: nothing to wait for)."""
    months = sorted({first_of(day) for day in days if day})
    FigureChange.objects.bulk_create(FigureChange(month=month) for month in months)


def mark_from(day):
    """Every month from `day`'s on changed (a closure day moves the deadlines after it)."""
    mark_changed(FigureMonth.objects.filter(month__gte=first_of(day)).values_list("month", flat=True))


def earliest_day():
    """The first day the register counts anything on, or None for an empty register."""
    days = [
        Registration.objects.order_by("received_on").values_list("received_on", flat=True).first(),
        Trajectory.objects.exclude(started_on=None).order_by("started_on").values_list("started_on", flat=True).first(),
    ]
    return min((day for day in days if day), default=None)


def rebuild_all(today):
    """Count every month from the first aanmelding to today again. Returns how many."""
    first = earliest_day()
    with transaction.atomic():
        facts_changed()
        if first is None:
            for model in (MonthFigure, FigureMonth, FigureChange):
                model.objects.all().delete()
            return 0
        for model in (MonthFigure, FigureMonth, FigureChange):
            model.objects.filter(month__lt=first_of(first)).delete()
    return sum(build(month, today, force=True) for month in months_between(first, today))
