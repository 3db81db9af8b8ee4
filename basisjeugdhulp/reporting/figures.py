"""The municipality's figures for a period, per team and product: aggregates, never a person.

The register is counted once per month into MonthFigure facts (monthly.py: grouped SQL
aggregates over the register, rebuilt when a month changes); the figures here are SQL sums over
those facts for the months of the period. Python only arranges the few numbers that come back
into tables. The small-number rule is in tables.py.

Definitions:
- aanmeldingen: received in the period; triage outcomes: triaged in the period;
- first contact on time: deadlines (triage + 5 working days) in the period up to today, met
  when first contact was on or before the deadline; a passed deadline without contact is late;
- median working days: over first contacts in the period;
- active at the end: started on or before the period's last day and not closed by then;
- averages per product: over trajectories closed in the period;
- re-match rate: lead professionals replaced in the period, per family first matched in it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Func, IntegerField, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from basisjeugdhulp.intake.routes import Channel, Product, Route
from basisjeugdhulp.reporting import monthly
from basisjeugdhulp.reporting.models import LumpSum, MonthFigure
from basisjeugdhulp.reporting.periods import Period
from basisjeugdhulp.reporting.tables import Cell, Row, Table, protect
from basisjeugdhulp.teams.models import Team
from basisjeugdhulp.trajectories.models import EndReason, Trajectory
from matching.models import Education, Professional


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


class Facts:
    """Sums over the MonthFigure facts of a scope (team and product filters applied)."""

    def __init__(self, scope, *, team=True, product=True):
        queryset = MonthFigure.objects.all()
        if team and scope.team:
            queryset = queryset.filter(team=scope.team)
        if product and scope.product:
            queryset = queryset.filter(product=scope.product)
        self.queryset = queryset
        self.period = scope.period

    def _months(self, measure, first=None, last=None):
        first = monthly.first_of(first or self.period.start)
        return self.queryset.filter(measure=measure, month__gte=first, month__lte=last or self.period.end)

    def by(self, measure, *fields, first=None, last=None):
        """[{field…, n, amount, amount2}] summed over the months."""
        return list(
            self._months(measure, first, last).values(*fields)
            .annotate(n_=Sum("n"), a_=Sum("amount"), b_=Sum("amount2")).order_by()
        )

    def counts(self, measure, field="key", **months):
        return {row[field]: row["n_"] for row in self.by(measure, field, **months)}

    def total(self, measure, **months):
        return self._months(measure, months.get("first"), months.get("last")).aggregate(n=Sum("n"))["n"] or 0

    def since_the_start(self, measure, *fields):
        """Summed over every month up to the period's end (for what is open at its end)."""
        months = self.queryset.filter(measure=measure, month__lte=self.period.end)
        if not fields:
            return [months.aggregate(n_=Sum("n"))] if months.exists() else []
        return months.values(*fields).annotate(n_=Sum("n")).order_by()


def _count_table(key, title, column, choices, counts):
    rows = [Row(str(label), [Cell(counts.get(code, 0))], key=code) for code, label in choices]
    total = Row(_("Total"), [Cell(sum(counts.get(code, 0) for code, _l in choices))])
    return protect(Table(key, title, [column], rows, total=total))


def registrations_by_channel(facts):
    return _count_table(
        "channels", _("Aanmeldingen by channel"), _("Aanmeldingen"), Channel.choices, facts.counts("received")
    )


def triage_outcomes(facts):
    counts = {}
    for row in facts.by("triaged", "key", "product"):
        if row["key"] == Route.BASIC:
            counts[f"product_{row['product']}"] = counts.get(f"product_{row['product']}", 0) + row["n_"]
        else:
            counts[f"route_{row['key']}"] = counts.get(f"route_{row['key']}", 0) + row["n_"]
    choices = [(f"product_{code}", label) for code, label in Product.choices] + [
        (f"route_{code}", Route(code).label) for code in (Route.SPECIALIST, Route.ADVICE, Route.CRISIS)
    ]
    return _count_table("triage", _("Triage outcomes"), _("Aanmeldingen"), choices, counts)


def median_of(histogram):
    """The median of values given as {value: how often} (a few dozen rows)."""
    n = sum(histogram.values())
    if not n:
        return None, 0
    wanted, seen, middle = {(n - 1) // 2, n // 2}, 0, []
    for value in sorted(histogram):
        for position in range(seen, seen + histogram[value]):
            if position in wanted:
                middle.append(value)
        seen += histogram[value]
    return sum(middle) / len(middle), n


def first_contact(facts):
    due, on_time = facts.total("due"), facts.total("on_time")
    middle, contacted = median_of({int(k): n for k, n in facts.counts("contact_days").items()})
    share = 100 * on_time / due if due else None
    rows = [
        Row(_("Deadlines in the period"), [Cell(due)], key="due"),
        Row(_("First contact within five working days"), [Cell(on_time)], key="on_time"),
        Row(_("Share on time"), [Cell(share, "percent", base=due)], key="share"),
        Row(_("Median working days to first contact"), [Cell(middle, "decimal", base=contacted)], key="median"),
    ]
    return protect(Table("contact", _("First contact within five working days"), [_("Figure")], rows))


def _open_at_end(facts, *fields):
    """Started minus closed, over every month up to the period's end, per `fields`."""
    opened = {tuple(r[f] for f in fields): r["n_"] for r in facts.since_the_start("started", *fields)}
    for row in facts.since_the_start("ended", *fields):
        key = tuple(row[f] for f in fields)
        opened[key] = opened.get(key, 0) - row["n_"]
    return opened


def trajectories(facts):
    rows = [
        Row(_("Active at the end of the period"), [Cell(_open_at_end(facts).get((), 0))], key="active"),
        Row(_("Started in the period"), [Cell(facts.total("started"))], key="started"),
        Row(_("Closed in the period"), [Cell(facts.total("ended"))], key="closed"),
    ]
    return protect(Table("trajectories", _("Trajectories"), [_("Trajectories")], rows))


def closed_by_reason(facts):
    return _count_table(
        "end_reasons", _("Closed by end reason"), _("Trajectories"), EndReason.choices, facts.counts("ended")
    )


def per_product(facts):
    """Closed in the period, per product: how many, average hours per week, average weeks."""
    found = {row["product"]: row for row in facts.by("ended", "product")}
    rows = []
    for code, label in Product.choices:
        row = found.get(code, {"n_": 0})
        n = row["n_"]
        hours = row["a_"] / n if n else None
        weeks = row["b_"] / n / 7 if n else None
        rows.append(Row(str(label), [Cell(n), Cell(hours, "decimal", base=n), Cell(weeks, "decimal", base=n)], key=code))
    total = Row(_("Total"), [Cell(sum(r.cells[0].value for r in rows)), Cell(None, "decimal"), Cell(None, "decimal")])
    table = Table(
        "products", _("Closed trajectories per product"),
        [_("Closed"), _("Average hours per week"), _("Average duration (weeks)")], rows, total=total,
        note=_("Every product, whatever the product filter: a product's figures next to the others."),
    )
    return protect(table)


def second_check(facts):
    rows = [
        Row(_("Proposed"), [Cell(facts.total("proposed"))], key="proposed"),
        Row(_("Approved"), [Cell(facts.total("approved"))], key="approved"),
        Row(_("Rejected (back to basis jeugdhulp)"), [Cell(facts.total("rejected"))], key="rejected"),
    ]
    return protect(Table("second_check", _("Referrals to specialist care at the second check"), [_("Proposals")], rows))


def signals(facts):
    rematched, matched = facts.total("rematched"), facts.total("matched")
    rate = 100 * rematched / matched if matched else None
    rows = [
        Row(_("Re-registrations within 12 months"), [Cell(facts.total("returning"))], key="returning"),
        Row(_("Re-matches (another lead professional)"), [Cell(rematched)], key="rematched"),
        Row(_("Re-match rate"), [Cell(rate, "percent", base=matched)], key="rematch_rate"),
        Row(_("Crises routed to Spoed voor Jeugd"), [Cell(facts.counts("triaged").get(Route.CRISIS, 0))], key="crises"),
    ]
    return protect(Table("signals", _("Returning families, re-matches and crises"), [_("Figure")], rows))


def per_team(scope):
    """One row per team (the product filter applies, the team filter not): the team filter
    shows that team's row of this same table (rule 4)."""
    facts = Facts(scope, team=False)
    received = {r["team"]: r["n_"] for r in facts.by("received", "team")}
    triaged = {r["team"]: r["n_"] for r in facts.by("triaged", "team")}
    closed = {r["team"]: r["n_"] for r in facts.by("ended", "team")}
    active = {key[0]: n for key, n in _open_at_end(facts, "team").items()}
    staff = {
        row["team"]: row
        for row in Professional.objects.filter(active=True).values("team")
        .annotate(hbo=Count("pk", filter=Q(education=Education.HBO)), mbo=Count("pk", filter=Q(education=Education.MBO)))
        .order_by()
    }
    rows = []
    for team in Team.objects.order_by("name").values("pk", "public_id", "name"):
        pk = team["pk"]
        people = staff.get(pk, {})
        rows.append(Row(
            team["name"],
            [Cell(received.get(pk, 0)), Cell(triaged.get(pk, 0)), Cell(active.get(pk, 0)), Cell(closed.get(pk, 0)),
             Cell(people.get("hbo") or 0, "staff"), Cell(people.get("mbo") or 0, "staff")],
            key=str(team["public_id"]),
        ))
    total = Row(
        _("Total"),
        [Cell(sum(r.cells[i].value for r in rows)) for i in range(4)]
        + [Cell(sum(r.cells[i].value for r in rows), "staff") for i in (4, 5)],
    )
    table = Table(
        "teams", _("Per team"),
        [_("Aanmeldingen"), _("Triaged"), _("Active at the end"), _("Closed"), _("HBO professionals"), _("MBO professionals")],
        rows, total=total,
        note=_(
            "Every team, whatever the team filter. Professionals are counted, never named; they are "
            "staff, not families, and are not protected."
        ),
    )
    return protect(table)


def trend(scope, today):
    """Aanmeldingen and on-time contact per month over the 12 months up to the period's end."""
    last = min(scope.period.end, today)
    first = monthly.first_of(date(last.year - 1, last.month, 28) + timedelta(days=7))
    monthly.ensure(first, last, today)
    facts = Facts(scope)
    received = {r["month"]: r["n_"] for r in facts.by("received", "month", first=first, last=last)}
    due = {r["month"]: r["n_"] for r in facts.by("due", "month", first=first, last=last)}
    on_time = {r["month"]: r["n_"] for r in facts.by("on_time", "month", first=first, last=last)}
    rows = []
    for month in monthly.months_between(first, last):
        n_due = due.get(month, 0)
        share = 100 * on_time.get(month, 0) / n_due if n_due else None
        rows.append(Row(f"{month:%Y-%m}", [Cell(received.get(month, 0)), Cell(share, "percent", base=n_due)], key=f"{month:%Y-%m}"))
    return protect(Table("trend", _("Trend over twelve months"), [_("Aanmeldingen"), _("Share on time")], rows))


def lump_sum(period, today):
    """Estimated hours of help used in the year against the lump sum, month by month (whole city).

    A closed trajectory counts its own average hours per week; one still running counts the
    average of its product over trajectories closed in the last twelve months (the estimate).
    """
    year = period.end.year
    budget = LumpSum.objects.filter(year=year).first()
    year_start = date(year, 1, 1)
    last = min(date(year, 12, 31), today)
    city = Facts(Scope(period))
    points = []
    if year_start <= today:
        recent_first = monthly.first_of(today - timedelta(days=365))
        monthly.ensure(recent_first, today, today)
        monthly.ensure(year_start, last, today)
        averages = {
            row["product"]: row["a_"] / row["n_"]
            for row in city.by("ended", "product", first=recent_first, last=today) if row["n_"]
        }
        used = {}
        for row in city.by("help", "month", "product", first=year_start, last=last):
            day_hours = row["a_"] + row["b_"] * averages.get(row["product"], 0.0)
            used[row["month"]] = used.get(row["month"], 0.0) + day_hours / 7
        running = 0.0
        for month in monthly.months_between(year_start, last):
            running += used.get(month, 0.0)
            points.append((month.month, running))
    return {
        "year": year,
        "budget": budget,
        "budget_hours": float(budget.budget_hours) if budget else None,
        "used_hours": points[-1][1] if points else 0.0,
        "cost": (points[-1][1] * float(budget.hourly_cost)) if budget and points else None,
        "points": points,
    }


def report(scope, today=None):
    """Every table of the dashboard, protected, in the order the page shows them."""
    today = today or timezone.localdate()
    # What is open at the period's end needs every month since the first trajectory.
    earliest = Trajectory.objects.aggregate(first=Min("started_on"))["first"]
    monthly.ensure(min(earliest, scope.period.start) if earliest else scope.period.start, scope.period.end, today)
    facts = Facts(scope)
    teams = per_team(scope)
    tables = {
        "channels": registrations_by_channel(facts),
        "triage": triage_outcomes(facts),
        "contact": first_contact(facts),
        "trajectories": trajectories(facts),
        "end_reasons": closed_by_reason(facts),
        "products": per_product(Facts(scope, product=False)),
        "second_check": second_check(facts),
        "signals": signals(facts),
        "teams": teams,
        "trend": trend(scope, today),
    }
    if scope.team:
        _follow_team_row(tables, teams.row(str(scope.team.public_id)))
    if scope.product:
        products = per_product(Facts(scope, product=False))
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
