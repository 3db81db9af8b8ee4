"""The municipality's figures for a period, per team and product: SQL aggregates, never a person.

Every figure is a COUNT/AVG/SUM in the database (conditional aggregates, subqueries, date
buckets); Python only arranges the few numbers that come back into tables. The small-number
rule is in tables.py.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Avg, Case, Count, F, FloatField, Func, IntegerField, Q, Sum, Value, When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from basisjeugdhulp.intake.models import Registration, SecondCheck
from basisjeugdhulp.intake.routes import Channel, Product, Route
from basisjeugdhulp.reporting.models import LumpSum
from basisjeugdhulp.reporting.periods import Period, month_end
from basisjeugdhulp.reporting.tables import Cell, Row, Table, protect
from basisjeugdhulp.teams.models import Team
from basisjeugdhulp.trajectories.models import EndReason, Trajectory
from matching.models import Education, Match, MatchRole, Professional


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


@dataclass(frozen=True)
class Scope:
    period: Period
    team: Team | None = None
    product: str = ""

    def registrations(self):
        queryset = Registration.objects.all()
        if self.team:
            queryset = queryset.filter(team=self.team)
        if self.product:
            queryset = queryset.filter(product=self.product)
        return queryset

    def trajectories(self, *, product=True):
        queryset = Trajectory.objects.all()
        if self.team:
            queryset = queryset.filter(registration__team=self.team)
        if self.product and product:
            queryset = queryset.filter(product=self.product)
        return queryset


def _in(field, period):
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def median(queryset, field):
    """The median of a column, in SQL on any database: count, then the middle row(s)."""
    values = queryset.exclude(**{f"{field}__isnull": True}).order_by(field).values_list(field, flat=True)
    n = values.count()
    if n == 0:
        return None, 0
    middle = list(values[(n - 1) // 2 : n // 2 + 1])
    return sum(middle) / len(middle), n


def _count_table(key, title, column, choices, counts):
    rows = [Row(str(label), [Cell(counts.get(code, 0))], key=code) for code, label in choices]
    return protect(Table(key, title, [column], rows, total=Row(_("Total"), [Cell(sum(counts.get(c, 0) for c, _l in choices))])))


def registrations_by_channel(scope):
    counts = dict(
        scope.registrations().filter(_in("received_on", scope.period))
        .values_list("channel").annotate(n=Count("pk")).order_by()
    )
    return _count_table("channels", _("Aanmeldingen by channel"), _("Aanmeldingen"), Channel.choices, counts)


def triage_outcomes(scope):
    triaged = scope.registrations().filter(_in("triaged_on", scope.period))
    aggregates = {f"product_{code}": Count("pk", filter=Q(route=Route.BASIC, product=code)) for code, _l in Product.choices}
    aggregates.update({f"route_{code}": Count("pk", filter=Q(route=code)) for code in (Route.SPECIALIST, Route.ADVICE, Route.CRISIS)})
    counts = triaged.aggregate(**aggregates)
    choices = [(f"product_{code}", label) for code, label in Product.choices] + [
        (f"route_{code}", Route(code).label) for code in (Route.SPECIALIST, Route.ADVICE, Route.CRISIS)
    ]
    return _count_table("triage", _("Triage outcomes"), _("Aanmeldingen"), choices, counts)


def first_contact(scope, today):
    """On time: first contact on or before the stored deadline; a deadline that passed without
    contact counts as late. Only deadlines up to today are counted."""
    last = min(scope.period.end, today)
    due = scope.registrations().filter(contact_due__gte=scope.period.start, contact_due__lte=last)
    counts = due.aggregate(
        due=Count("pk"),
        on_time=Count("pk", filter=Q(contacted_on__isnull=False, contacted_on__lte=F("contact_due"))),
    )
    middle, contacted = median(
        scope.registrations().filter(_in("contacted_on", scope.period)), "contact_working_days"
    )
    share = 100 * counts["on_time"] / counts["due"] if counts["due"] else None
    rows = [
        Row(_("Deadlines in the period"), [Cell(counts["due"])], key="due"),
        Row(_("First contact within five working days"), [Cell(counts["on_time"])], key="on_time"),
        Row(_("Share on time"), [Cell(share, "percent", base=counts["due"])], key="share"),
        Row(_("Median working days to first contact"), [Cell(middle, "decimal", base=contacted)], key="median"),
    ]
    return protect(Table("contact", _("First contact within five working days"), [_("Figure")], rows))


def trajectories(scope):
    period = scope.period
    counts = scope.trajectories().aggregate(
        active=Count("pk", filter=Q(started_on__lte=period.end) & (Q(ended_on=None) | Q(ended_on__gt=period.end))),
        closed=Count("pk", filter=_in("ended_on", period)),
        started=Count("pk", filter=_in("started_on", period)),
    )
    rows = [
        Row(_("Active at the end of the period"), [Cell(counts["active"])], key="active"),
        Row(_("Started in the period"), [Cell(counts["started"])], key="started"),
        Row(_("Closed in the period"), [Cell(counts["closed"])], key="closed"),
    ]
    return protect(Table("trajectories", _("Trajectories"), [_("Trajectories")], rows))


def closed_by_reason(scope):
    counts = dict(
        scope.trajectories().filter(_in("ended_on", scope.period))
        .values_list("end_reason").annotate(n=Count("pk")).order_by()
    )
    return _count_table("end_reasons", _("Closed by end reason"), _("Trajectories"), EndReason.choices, counts)


def per_product(scope):
    """Closed in the period, per product: how many, average hours per week, average weeks."""
    rows_by_product = {
        row["product"]: row
        for row in scope.trajectories(product=False).filter(_in("ended_on", scope.period))
        .values("product")
        .annotate(
            n=Count("pk"),
            hours=Avg("hours_per_week"),
            days=Avg(Cast(DayNumber("ended_on") - DayNumber("started_on"), FloatField())),
        )
        .order_by()
    }
    rows = []
    for code, label in Product.choices:
        found = rows_by_product.get(code, {"n": 0, "hours": None, "days": None})
        weeks = found["days"] / 7 if found["days"] is not None else None
        rows.append(
            Row(str(label), [
                Cell(found["n"]),
                Cell(float(found["hours"]) if found["hours"] is not None else None, "decimal", base=found["n"]),
                Cell(weeks, "decimal", base=found["n"]),
            ], key=code)
        )
    total = Row(_("Total"), [Cell(sum(r.cells[0].value for r in rows)), Cell(None, "decimal"), Cell(None, "decimal")])
    table = Table(
        "products", _("Closed trajectories per product"),
        [_("Closed"), _("Average hours per week"), _("Average duration (weeks)")], rows, total=total,
    )
    return protect(table)


def second_check(scope):
    checks = SecondCheck.objects.filter(proposed_at__date__gte=scope.period.start, proposed_at__date__lte=scope.period.end)
    if scope.team:
        checks = checks.filter(registration__team=scope.team)
    counts = checks.aggregate(
        proposed=Count("pk"),
        n_approved=Count("pk", filter=Q(approved=True)),
        n_rejected=Count("pk", filter=Q(approved=False)),
    )
    rows = [
        Row(_("Proposed"), [Cell(counts["proposed"])], key="proposed"),
        Row(_("Approved"), [Cell(counts["n_approved"])], key="approved"),
        Row(_("Rejected (back to basis jeugdhulp)"), [Cell(counts["n_rejected"])], key="rejected"),
    ]
    return protect(Table("second_check", _("Referrals to specialist care at the second check"), [_("Proposals")], rows))


def signals(scope):
    period = scope.period
    registrations = scope.registrations()
    returning = registrations.filter(_in("received_on", period), former_trajectory__isnull=False).count()
    crises = registrations.filter(_in("triaged_on", period), route=Route.CRISIS).count()
    leads = Match.objects.filter(role=MatchRole.LEAD)
    if scope.team:
        leads = leads.filter(trajectory__registration__team=scope.team)
    if scope.product:
        leads = leads.filter(trajectory__product=scope.product)
    counts = leads.aggregate(
        assigned=Count("trajectory", distinct=True, filter=Q(assigned_at__date__gte=period.start, assigned_at__date__lte=period.end)),
        rematched=Count("pk", filter=~Q(end_reason="") & Q(ended_at__date__gte=period.start, ended_at__date__lte=period.end)),
    )
    rate = 100 * counts["rematched"] / counts["assigned"] if counts["assigned"] else None
    rows = [
        Row(_("Re-registrations within 12 months"), [Cell(returning)], key="returning"),
        Row(_("Re-matches (another lead professional)"), [Cell(counts["rematched"])], key="rematched"),
        Row(_("Re-match rate"), [Cell(rate, "percent", base=counts["assigned"])], key="rematch_rate"),
        Row(_("Crises routed to Spoed voor Jeugd"), [Cell(crises)], key="crises"),
    ]
    return protect(Table("signals", _("Returning families, re-matches and crises"), [_("Figure")], rows))


def per_team(scope):
    """One row per team; the team filter shows that team's row of this same table (rule 4).

    Three grouped queries (aanmeldingen, trajectories, staff), not one subquery per team."""
    period = scope.period
    registrations = Registration.objects.all()
    trajectories_ = Trajectory.objects.all()
    if scope.product:
        registrations = registrations.filter(product=scope.product)
        trajectories_ = trajectories_.filter(product=scope.product)
    by_team = {}
    for row in (
        registrations.filter(_in("received_on", period) | _in("triaged_on", period))
        .values("team_id")
        .annotate(received=Count("pk", filter=_in("received_on", period)), triaged=Count("pk", filter=_in("triaged_on", period)))
        .order_by()
    ):
        by_team.setdefault(row["team_id"], {}).update(row)
    for row in (
        trajectories_.filter(Q(started_on__lte=period.end) & (Q(ended_on=None) | Q(ended_on__gte=period.start)))
        .values(team_id=F("registration__team_id"))
        .annotate(
            active=Count("pk", filter=Q(ended_on=None) | Q(ended_on__gt=period.end)),
            closed=Count("pk", filter=_in("ended_on", period)),
        )
        .order_by()
    ):
        by_team.setdefault(row["team_id"], {}).update(row)
    for row in (
        Professional.objects.filter(active=True).values("team_id")
        .annotate(hbo=Count("pk", filter=Q(education=Education.HBO)), mbo=Count("pk", filter=Q(education=Education.MBO)))
        .order_by()
    ):
        by_team.setdefault(row["team_id"], {}).update(row)
    columns = ["received", "triaged", "active", "closed"]
    rows = []
    for team in Team.objects.order_by("name").values("pk", "public_id", "name"):
        found = by_team.get(team["pk"], {})
        rows.append(Row(
            team["name"],
            [Cell(found.get(c, 0)) for c in columns] + [Cell(found.get("hbo", 0), "staff"), Cell(found.get("mbo", 0), "staff")],
            key=str(team["public_id"]),
        ))
    total = Row(
        _("Total"),
        [Cell(sum(r.cells[i].value for r in rows)) for i in range(len(columns))]
        + [Cell(sum(r.cells[4].value for r in rows), "staff"), Cell(sum(r.cells[5].value for r in rows), "staff")],
    )
    table = Table(
        "teams", _("Per team"),
        [_("Aanmeldingen"), _("Triaged"), _("Active at the end"), _("Closed"), _("HBO professionals"), _("MBO professionals")],
        rows, total=total,
        note=_("Professionals are counted, never named; they are staff, not families, and are not protected."),
    )
    return protect(table)


def lump_sum(period, today):
    """Estimated hours of help used in the year against the lump sum, month by month.

    A closed trajectory counts its own average hours per week; one still running counts the
    average of its product over trajectories closed in the last year (the estimate). Hours are
    those weeks that fall inside the year, up to each month's end. One query for all months.
    """
    year = period.end.year
    budget = LumpSum.objects.filter(year=year).first()
    year_start, year_end = date(year, 1, 1), date(year, 12, 31)
    averages = dict(
        Trajectory.objects.filter(ended_on__gte=min(today, year_end) - timedelta(days=365), hours_per_week__isnull=False)
        .values_list("product").annotate(avg=Avg("hours_per_week")).order_by()
    )
    rate = Coalesce(
        Cast("hours_per_week", FloatField()),
        Case(*[When(product=code, then=Value(float(avg))) for code, avg in averages.items()], default=Value(0.0), output_field=FloatField()),
    )
    start_day = Greatest(DayNumber("started_on"), Value(day_number(year_start)))
    end_day = Coalesce(DayNumber("ended_on"), Value(day_number(year_end) + 1))
    months = [(m, month_end(year, m)) for m in range(1, 13) if date(year, m, 1) <= today]
    sums = {
        f"m{m}": Sum(
            rate * Greatest(Least(end_day, Value(day_number(min(last, today)))) - start_day + 1, Value(0)),
            output_field=FloatField(),
        )
        for m, last in months
    }
    used = (
        Trajectory.objects.filter(started_on__isnull=False, started_on__lte=year_end)
        .filter(Q(ended_on=None) | Q(ended_on__gte=year_start))
        .aggregate(**sums)
        if sums else {}
    )
    points = [(m, (used.get(f"m{m}") or 0.0) / 7) for m, _last in months]
    return {
        "year": year,
        "budget": budget,
        "budget_hours": float(budget.budget_hours) if budget else None,
        "used_hours": points[-1][1] if points else 0.0,
        "cost": (points[-1][1] * float(budget.hourly_cost)) if budget and points else None,
        "points": points,
    }


def trend(scope, today):
    """Aanmeldingen and on-time contact per month over the 12 months up to the period's end."""
    last = min(scope.period.end, today)
    first = date(last.year - 1, last.month, 1) + timedelta(days=32)
    first = date(first.year, first.month, 1)
    received = dict(
        scope.registrations().filter(received_on__gte=first, received_on__lte=last)
        .annotate(month=TruncMonth("received_on")).values_list("month").annotate(n=Count("pk")).order_by()
    )
    contact = {
        row["month"]: row
        for row in scope.registrations().filter(contact_due__gte=first, contact_due__lte=last)
        .annotate(month=TruncMonth("contact_due")).values("month")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(contacted_on__isnull=False, contacted_on__lte=F("contact_due"))))
        .order_by()
    }
    months = []
    day = first
    while day <= last:
        key = day
        due = contact.get(key, {}).get("due", 0)
        on_time = contact.get(key, {}).get("on_time", 0)
        months.append({
            "month": day,
            "received": Cell(received.get(key, 0)),
            "on_time": Cell(100 * on_time / due if due else None, "percent", base=due),
        })
        day = month_end(day.year, day.month) + timedelta(days=1)
    table = Table(
        "trend", _("Trend over twelve months"), [_("Aanmeldingen"), _("Share on time")],
        [Row(f"{m['month']:%Y-%m}", [m["received"], m["on_time"]], key=f"{m['month']:%Y-%m}") for m in months],
    )
    return protect(table)


def report(scope, today=None):
    """Every table of the dashboard, protected, in the order the page shows them."""
    today = today or timezone.localdate()
    teams = per_team(scope)
    tables = {
        "channels": registrations_by_channel(scope),
        "triage": triage_outcomes(scope),
        "contact": first_contact(scope, today),
        "trajectories": trajectories(scope),
        "end_reasons": closed_by_reason(scope),
        "products": per_product(scope),
        "second_check": second_check(scope),
        "signals": signals(scope),
        "teams": teams,
        "trend": trend(scope, today),
    }
    if scope.team:
        _follow_team_row(tables, teams.row(str(scope.team.public_id)))
    if scope.product:
        products = per_product(Scope(scope.period, scope.team, ""))
        if products.row(scope.product).cells[0].protected:
            for key in ("end_reasons", "products"):
                tables[key].protect_all()
    return tables


# Which breakdowns add up to which column of the per-team table (rule 4).
TEAM_COLUMNS = {"channels": 0, "triage": 1, "end_reasons": 3, "products": 3}


def _follow_team_row(tables, row):
    if row is None:
        return
    for key, index in TEAM_COLUMNS.items():
        if row.cells[index].protected:
            tables[key].protect_all()
    trajectories_ = tables["trajectories"]
    for key, index in (("active", 2), ("closed", 3)):
        cell = trajectories_.row(key).cells[0]
        if row.cells[index].protected and cell.value:
            cell.protected = row.cells[index].protected
