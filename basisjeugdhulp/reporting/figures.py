"""The municipality's figures for a period, per team and product: aggregates, never a person.

The register is counted once per month into MonthFigure facts (monthly.py: grouped SQL
aggregates over the register, rebuilt when a month changes); the figures here are SQL sums over
those facts for the months of the period. Python only arranges the few numbers that come back
into tables. Every count is protected as it is made (disclosure.py, the cell-key method): each
cell is counted from its own facts — never as a sum of published cells — with the sum of its
records' keys, so the same families give the same published number wherever they appear.

Definitions:
- aanmeldingen: received in the period; triage outcomes: triaged in the period, each decision
  once: a product of basis jeugdhulp, sent back by the tweede lezer (product still to choose),
  specialist care (proposed), advice, crisis;
- first contact on time: deadlines (triage + 5 working days) in the period up to today, met
  when first contact was on or before the deadline; a passed deadline without contact is late;
- median working days: over first contacts in the period;
- active at the end: started on or before the period's last day and not closed by then;
- averages per product: over trajectories closed in the period;
- safety cards: trajectories closed in the period with a card, the average first and last
  judgement over them, and of those closed as referred to specialist care the share whose card
  went with them (a handover recorded);
- re-match rate: lead professionals replaced in the period, per family first matched in it;
- needed an interpreter: families first matched in the period for whom nobody in the team spoke
  the language they asked for (kept with the match, matching/suggestions.needs_interpreter);
- reconsiderations: requests received in the period; decisions taken in the period, upheld or
  changed; the average days from request to decision over those decisions;
- shares, medians and averages: from published counts, shown on a published base of at least
  disclosure.MIN_BASE.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from basisjeugdhulp.evaluation import results as evaluation_results
from basisjeugdhulp.intake.routes import Channel, Product, Route
from basisjeugdhulp.letters.models import Outcome
from basisjeugdhulp.reporting import disclosure, monthly
from basisjeugdhulp.reporting.models import LumpSum, MonthFigure
from basisjeugdhulp.reporting.periods import Period
from basisjeugdhulp.reporting.tables import Row, Table, count, derived, share, staff
from basisjeugdhulp.teams.models import Team
from basisjeugdhulp.trajectories.models import EndReason
from matching.models import Education, Professional


@dataclass(frozen=True)
class Scope:
    period: Period
    team: Team | None = None
    product: str = ""


@dataclass(frozen=True)
class Tally:
    """A set of counted records as the facts know it: how many, and the sum of their keys."""

    n: int = 0
    keys: int = 0
    amount: float = 0.0
    amount2: float = 0.0

    def __add__(self, other):
        return Tally(self.n + other.n, self.keys + other.keys, self.amount + other.amount, self.amount2 + other.amount2)

    def __sub__(self, other):
        """Records taken away (open = started - ended): their count and keys; sums do not apply."""
        return Tally(self.n - other.n, self.keys - other.keys)

    def cell(self):
        return count(self.n, self.keys)


def _tally(row):
    return Tally(row["n_"] or 0, row["k_"] or 0, row.get("a_") or 0.0, row.get("b_") or 0.0)


# How long sums over the facts are kept: a change to the facts gives them a new version, so
# this only bounds how long an old version's sums take room in the cache.
KEPT_SECONDS = 24 * 3600


class Facts:
    """Sums over the MonthFigure facts of a scope (team and product filters applied).

    The sums are kept in Django's cache under the facts' version (FigureVersion, monthly.py),
    which every change to the facts renews in its own transaction: the same question over the
    same facts is summed once, and a figure is never older than the facts. On the dashboard
    for a year the sums over the facts took ~12 ms of its ~43 ms of worker CPU at 1/100 size
    (bench/profile_pages.py, issue 24)."""

    def __init__(self, scope, *, team=True, product=True, version=None):
        self.team = scope.team if team else None
        self.product = scope.product if product else ""
        self.period = scope.period
        self.version = version

    @property
    def queryset(self):
        queryset = MonthFigure.objects.all()
        if self.team:
            queryset = queryset.filter(team=self.team)
        if self.product:
            queryset = queryset.filter(product=self.product)
        return queryset

    def _sums(self, fields, *, measures=None, first=None, last):
        """Rows of {fields…, n_, k_, a_, b_} over the months [first, last] (from the first
        month when first is None), for `measures` (None: every one)."""
        question = (self.team.pk if self.team else None, self.product, fields, measures, first, last)
        key = None
        if self.version is not None:
            key = f"figures:{self.version}:" + hashlib.sha256(repr(question).encode()).hexdigest()
            found = cache.get(key)
            if found is not None:
                return found
        months = self.queryset.filter(month__lte=last)
        if first is not None:
            months = months.filter(month__gte=first)
        if measures is not None:
            months = months.filter(measure__in=measures)
        sums = {"n_": Sum("n"), "k_": Sum("keys"), "a_": Sum("amount"), "b_": Sum("amount2")}
        found = list(months.values(*fields).annotate(**sums).order_by())
        if key is not None:
            cache.set(key, found, KEPT_SECONDS)
        return found

    def by(self, measure, *fields, first=None, last=None):
        """{value of fields (one field: the value, more: a tuple): Tally} over the months."""
        return self.each((measure,), *fields, first=first, last=last)[measure]

    def each(self, measures, *fields, first=None, last=None):
        """{measure: {value of fields: Tally}} for several measures in one query."""
        return self._read(tuple(measures), fields, first, last)

    def _read(self, measures, fields, first, last):
        rows = self._sums(
            ("measure", *fields), measures=measures,
            first=monthly.first_of(first or self.period.start), last=last or self.period.end,
        )
        result = {measure: {} for measure in measures or ()}
        for row in rows:
            group = row[fields[0]] if len(fields) == 1 else tuple(row[f] for f in fields)
            found = result.setdefault(row["measure"], {})
            found[group] = found.get(group, Tally()) + _tally(row)
        return result

    @cached_property
    def _period_totals(self):
        """Every measure's total over the period, in one query."""
        rows = self._sums(("measure",), first=monthly.first_of(self.period.start), last=self.period.end)
        return {row["measure"]: _tally(row) for row in rows}

    def total(self, measure):
        return self._period_totals.get(measure, Tally())

    def open_at_end(self, *fields):
        """Started minus ended, over every month up to the period's end, per `fields` (one query):
        the records themselves (an ended trajectory had started), so the key sum is theirs too."""
        opened = {}
        for row in self._sums((*fields, "measure"), measures=("started", "ended"), last=self.period.end):
            group = tuple(row[f] for f in fields)
            tally = _tally(row)
            opened[group] = opened.get(group, Tally()) + (tally if row["measure"] == "started" else Tally() - tally)
        return opened


def _count_table(key, title, column, choices, tallies, total, note=""):
    rows = [Row(str(label), [tallies.get(code, Tally()).cell()], key=code) for code, label in choices]
    return Table(key, title, [column], rows, total=Row(_("Total"), [total.cell()]), note=note)


def everything(tallies):
    """All the records of a breakdown: its groups' tallies added up (facts, not published cells)."""
    return sum(tallies.values(), Tally())


def registrations_by_channel(facts):
    received = facts.by("received", "key")
    return _count_table(
        "channels", _("Aanmeldingen by channel"), _("Aanmeldingen"), Channel.choices, received, everything(received),
    )


SENT_BACK = "sent_back"


def triage_outcomes(facts):
    """Each triage decision of the period once, under what it is now."""
    tallies, triaged = {}, facts.by("triaged", "key", "product")
    for (route, product), tally in triaged.items():
        if route == Route.BASIC:
            group = f"product_{product}" if product else f"route_{SENT_BACK}"
        else:
            group = f"route_{route}"
        tallies[group] = tallies.get(group, Tally()) + tally
    choices = [(f"product_{code}", label) for code, label in Product.choices] + [
        (f"route_{SENT_BACK}", _("Sent back by the tweede lezer, product still to choose")),
        *((f"route_{code}", Route(code).label) for code in (Route.SPECIALIST, Route.ADVICE, Route.CRISIS)),
    ]
    return _count_table(
        "triage", _("Triage outcomes"), _("Aanmeldingen"), choices, tallies, everything(triaged),
        note=_("Specialist youth care: proposed, approved or still with the tweede lezer."),
    )


def median_of(histogram):
    """The median of values given as {value: how often}: a few dozen values, each standing for
    up to tens of thousands of families at country scale, so walked value by value."""
    n = sum(histogram.values())
    if not n:
        return None, 0
    lower, upper = (n - 1) // 2, n // 2  # the middle position(s), counted from 0
    middle, seen = [], 0
    for value in sorted(histogram):
        how_often = histogram[value]
        middle += [value for position in (lower, upper) if seen <= position < seen + how_often]
        seen += how_often
    return sum(middle) / len(middle), n


def first_contact(facts):
    due, on_time = facts.total("due").cell(), facts.total("on_time").cell()
    days = facts.by("contact_days", "key")
    middle, _n = median_of({int(k): tally.n for k, tally in days.items()})
    contacted = everything(days).cell()
    rows = [
        Row(_("Deadlines in the period"), [due], key="due"),
        Row(_("First contact within five working days"), [on_time], key="on_time"),
        Row(_("Share on time"), [share(on_time.value, due.value)], key="share"),
        Row(_("Median working days to first contact"), [derived(middle, contacted.value)], key="median"),
    ]
    # Two bases, said at hand (issue 22): the share is over the deadlines that fell in the period,
    # the median over the families contacted in it; "0%" next to "4,0 days" is then no riddle.
    note = _(
        "Share on time: of the aanmeldingen whose five working days ended in the period, those "
        "contacted within them. Median: the middle number of working days from triage to first "
        "contact, of the families contacted in the period. — means no data, 0 means none."
    )
    return Table("contact", _("First contact within five working days"), [_("Figure")], rows, note=note)


def trajectories(facts):
    rows = [
        Row(_("Active at the end of the period"), [facts.open_at_end().get((), Tally()).cell()], key="active"),
        Row(_("Started in the period"), [facts.total("started").cell()], key="started"),
        Row(_("Closed in the period"), [facts.total("ended").cell()], key="closed"),
        Row(_("Reopened after a mistaken close"), [facts.total("reopened").cell()], key="reopened"),
    ]
    note = _(
        "A trajectory starts at first contact and ends when it is closed; a close undone within "
        "two weeks counts as a reopen: not as closed, nor as a new trajectory."
    )
    return Table("trajectories", _("Trajectories"), [_("Trajectories")], rows, note=note)


def closed_by_reason(facts):
    closed = facts.by("ended", "key")
    return _count_table(
        "end_reasons", _("Closed by end reason"), _("Trajectories"), EndReason.choices, closed, everything(closed),
    )


def _closed_row(label, tally, key=""):
    """How many closed, their average hours per week and average weeks (on a published base)."""
    closed = tally.cell()
    hours = tally.amount / tally.n if tally.n else None
    weeks = tally.amount2 / tally.n / 7 if tally.n else None
    return Row(label, [closed, derived(hours, closed.value), derived(weeks, closed.value)], key=key)


def per_product(facts):
    """Closed in the period, per product: how many, average hours per week, average weeks."""
    found = facts.by("ended", "product")
    rows = [_closed_row(str(label), found.get(code, Tally()), code) for code, label in Product.choices]
    return Table(
        "products", _("Closed trajectories per product"),
        [_("Closed"), _("Average hours per week"), _("Average duration (weeks)")], rows,
        total=_closed_row(_("Total"), everything(found)),
        note=_("Every product, whatever the product filter: a product's figures next to the others."),
    )


def _safety_row(label, closed, carded, referred, referred_card, key=""):
    """Per product: closed with a safety card, the average judgement at start and at close (over
    those with a card, on a published base), referred on, and the share of them whose card went
    with them."""
    with_card, sent = carded.cell(), referred.cell()
    with_card_shared = referred_card.cell()
    start = carded.amount / carded.n if carded.n else None
    close = carded.amount2 / carded.n if carded.n else None
    return Row(label, [closed.cell(), with_card, derived(start, with_card.value), derived(close, with_card.value),
                       sent, share(with_card_shared.value, sent.value)], key=key)


def safety(facts):
    """The safety card that travels with the family (issue 29), over trajectories closed in the period."""
    counted = facts.each(("ended", "carded", "referred_card"), "product")
    ended, carded, referred_card = counted["ended"], counted["carded"], counted["referred_card"]
    referred = {
        product: tally for (product, reason), tally in facts.by("ended", "product", "key").items()
        if reason == EndReason.REFERRED
    }
    none = Tally()
    rows = [
        _safety_row(str(label), ended.get(code, none), carded.get(code, none), referred.get(code, none),
                    referred_card.get(code, none), code)
        for code, label in Product.choices
    ]
    total = _safety_row(_("Total"), everything(ended), everything(carded), everything(referred), everything(referred_card))
    return Table(
        "safety", _("Safety cards of closed trajectories"),
        [_("Closed"), _("With a safety card"), _("Judgement at start"), _("Judgement at close"),
         _("Referred to specialist care"), _("Share referred with the card")],
        rows, total=total,
        note=_("Judgement 0 (not safe) to 10 (safe enough to close): the average of the first and of the last "
               "judgement of the families with a card. Every product, whatever the product filter."),
    )


def second_check(facts):
    rows = [
        Row(_("Proposed"), [facts.total("proposed").cell()], key="proposed"),
        Row(_("Approved"), [facts.total("approved").cell()], key="approved"),
        Row(_("Rejected (back to basis jeugdhulp)"), [facts.total("rejected").cell()], key="rejected"),
    ]
    return Table("second_check", _("Referrals to specialist care at the second check"), [_("Proposals")], rows)


def reconsiderations(facts):
    """The family's requests for reconsideration of a triage (letters/): asked in the period;
    decided in the period, upheld or changed; average days from request to decision."""
    decided = facts.by("reconsider_done", "key")
    done = everything(decided)
    average = done.amount / done.n if done.n else None
    rows = [
        Row(_("Requests for reconsideration"), [facts.total("reconsidered").cell()], key="asked"),
        Row(_("Decided: upheld"), [decided.get(Outcome.UPHELD, Tally()).cell()], key="upheld"),
        Row(_("Decided: changed"), [decided.get(Outcome.CHANGED, Tally()).cell()], key="changed"),
        Row(_("Average days to decide"), [derived(average, done.cell().value)], key="days"),
    ]
    return Table("reconsideration", _("Reconsideration of the triage"), [_("Figure")], rows)


def signals(facts):
    rematched, matched = facts.total("rematched").cell(), facts.total("matched").cell()
    rows = [
        Row(_("Re-registrations within 12 months"), [facts.total("returning").cell()], key="returning"),
        Row(_("Re-matches (another lead professional)"), [rematched], key="rematched"),
        Row(_("Re-match rate"), [share(rematched.value, matched.value)], key="rematch_rate"),
        Row(_("Families matched who needed an interpreter"), [facts.total("interpreter").cell()], key="interpreter"),
        Row(_("Crises routed to Spoed voor Jeugd"), [facts.by("triaged", "key").get(Route.CRISIS, Tally()).cell()], key="crises"),
    ]
    return Table("signals", _("Returning families, re-matches and crises"), [_("Figure")], rows)


def per_team(scope, version=None):
    """One row per team (the product filter applies, the team filter not): a team's cell is the
    same cell as that team's total seen through the team filter, with the same value."""
    facts = Facts(scope, team=False, version=version)
    counted = facts.each(("received", "triaged", "ended"), "team")
    received, triaged, closed = counted["received"], counted["triaged"], counted["ended"]
    active = {group[0]: tally for group, tally in facts.open_at_end("team").items()}
    people = {
        row["team"]: row
        for row in Professional.objects.filter(active=True).values("team")
        .annotate(hbo=Count("pk", filter=Q(education=Education.HBO)), mbo=Count("pk", filter=Q(education=Education.MBO)))
        .order_by()
    }
    rows = []
    for team in Team.objects.order_by("name").values("pk", "public_id", "name"):
        pk, none = team["pk"], Tally()
        staffed = people.get(pk, {})
        rows.append(Row(
            team["name"],
            [received.get(pk, none).cell(), triaged.get(pk, none).cell(), active.get(pk, none).cell(),
             closed.get(pk, none).cell(), staff(staffed.get("hbo")), staff(staffed.get("mbo"))],
            key=str(team["public_id"]),
        ))
    # The total counts every team's records: their tallies added up, before protection.
    total = Row(_("Total"), [
        *(everything(tallies).cell() for tallies in (received, triaged, active, closed)),
        staff(sum(p.get("hbo") or 0 for p in people.values())), staff(sum(p.get("mbo") or 0 for p in people.values())),
    ])
    return Table(
        "teams", _("Per team"),
        [_("Aanmeldingen"), _("Triaged"), _("Active at the end"), _("Closed"), _("HBO professionals"), _("MBO professionals")],
        rows, total=total,
        note=_(
            "Every team, whatever the team filter. Professionals are counted, never named; they are "
            "staff, not families, and their numbers are exact."
        ),
    )


def trend_months(period, today):
    """The twelve months up to the period's end (or today)."""
    last = min(period.end, today)
    first = monthly.first_of(date(last.year - 1, last.month, 28) + timedelta(days=7))
    return first, last


def trend(scope, today, version=None):
    """Aanmeldingen and on-time contact per month over the 12 months up to the period's end."""
    first, last = trend_months(scope.period, today)
    facts = Facts(scope, version=version)
    counted = facts.each(("received", "due", "on_time"), "month", first=first, last=last)
    received, due, on_time = counted["received"], counted["due"], counted["on_time"]
    rows = []
    for month in monthly.months_between(first, last):
        month_due = due.get(month, Tally()).cell()
        month_on_time = on_time.get(month, Tally()).cell()
        rows.append(Row(
            f"{month:%Y-%m}", [received.get(month, Tally()).cell(), share(month_on_time.value, month_due.value)],
            key=f"{month:%Y-%m}",
        ))
    return Table("trend", _("Trend over twelve months"), [_("Aanmeldingen"), _("Share on time")], rows)


def _recent_first(today):
    return monthly.first_of(today - timedelta(days=365))


def _lump_sum_first(period, today):
    """The lump sum's first month to count: the last twelve months' averages, and the year."""
    return min(_recent_first(today), date(period.end.year, 1, 1))


def lump_sum(period, today, version=None):
    """Estimated hours of help used in the year against the lump sum, month by month (whole city).

    A closed trajectory counts its own average hours per week; one still running counts the
    average of its product over trajectories closed in the last twelve months (the estimate).
    The hours are shown when, in every month of the year with help, the trajectories they rest
    on (published) number at least disclosure.MIN_BASE: a month's hours are the difference of
    two points on the line, so no month may rest on a few families.
    """
    year = period.end.year
    budget = LumpSum.objects.filter(year=year).first()
    year_start = date(year, 1, 1)
    last = min(date(year, 12, 31), today)
    points, bases = [], []
    if year_start <= today:
        recent_first = _recent_first(today)
        if version is None:
            monthly.ensure(_lump_sum_first(period, today), today, today)  # the last twelve months and the year
            version = monthly.facts_version()
        city = Facts(Scope(period), version=version)
        averages = {
            product: tally.amount / tally.n
            for product, tally in city.by("ended", "product", first=recent_first, last=today).items() if tally.n
        }
        used, helped = {}, {}
        for (month, product), tally in city.by("help", "month", "product", first=year_start, last=last).items():
            day_hours = tally.amount + tally.amount2 * averages.get(product, 0.0)
            used[month] = used.get(month, 0.0) + day_hours / 7
            helped[month] = helped.get(month, Tally()) + tally
        running = 0.0
        for month in monthly.months_between(year_start, last):
            running += used.get(month, 0.0)
            points.append((month.month, running))
        bases = [tally.cell().value for tally in helped.values() if tally.n]
    shown = bool(points) and all(disclosure.shown_base(base) for base in bases)
    used_hours = points[-1][1] if shown else None
    return {
        "year": year,
        "budget": budget,
        "budget_hours": float(budget.budget_hours) if budget else None,
        "used_hours": used_hours,
        "withheld": bool(points) and not shown,
        "cost": (used_hours * float(budget.hourly_cost)) if budget and used_hours is not None else None,
        "points": points if shown else [],
    }


def _report_first(scope, today):
    """The report's first month to count: what is open at the period's end needs every month
    since the first trajectory, the trend the twelve months before the period's end."""
    earliest = monthly.earliest_day()
    return min(filter(None, (earliest, scope.period.start, trend_months(scope.period, today)[0])))


def report(scope, today=None, version=None):
    """Every table of the dashboard, protected, in the order the page shows them. `version`:
    the facts' version after the caller counted the months (dashboard()); else counted here."""
    today = today or timezone.localdate()
    if version is None:
        monthly.ensure(_report_first(scope, today), scope.period.end, today)
        version = monthly.facts_version()  # after ensure: what it counted is in it
    facts, every_product = Facts(scope, version=version), Facts(scope, product=False, version=version)
    return {
        "channels": registrations_by_channel(facts),
        "triage": triage_outcomes(facts),
        "contact": first_contact(facts),
        "trajectories": trajectories(facts),
        "end_reasons": closed_by_reason(facts),
        "products": per_product(every_product),
        "second_check": second_check(facts),
        "safety": safety(every_product),
        "signals": signals(facts),
        "reconsideration": reconsiderations(facts),
        "teams": per_team(scope, version),
        "trend": trend(scope, today, version),
        "evaluation": evaluation_results.table(scope),
    }


def dashboard(scope, today):
    """The report and the lump sum over one count of the months they need, and one version of
    the facts for both (each on its own counts and reads the version again: ~1.5 ms of CPU)."""
    first = min(_report_first(scope, today), _lump_sum_first(scope.period, today))
    monthly.ensure(first, max(scope.period.end, today), today)
    version = monthly.facts_version()
    return report(scope, today, version), lump_sum(scope.period, today, version)
