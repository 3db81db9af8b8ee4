"""No published figure gives a family's small count away, whatever a reader combines (issue 19).

The municipality may see aggregates, never a person. Hiding small counts cell by cell is not
enough, as statistical offices know: a total minus its visible rows, a quarter minus its months, a
year minus its quarters, a team seen through the filter next to the per-team table, a product
next to the per-product table, a share with one decimal times its base, "active at the end"
from month to month — together they give hidden counts back exactly.

So the test is an exact attacker (tests/exact_attacker.py). It builds last year of a synthetic city
(four teams of different size, ~700 aanmeldingen, many cells of 1 to 4), fetches every scope
the filter offers for that year through the JSON feed (every month, quarter and the year, × all
teams and each team, × all products and each product), writes every published count as a known
sum of the finest counts the figures are made of (atoms: measure × month × team × product × key,
as monthly.facts_for counts them; "active at the end" as open when the year started + started −
ended), and asks integer programs whether any count of 1 to 4 — a published cell or an atom —
is forced to its true value. The attacker knows the definitions in reporting/figures.py, not
the register; the true counts are recounted from the register apart, only to pick the targets
and to check that the attacker's reading of the figures is right.

How a published value is read follows what the feed says about its protection, so the same
attack runs against today's figures and against perturbed ones:
- no "protection" in the JSON: a number is exact, "<5" is 1-4, "×" is at least 1;
- "protection": {"method": "cell-key", "max_deviation": D}: a number p means the true count
  is within D of it, and not zero when p is not; shares are then computed from published
  numbers and tell nothing more.

Against the figures before issue 19 (small cells shown as "<5", "×" beside them) the attack
pinned 2,681 of 2,976 small counts; against the cell-key method (reporting/disclosure.py) it
pins none of 4,070 (and none in three runs with keys drawn by `secrets`).
"""

import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time as clock, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.intake.models import CONTACT_PROMISE_WORKING_DAYS, Registration, SecondCheck
from basisjeugdhulp.intake.routes import Channel, ContactMode, Product, Route, Status
from basisjeugdhulp.letters.models import Outcome, Reconsideration
from basisjeugdhulp.reporting import disclosure, periods
from basisjeugdhulp.reporting.models import ApiClient
from basisjeugdhulp.reporting.periods import Period, month_end
from basisjeugdhulp.teams.models import Team
from basisjeugdhulp.trajectories.models import EndReason, Trajectory
from basisjeugdhulp.workdays import add_working_days, working_days_between
from matching.models import Education, Match, MatchRole, Professional, RematchReason
from tests.exact_attacker import Model

# --- The synthetic city: four teams of different size, ~700 aanmeldingen in a year. ---------
TEAMS = (("WIJ Centrum", "Binnenstad", 38), ("WIJ Noord", "Noorderhoek", 30),
         ("WIJ Oost", "Oosterpoort", 20), ("WIJ Hoogkerk", "Hoogkerk", 12))
CHANNELS = ((Channel.SELF_REPORT, 25), (Channel.GP, 25), (Channel.SCHOOL, 20),
            (Channel.NEIGHBOURHOOD_TEAM, 12), (Channel.VEILIG_THUIS, 8), (Channel.OTHER, 10))
PRODUCTS = ((Product.FAMILY_MEDIUM, 35), (Product.INDIVIDUAL_MEDIUM, 30),
            (Product.FAMILY_HEAVY, 20), (Product.INDIVIDUAL_HEAVY, 15))
END_REASONS = ((EndReason.GOAL_REACHED, 50), (EndReason.STOPPED, 15), (EndReason.MOVED, 10),
               (EndReason.REFERRED, 15), (EndReason.OTHER, 10))
MONTH_WEIGHTS = (10, 10, 11, 10, 10, 9, 6, 5, 11, 11, 10, 7)  # quieter in the summer and December
AANMELDINGEN = 680  # in the year
RUNNING_BEFORE = 60  # received in the autumn before: trajectories open when the year starts
RETURNING_SHARE = 0.10
RECONSIDERED_SHARE = 0.03  # families who object to their triage (issue 25)
REMATCH_SHARE = 0.07


def pick(rng, weighted):
    return rng.choices([value for value, _w in weighted], [w for _v, w in weighted])[0]


def at_noon(day):
    return timezone.make_aware(datetime.combine(day, clock(12, 0)))


@dataclass
class Plan:
    """One aanmelding as the app would have stored it, before it is written in bulk."""

    registration: Registration
    trajectory: Trajectory | None = None
    check: SecondCheck | None = None
    proposed_on: date | None = None
    rematch_on: date | None = None
    former: "Plan | None" = None


def plan_case(rng, team, received, last, staff, *, route=None):
    """An aanmelding received on `received`, taken as far through the flow as `last` allows."""
    case = Registration(
        team=team, received_on=received, channel=pick(rng, CHANNELS), family_label="Gezin (synthetisch)",
        status=Status.NEW,
        # The secret record key from the seeded generator too, so a run is reproducible (the
        # register draws it with `secrets`; three runs with such keys pinned nothing either).
        figure_key=rng.randrange(disclosure.KEY_RANGE),
    )
    plan = Plan(case)
    if route is None and received > last - timedelta(days=4) and rng.random() < 0.5:
        return plan  # the last days' aanmeldingen are partly not triaged yet
    triaged = min(received + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3))), last)
    roll = rng.random()
    route = route or (Route.CRISIS if roll < 0.02 else Route.ADVICE if roll < 0.05
                      else Route.SPECIALIST if roll < 0.11 else Route.BASIC)
    case.triaged_on, case.route = triaged, route
    if route == Route.CRISIS:
        case.status, case.family_label = Status.CRISIS, ""  # end_as_crisis keeps only what is counted
        return plan
    if route == Route.ADVICE:
        case.status = Status.ADVISED
        return plan
    if route == Route.SPECIALIST:
        decision = rng.random()
        approved = None if decision > 0.95 else decision < 0.7
        plan.check = SecondCheck(motivation="Ernstige zorgen.", approved=approved,
                                 decided_at=None if approved is None else at_noon(triaged))
        plan.proposed_on = triaged
        if approved is not False:
            case.status = Status.SECOND_CHECK if approved is None else Status.REFERRED
            return plan
        # Rejected: back to basis jeugdhulp, the deadline still counts from the first triage.
    case.route, case.product, case.status = Route.BASIC, pick(rng, PRODUCTS), Status.AWAITING_CONTACT
    case.contact_due = add_working_days(triaged, CONTACT_PROMISE_WORKING_DAYS)
    roll = rng.random()
    days = rng.randint(1, 4) if roll < 0.84 else rng.randint(6, 12) if roll < 0.97 else None
    contacted = add_working_days(triaged, days) if days else None
    if contacted and contacted <= last:
        case.contacted_on, case.contact_mode, case.status = contacted, ContactMode.PHONE, Status.CONTACTED
        case.contact_working_days = working_days_between(triaged, contacted)
    else:
        contacted = None
    matched = min(triaged + timedelta(days=rng.randint(0, 3)), last) if rng.random() < 0.93 else None
    journey = Trajectory(registration=case, product=case.product, first_matched_on=matched, started_on=contacted,
                         lead=rng.choice(staff[team.pk]) if matched else None)
    if contacted:
        ends = contacted + timedelta(days=rng.randint(42, 240))
        if ends <= last:
            journey.ended_on, journey.end_reason = ends, pick(rng, END_REASONS)
            journey.hours_per_week = Decimal(rng.randint(4, 20)) / 4
    if matched and rng.random() < REMATCH_SHARE:
        replaced = matched + timedelta(days=rng.randint(10, 60))
        if replaced <= min(journey.ended_on or last, last):
            plan.rematch_on = replaced
    plan.trajectory = journey
    return plan


def build_city(year, seed=19):
    """The year `year` of a city, written the way the register stores it (in bulk). Returns the teams."""
    rng = random.Random(seed)
    last = date(year, 12, 31)
    teams = [Team.objects.create(name=name, district=district) for name, district, _w in TEAMS]
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"synthetisch{i}", password="!") for i in range(3 * len(teams))
    )
    professionals = Professional.objects.bulk_create(
        Professional(user=user, team=teams[i % len(teams)], education=(Education.HBO, Education.MBO)[i % 2])
        for i, user in enumerate(users)
    )
    staff = defaultdict(list)
    for professional in professionals:
        staff[professional.team_id].append(professional)
    team_weights = [w for *_x, w in TEAMS]
    plans = []
    for _n in range(RUNNING_BEFORE):
        received = date(year - 1, 8, 1) + timedelta(days=rng.randint(0, 121))
        plans.append(plan_case(rng, rng.choices(teams, team_weights)[0], received, last, staff, route=Route.BASIC))
    for _n in range(AANMELDINGEN):
        month = rng.choices(range(1, 13), MONTH_WEIGHTS)[0]
        received = date(year, month, rng.randint(1, month_end(year, month).day))
        plans.append(plan_case(rng, rng.choices(teams, team_weights)[0], received, last, staff))
    # Returning families: back within twelve months of a closed trajectory of their team.
    plans.sort(key=lambda p: p.registration.received_on)
    closed = [p for p in plans if p.trajectory and p.trajectory.ended_on]
    used = set()
    for plan in plans:
        case = plan.registration
        if case.route == Route.CRISIS or case.received_on.year != year or rng.random() > RETURNING_SHARE:
            continue
        earlier = [p for p in closed if id(p) not in used and p.registration.team_id == case.team_id
                   and case.received_on - timedelta(days=365) <= p.trajectory.ended_on < case.received_on]
        if earlier:
            plan.former = rng.choice(earlier)
            used.add(id(plan.former))

    Registration.objects.bulk_create([p.registration for p in plans], batch_size=1000)
    for plan in plans:
        if plan.trajectory:
            plan.trajectory.registration = plan.registration
        if plan.check:
            plan.check.registration = plan.registration
    Trajectory.objects.bulk_create([p.trajectory for p in plans if p.trajectory], batch_size=1000)
    returning = [p for p in plans if p.former]
    for plan in returning:
        plan.registration.former_trajectory = plan.former.trajectory
        plan.registration.returning = True
    Registration.objects.bulk_update([p.registration for p in returning], ["former_trajectory", "returning"])
    checks = SecondCheck.objects.bulk_create([p.check for p in plans if p.check])
    for plan in plans:
        if plan.check:
            plan.check.proposed_at = at_noon(plan.proposed_on)  # auto_now_add set "now" on insert
    SecondCheck.objects.bulk_update(checks, ["proposed_at"])
    matches = []
    for plan in plans:
        journey = plan.trajectory
        if journey is None or journey.lead is None:
            continue
        if plan.rematch_on:
            before = rng.choice([p for p in staff[journey.lead.team_id] if p != journey.lead])
            matches.append(Match(trajectory=journey, professional=before, role=MatchRole.LEAD,
                                 ended_at=at_noon(plan.rematch_on), end_reason=RematchReason.NO_CLICK))
        matches.append(Match(trajectory=journey, professional=journey.lead, role=MatchRole.LEAD,
                             ended_at=at_noon(journey.ended_on) if journey.ended_on else None,
                             interpreter_needed=journey.pk % 9 == 0))  # without a draw: the city stays
    Match.objects.bulk_create(matches, batch_size=1000)
    # Some families ask for a reconsideration of their triage (letters/): a few a month, most
    # decided within weeks, most upheld; the last ones still open.
    requests = []
    for plan in plans:
        case = plan.registration
        if case.route in ("", Route.CRISIS) or not case.triaged_on or rng.random() > RECONSIDERED_SHARE:
            continue
        received = case.triaged_on + timedelta(days=rng.randint(1, 40))
        if received > last:
            continue
        days = rng.randint(3, 30)
        decided = received + timedelta(days=days) if received + timedelta(days=days) <= last else None
        requests.append(Reconsideration(
            registration=case, received_on=received, objection="Bezwaar (synthetisch)", route_objected=case.route,
            decided_on=decided, decided_at=at_noon(decided) if decided else None, days_to_decide=days if decided else None,
            outcome=("" if decided is None else Outcome.CHANGED if rng.random() < 0.25 else Outcome.UPHELD),
        ))
    Reconsideration.objects.bulk_create(requests, batch_size=1000)
    return teams


# --- The true counts, straight from the register (not through reporting/monthly.py). ---------
def month_of(day):
    return f"{day:%Y-%m}"


def true_atoms(year, today):
    """{(measure, month, team, product, key): n} counted from the register's own fields, and
    ("carry", first month, team, product, ""): trajectories open when the year starts."""
    atoms = Counter()
    for received, team, product, channel, former, triaged, route, due, contacted in Registration.objects.values_list(
        "received_on", "team__public_id", "product", "channel", "former_trajectory_id", "triaged_on", "route",
        "contact_due", "contacted_on",
    ):
        team = str(team)
        atoms["received", month_of(received), team, product, channel] += 1
        if former:
            atoms["returning", month_of(received), team, product, ""] += 1
        if triaged:
            atoms["triaged", month_of(triaged), team, product, route] += 1
        if due and due <= today:
            atoms["due", month_of(due), team, product, ""] += 1
            if contacted and contacted <= due:
                atoms["on_time", month_of(due), team, product, ""] += 1
    year_starts = date(year, 1, 1)
    for started, ended, matched, reason, product, team in Trajectory.objects.values_list(
        "started_on", "ended_on", "first_matched_on", "end_reason", "product", "registration__team__public_id",
    ):
        team = str(team)
        if matched:
            atoms["matched", month_of(matched), team, product, ""] += 1
        if started and started < year_starts:
            if ended is None or ended >= year_starts:
                atoms["carry", month_of(year_starts), team, product, ""] += 1
        elif started:
            atoms["started", month_of(started), team, product, ""] += 1
        if ended and ended >= year_starts:
            atoms["ended", month_of(ended), team, product, reason] += 1
    for proposed, approved, team, product in SecondCheck.objects.values_list(
        "proposed_at", "approved", "registration__team__public_id", "registration__product",
    ):
        month = month_of(timezone.localdate(proposed))
        atoms["proposed", month, str(team), product, ""] += 1
        if approved is not None:
            atoms["approved" if approved else "rejected", month, str(team), product, ""] += 1
    for ended, team, product in Match.objects.filter(role=MatchRole.LEAD).exclude(end_reason="").values_list(
        "ended_at", "trajectory__registration__team__public_id", "trajectory__product",
    ):
        atoms["rematched", month_of(timezone.localdate(ended)), str(team), product, ""] += 1
    # Safety cards (issue 29): closed trajectories with a card; referred on with the card shared.
    from basisjeugdhulp.safety.models import CardShare, SafetyCard

    carded = set(SafetyCard.objects.values_list("registration_id", flat=True))
    shared = set(CardShare.objects.values_list("registration_id", flat=True))
    for ended, started, reason, product, team, registration in Trajectory.objects.filter(
        ended_on__isnull=False, registration_id__in=carded | shared,
    ).values_list("ended_on", "started_on", "end_reason", "product", "registration__team__public_id", "registration_id"):
        if not started or ended < year_starts:
            continue
        if registration in carded:
            atoms["carded", month_of(ended), str(team), product, ""] += 1
        if registration in shared and reason == EndReason.REFERRED:
            atoms["referred_card", month_of(ended), str(team), product, ""] += 1
    for matched, team, product in Trajectory.objects.filter(
        first_matched_on__isnull=False, matches__interpreter_needed=True
    ).distinct().values_list("first_matched_on", "registration__team__public_id", "product"):
        atoms["interpreter", month_of(matched), str(team), product, ""] += 1
    for received, decided, outcome, team, product in Reconsideration.objects.values_list(
        "received_on", "decided_on", "outcome", "registration__team__public_id", "registration__product",
    ):
        atoms["reconsidered", month_of(received), str(team), product, ""] += 1
        if decided:
            atoms["reconsider_done", month_of(decided), str(team), product, outcome] += 1
    return atoms


# --- What the attacker knows: which atoms each published cell sums. ----------------------------
KEYS = {"received": tuple(Channel.values), "triaged": tuple(Route.values), "ended": tuple(EndReason.values),
        "reconsider_done": tuple(Outcome.values)}
ALL_PRODUCTS = ("", *Product.values)  # "" : an aanmelding not (yet) in basis jeugdhulp
MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Scope:
    code: str
    team: str  # public_id or ""
    product: str
    months: tuple  # "YYYY-MM" of the period
    teams: tuple  # the team filter: every team, or the one
    products: tuple


class Atoms:
    """Expressions over atoms, as the definitions in reporting/figures.py sum them."""

    def __init__(self, model, year, teams):
        self.model, self.year, self.teams = model, year, tuple(teams)
        self.cache = {}

    def sum(self, measure, months, teams, products, keys=None):
        spec = (measure, tuple(months), tuple(teams), tuple(products), tuple(keys or KEYS.get(measure, ("",))))
        if spec not in self.cache:
            terms = {(measure, m, t, p, k): 1 for m in spec[1] for t in spec[2] for p in spec[3] for k in spec[4]}
            self.cache[spec] = self.model.expression(terms)
        return self.cache[spec]

    def active(self, end, teams, products):
        """Open at the end of month `end`: open when the year started, plus started, minus ended."""
        spec = ("active", end, tuple(teams), tuple(products))
        if spec not in self.cache:
            months = [f"{self.year}-{m:02d}" for m in range(1, int(end[5:]) + 1)]
            terms = {("carry", f"{self.year}-01", t, p, ""): 1 for t in teams for p in products}
            terms.update({key: 1 for key, _c in self._names(self.sum("started", months, teams, products))})
            terms.update({key: -1 for key, _c in self._names(self.sum("ended", months, teams, products))})
            self.cache[spec] = self.model.expression(terms)
        return self.cache[spec]

    def _names(self, expression):
        return [(self.model.names[column], c) for column, c in expression]

    def natural(self, months):
        """What holds whatever the figures: on time <= due, returning <= received, decided <=
        proposed, and nothing is open less than zero at any month's end of the year."""
        known = self.model.index
        for m in months:
            for t in self.teams:
                for p in ALL_PRODUCTS:
                    if ("on_time", m, t, p, "") in known:
                        self.model.at_most({("on_time", m, t, p, ""): 1}, {("due", m, t, p, ""): 1})
                    if ("returning", m, t, p, "") in known:
                        self.model.at_most({("returning", m, t, p, ""): 1},
                                           {("received", m, t, p, k): 1 for k in KEYS["received"]})
                    if ("approved", m, t, p, "") in known:
                        self.model.at_most({("approved", m, t, p, ""): 1, ("rejected", m, t, p, ""): 1},
                                           {("proposed", m, t, p, ""): 1})
                    if m.startswith(f"{self.year}-"):
                        self.model.at_least_zero(dict(self._names(self.active(m, (t,), (p,)))))


def meaning(atoms, scope, table, row, column):
    """("count", expression) | ("share", numerator, base) | ("ignored", why) | None (unmapped)."""
    sums = atoms.sum
    months, teams, products = scope.months, scope.teams, scope.products
    single = {
        "channels": lambda: sums("received", months, teams, products, [row]) if row in Channel.values else None,
        "end_reasons": lambda: sums("ended", months, teams, products, [row]) if row in EndReason.values else None,
        "second_check": lambda: (sums(row, months, teams, products)
                                 if row in ("proposed", "approved", "rejected") else None),
    }
    if table in single:
        found = single[table]() if column == 0 else None
        return ("count", found) if found is not None else None
    if table == "triage" and column == 0:
        if row.startswith("product_") and row[8:] in Product.values:
            return "count", sums("triaged", months, teams, [p for p in products if p == row[8:]], [Route.BASIC])
        if row == "route_sent_back":  # sent back by the tweede lezer, product still to choose
            return "count", sums("triaged", months, teams, [p for p in products if p == ""], [Route.BASIC])
        if row.startswith("route_") and row[6:] in Route.values:
            return "count", sums("triaged", months, teams, products, [row[6:]])
        return None
    if table == "contact" and column == 0:
        due, on_time = sums("due", months, teams, products), sums("on_time", months, teams, products)
        return {"due": ("count", due), "on_time": ("count", on_time), "share": ("share", on_time, due),
                "median": ("ignored", "median")}.get(row)
    if table == "trajectories" and column == 0:
        return {
            "active": lambda: ("count", atoms.active(months[-1], teams, products)),
            "started": lambda: ("count", sums("started", months, teams, products)),
            "closed": lambda: ("count", sums("ended", months, teams, products)),
        }.get(row, lambda: None)()
    if table == "products":  # every product, whatever the product filter
        if row not in Product.values or column > 2:
            return None
        return ("count", sums("ended", months, teams, [row])) if column == 0 else ("ignored", "average")
    if table == "safety":  # every product, whatever the product filter
        if row not in Product.values or column > 5:
            return None
        referred = lambda: sums("ended", months, teams, [row], [EndReason.REFERRED])  # noqa: E731
        return (
            lambda: ("count", sums("ended", months, teams, [row])),
            lambda: ("count", sums("carded", months, teams, [row])),
            lambda: ("ignored", "average"),
            lambda: ("ignored", "average"),
            lambda: ("count", referred()),
            lambda: ("share", sums("referred_card", months, teams, [row]), referred()),
        )[column]()
    if table == "signals" and column == 0:
        return {
            "returning": lambda: ("count", sums("returning", months, teams, products)),
            "rematched": lambda: ("count", sums("rematched", months, teams, products)),
            "rematch_rate": lambda: ("share", sums("rematched", months, teams, products),
                                     sums("matched", months, teams, products)),
            "interpreter": lambda: ("count", sums("interpreter", months, teams, products)),
            "crises": lambda: ("count", sums("triaged", months, teams, products, [Route.CRISIS])),
        }.get(row, lambda: None)()
    if table == "reconsideration" and column == 0:  # the family's requests (letters/)
        return {
            "asked": lambda: ("count", sums("reconsidered", months, teams, products)),
            "upheld": lambda: ("count", sums("reconsider_done", months, teams, products, [Outcome.UPHELD])),
            "changed": lambda: ("count", sums("reconsider_done", months, teams, products, [Outcome.CHANGED])),
            "days": lambda: ("ignored", "average"),
        }.get(row, lambda: None)()
    if table == "teams":  # every team, whatever the team filter
        if row not in atoms.teams or column > 5:
            return None
        if column >= 4:
            return "ignored", "professionals"
        return "count", (
            sums("received", months, [row], products), sums("triaged", months, [row], products),
            atoms.active(months[-1], [row], products), sums("ended", months, [row], products),
        )[column]
    if table == "evaluation":
        # The evaluation interviews are counted from their own rows (evaluation/results.py), none
        # in this year's data: every cell is a published zero. tests/test_evaluation.py checks
        # that their cells are the cell-key counts of their interviews.
        return "ignored", "evaluation interviews"
    if table == "trend" and MONTH.match(row):
        month = [row]
        if column == 0:
            return "count", sums("received", month, teams, products)
        if column == 1:
            return "share", sums("on_time", month, teams, products), sums("due", month, teams, products)
    return None


# --- Fetching every scope and reading it. ----------------------------------------------------
@pytest.fixture
def token(db):
    client = ApiClient(name="Open data-onderzoeker")
    secret = client.issue_token()
    client.save()
    return secret


def every_scope(year, teams):
    """Every period of the year the filter offers, × all teams and each, × all products and each."""
    offered = {code for code, _label in periods.choices(timezone.localdate())}
    codes = [f"{year}-{m:02d}" for m in range(1, 13)] + [f"{year}-K{q}" for q in range(1, 5)] + [str(year)]
    if not set(codes) <= offered:  # never an expected failure: only a recovered count is one
        pytest.fail(f"the filter no longer offers every period of {year}: {sorted(set(codes) - offered)}")
    for code in codes:
        period = Period.parse(code)
        months = tuple(f"{first:%Y-%m}" for first, _last in period.months())
        for team in ("", *teams):
            for product in ("", *Product.values):
                yield Scope(code, team, product, months, (team,) if team else tuple(teams),
                            (product,) if product else ALL_PRODUCTS)


@dataclass
class Tally:
    """What was fetched and how it was read."""

    scopes: int = 0
    cells: int = 0
    constraints: int = 0
    shares: int = 0
    ignored: Counter = field(default_factory=Counter)  # not modelled, on purpose
    unmapped: Counter = field(default_factory=Counter)  # not understood: skipped


def read_scope(model, atoms, scope, data, names, tally):
    protection = data.get("protection")
    deviation = None
    if protection:
        if protection.get("method") != "cell-key":
            pytest.fail(f"the attacker reads cell-key protection only, not {protection}")
        deviation = protection["max_deviation"]
    where = f"{scope.code} {names.get(scope.team, 'all teams')} {scope.product or 'all products'}"
    for table in data["tables"]:
        lines = [(row["key"], row["label"], row["values"]) for row in table["rows"]]
        by_column = defaultdict(list)  # what each row's cell means, per column, for the total
        for key, label, values in lines + [(None, "Total", table["total"] or [])]:
            for column, value in enumerate(values):
                tally.cells += 1
                if key is None:  # a total is the sum of its rows, as figures.py adds them
                    what = total_meaning(model, by_column[column], len(lines))
                else:
                    what = meaning(atoms, scope, table["key"], key, column)
                    by_column[column].append(what)
                if what is None:
                    tally.unmapped[f"{table['key']} / {key or 'total'} / column {column}"] += 1
                    continue
                described = f"{where}: {table['key']} / {label} / {table['columns'][column]} = {value}"
                if what[0] == "ignored":
                    tally.ignored[what[1]] += 1
                elif what[0] == "share":
                    if deviation is not None:
                        tally.ignored["share of published numbers"] += 1
                    elif model.share(what[1], what[2], value, label=described):
                        tally.shares += 1
                elif not what[1]:
                    tally.ignored["always zero"] += 1
                elif model.publish(what[1], value, deviation, label=described):
                    tally.constraints += 1


def total_meaning(model, rows, expected):
    if len(rows) != expected or any(row is None for row in rows):
        return None
    if all(row[0] == "count" for row in rows):
        return "count", model.combine(*(row[1] for row in rows))
    if all(row[0] == "ignored" for row in rows):
        return rows[0]
    return None


def fetch_and_read(client, token, year, teams):
    model = Model()
    team_ids = [str(team.public_id) for team in teams]
    names = {str(team.public_id): team.name for team in teams}
    atoms = Atoms(model, year, team_ids)
    tally = Tally()
    months = set()
    for scope in every_scope(year, team_ids):
        query = {"periode": scope.code, **({"team": scope.team} if scope.team else {}),
                 **({"product": scope.product} if scope.product else {})}
        response = client.get(reverse("reporting:api"), query, headers={"Authorization": f"Bearer {token}"})
        if response.status_code != 200:
            pytest.fail(f"the feed refused {query}: {response.status_code}")
        data = response.json()
        tally.scopes += 1
        months.update(scope.months)
        months.update(row["key"] for table in data["tables"] if table["key"] == "trend" for row in table["rows"])
        read_scope(model, atoms, scope, data, names, tally)
    atoms.natural(sorted(months))
    return model, tally


@pytest.mark.slow
def test_no_small_count_can_be_recovered_from_every_scope_of_a_year(client, token):
    clock_started = time.perf_counter()
    today = timezone.localdate()
    year = today.year - 1
    teams = build_city(year)
    fresh_statistics()
    built = time.perf_counter()
    model, tally = fetch_and_read(client, token, year, teams)
    fetched = time.perf_counter()
    truth = true_atoms(year, today)

    wrong = model.violated(truth)
    if wrong:  # a broken attack, not a protected figure: never an expected failure
        pytest.fail(f"the attacker's model does not match the figures ({len(wrong)} constraints broken by the "
                    f"true counts), e.g. {wrong[:5]}")
    published = tally.cells - sum(tally.ignored.values())
    if sum(tally.unmapped.values()) > 0.05 * published:  # a blind attacker proves nothing
        pytest.fail(f"the attacker cannot read {sum(tally.unmapped.values())} of {published} cells: "
                    f"{dict(tally.unmapped)}")
    outcome = model.solve(truth, time_limit=5.0, budget=120.0)
    if outcome.targets < 500:
        pytest.fail(f"the synthetic city has only {outcome.targets} small counts to attack")
    names = {str(team.public_id): team.name for team in teams}
    kinds = Counter(kind_of(item.label) for item in outcome.pinned)
    print(
        f"\nThe city: {city(year)}"
        f"\nDisclosure attack on {year}: {tally.scopes} scopes fetched, {tally.cells} cells published, "
        f"{tally.constraints} count readings and {tally.shares} shares read into {len(model.rows)} distinct "
        f"constraints (natural ones included) over {len(model.names)} atoms; not modelled: {dict(tally.ignored)}; "
        f"unmapped (skipped): {sum(tally.unmapped.values())} {dict(tally.unmapped)}\n"
        f"Targets (true value 1-4; distinct published counts and atoms): {outcome.targets}; "
        f"pinned exactly: {len(outcome.pinned)} {dict(kinds)}; undecided: {len(outcome.undecided)}\n"
        f"{outcome.components} components (largest {outcome.largest_component} atoms), "
        f"{outcome.programs} integer programs; build {built - clock_started:.1f} s, fetch {fetched - built:.1f} s, "
        f"solve {outcome.seconds:.1f} s"
    )
    for item in examples(model, outcome.pinned):
        print(readable(f"  pinned {item.value}: {item.label}\n    {item.how}", names))
    assert outcome.pinned == [], readable(
        f"{len(outcome.pinned)} of {outcome.targets} small counts are recovered exactly, e.g. "
        + "; ".join(f"{item.label} is {item.value}" for item in outcome.pinned[:3]), names,
    )


def fresh_statistics():
    """The planner's row counts for the city just built (in this test's transaction). Without
    them, an autovacuum after an earlier test's flush leaves it counting empty tables, and the
    monthly counts' joins become nested loops that take seconds each."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE intake_registration, trajectories_trajectory, matching_match, intake_secondcheck")


def city(year):
    received = Registration.objects.filter(received_on__year=year)
    trajectories = Trajectory.objects.filter(registration__team__name__in=[name for name, *_r in TEAMS])
    return (
        f"{received.count()} aanmeldingen in {year} ({received.filter(former_trajectory__isnull=False).count()} "
        f"returning, {received.filter(route=Route.CRISIS).count()} crises, "
        f"{received.filter(route=Route.ADVICE).count()} advice, "
        f"{SecondCheck.objects.filter(proposed_at__year=year).count()} second checks), "
        f"{trajectories.filter(started_on__year=year).count()} trajectories started, "
        f"{trajectories.filter(ended_on__year=year).count()} closed, "
        f"{trajectories.filter(started_on__lt=date(year, 1, 1)).count()} started the year before, "
        f"{Match.objects.rematches().count()} re-matches"
    )


def kind_of(label):
    """The table a pinned published count is in ("atom" for a single atom)."""
    return "atom" if label.startswith("atom ") else label.split(": ", 1)[1].split(" / ", 1)[0]


def examples(model, pinned, per_table=3, tables=8):
    """A pinned count of a few tables, each with the shortest explanation of `per_table` tried."""
    chosen = {}
    for item in pinned:
        kind = kind_of(item.label)
        if kind not in chosen and len(chosen) == tables:
            continue
        tried = chosen.setdefault(kind, [])
        if len(tried) < per_table:
            item.how = model.explain(item)
            tried.append(item)
    return [min(tried, key=lambda item: (item.how.count("\n"), len(item.how))) for tried in chosen.values()]


def readable(text, names):
    for public_id, name in names.items():
        text = text.replace(public_id, name)
    return text


def test_the_attacker_finds_a_cell_hidden_next_to_its_total_and_not_a_perturbed_one():
    """Total 10, rows 7 and "<5": the hidden row is 3. Read as cell-key figures with a
    deviation of up to 4, the same numbers leave it open."""
    truth = {"a": 7, "b": 3}

    exact = Model()
    exact.publish({"a": 1, "b": 1}, 10, label="total")
    exact.publish({"a": 1}, 7, label="row a")
    exact.publish({"b": 1}, "<5", label="row b")
    assert exact.violated(truth) == []
    pinned = exact.solve(truth).pinned
    assert [(p.label, p.value) for p in pinned] == [("row b", 3)]
    proof = "10 [total]\n        - 7 [row a]"
    assert exact.explain(pinned[0]) == f"<= 3: {proof}\n    >= 3: {proof}"

    perturbed = Model()
    perturbed.publish({"a": 1, "b": 1}, 10, deviation=4, label="total")
    perturbed.publish({"a": 1}, 7, deviation=4, label="row a")
    perturbed.publish({"b": 1}, 5, deviation=4, label="row b")
    assert perturbed.violated(truth) == []
    outcome = perturbed.solve(truth)
    assert outcome.targets == 1 and outcome.pinned == []


def test_a_share_with_its_base_gives_the_numerator_back():
    """Deadlines 20, on time "<5", share 15.0 %: on time is 3."""
    truth = {"due": 20, "on_time": 3}
    model = Model()
    model.publish({"due": 1}, 20, label="due")
    model.publish({"on_time": 1}, "<5", label="on time")
    model.share({"on_time": 1}, {"due": 1}, 15.0, label="share")
    model.at_most({"on_time": 1}, {"due": 1})
    assert [(p.label, p.value) for p in model.solve(truth).pinned] == [("on time", 3)]
