"""The municipality's figures are current (issue 19): after every step of a random day at the
register — aanmeldingen, triage, the tweede lezer, first contact, matching and re-matching,
closing and reopening, corrections of dates through save() and through QuerySet.update(), deletions — every
published figure equals what a fresh recount of the whole register publishes.

The running month's documented delay (FIGURES_RUNNING_MONTH_DELAY) is set to zero here, so
every month, the running one too, must be current after every step."""

import statistics
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from basisjeugdhulp.intake.models import Registration, SecondCheck
from basisjeugdhulp.intake.routes import Channel, ContactMode, Product, Route, Status
from basisjeugdhulp.reporting import exports, figures, monthly
from basisjeugdhulp.reporting.periods import Period
from basisjeugdhulp.trajectories.models import EndReason, Trajectory
from matching import assignment
from matching.models import Professional, RematchReason
from tests import factories

pytestmark = pytest.mark.slow

DAYS_BACK = 150  # five months of register, spread over at least two quarters
picks = st.integers(min_value=0, max_value=10_000)  # which record a rule acts on (modulo)


class ADayAtTheRegister(RuleBasedStateMachine):
    personas = None  # set by the test

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.savepoint_create()
        self.today = timezone.localdate()
        self.teams = [self.personas.team, self.personas.other_team]
        self.by = self.personas.triagist

    def teardown(self):
        transaction.savepoint_rollback(self.savepoint)

    def day(self, back):
        return self.today - timedelta(days=back)

    def pick(self, queryset, which):
        rows = list(queryset.order_by("pk"))
        return rows[which % len(rows)] if rows else None

    # --- what happens at the register --------------------------------------------------------

    @initialize(families=st.lists(
        st.tuples(st.integers(0, DAYS_BACK), st.integers(0, 1), st.sampled_from(Route.values),
                  st.sampled_from(Product.values), st.integers(-1, 12), st.integers(-1, 20)),
        min_size=6, max_size=14,
    ))
    def a_register_with_history(self, families):
        """Families in every state to start from, so each step can act on something."""
        for back, team, route, product, contact_after, closed_after in families:
            case = factories.registration(self.teams[team], received_on=self.day(back))
            self.triage_case(case, route, product, case.received_on)
            if case.status == Status.AWAITING_CONTACT and contact_after >= 0:
                self.contact_case(case, contact_after)
                if closed_after >= 0:
                    journey = case.trajectory
                    journey.close(min(journey.started_on + timedelta(weeks=closed_after), self.today), "goal", Decimal(2))

    @rule(back=st.integers(0, DAYS_BACK), team=st.integers(0, 1), channel=st.sampled_from(Channel.values))
    def an_aanmelding(self, back, team, channel):
        factories.registration(self.teams[team], received_on=self.day(back), channel=channel)

    @rule(which=picks, route=st.sampled_from(Route.values), product=st.sampled_from(Product.values),
          after=st.integers(0, 3))
    def triage(self, which, route, product, after):
        case = self.pick(Registration.objects.filter(status=Status.NEW), which)
        if case is not None:
            self.triage_case(case, route, product, min(case.received_on + timedelta(days=after), self.today))

    def triage_case(self, case, route, product, day):
        if route == Route.BASIC:
            case.route_to_basic(product, self.by, day)
            return
        if route == Route.CRISIS:
            case.end_as_crisis(self.by, day)
        elif route == Route.ADVICE:
            case.route, case.status, case.triaged_on = Route.ADVICE, Status.ADVISED, day
        else:
            case.route, case.status, case.triaged_on = Route.SPECIALIST, Status.SECOND_CHECK, case.triaged_on or day
            check = SecondCheck.objects.create(registration=case, proposed_by=self.by, motivation="Zorgen.")
            # Proposed on the triage day: a bulk update, as a correction would be.
            SecondCheck.objects.filter(pk=check.pk).update(
                proposed_at=timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
            )
        case.save()

    @rule(which=picks, approve=st.booleans())
    def the_tweede_lezer_decides(self, which, approve):
        check = self.pick(SecondCheck.objects.filter(decided_at=None), which)
        if check is None:
            return
        check.approved, check.decided_at, check.decided_by = approve, timezone.now(), self.personas.second_reader
        check.save(update_fields=["approved", "decided_at", "decided_by"])
        case = check.registration
        if approve:
            case.status = Status.REFERRED
        else:
            case.route, case.status = Route.BASIC, Status.NEW  # sent back: its own row
        case.save(update_fields=["route", "status"])

    @rule(which=picks, after=st.integers(0, 12))
    def first_contact(self, which, after):
        case = self.pick(Registration.objects.filter(status=Status.AWAITING_CONTACT), which)
        if case is not None:
            self.contact_case(case, after)

    def contact_case(self, case, after):
        case.contacted_on = min(case.triaged_on + timedelta(days=after), self.today)
        case.contact_mode, case.status = ContactMode.PHONE, Status.CONTACTED
        case.save()
        journey = case.trajectory
        journey.started_on = case.contacted_on
        journey.save()

    @rule(which=picks, rematch=st.booleans())
    def matching(self, which, rematch):
        journey = self.pick(Trajectory.objects.filter(ended_on=None), which)
        if journey is None:
            return
        team = journey.registration.team
        professional = self.pick(Professional.objects.filter(team=team).exclude(pk=journey.lead_id), which)
        if professional is None:
            return
        if rematch and journey.lead_id:
            assignment.rematch(journey, professional, self.by, reason=RematchReason.NO_CLICK)
        else:
            assignment.assign(journey, professional, self.by)

    @rule(which=picks, weeks=st.integers(0, 20), reason=st.sampled_from(EndReason.values),
          hours=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("12"), places=1))
    def close(self, which, weeks, reason, hours):
        journey = self.pick(Trajectory.objects.filter(ended_on=None).exclude(started_on=None), which)
        if journey is None:
            return
        journey.close(min(journey.started_on + timedelta(weeks=weeks), self.today), reason, hours)

    @rule(which=picks)
    def reopen_a_mistaken_close(self, which):
        journey = self.pick(Trajectory.objects.exclude(closed_at=None), which)
        if journey is not None:
            journey.reopen(self.by, "Verkeerd gezin afgesloten.")

    @rule(which=picks, field=st.sampled_from(["received_on", "triaged_on", "contacted_on"]),
          shift=st.integers(-60, 60), in_bulk=st.booleans())
    def correct_a_date(self, which, field, shift, in_bulk):
        case = self.pick(Registration.objects.exclude(**{field: None}), which)
        if case is None:
            return
        day = min(getattr(case, field) + timedelta(days=shift), self.today)
        if in_bulk:
            Registration.objects.filter(pk=case.pk).update(**{field: day})
        else:
            setattr(case, field, day)
            case.save()

    @rule(which=picks, shift=st.integers(-60, 60), in_bulk=st.booleans())
    def correct_when_help_ended(self, which, shift, in_bulk):
        journey = self.pick(Trajectory.objects.exclude(ended_on=None), which)
        if journey is None:
            return
        day = min(max(journey.ended_on + timedelta(days=shift), journey.started_on), self.today)
        if in_bulk:
            Trajectory.objects.filter(pk=journey.pk).update(ended_on=day)
        else:
            journey.ended_on = day
            journey.save()

    @rule(which=picks)
    def destroy_a_file(self, which):
        case = self.pick(Registration.objects.all(), which)
        if case is not None:
            case.delete()

    # --- what the municipality sees --------------------------------------------------------

    def scopes(self):
        year = Period.parse(str(self.today.year))
        quarter = Period.parse(f"{self.today.year}-K{(self.today.month - 1) // 3 + 1}")
        month = Period.parse(f"{self.today:%Y-%m}")
        earlier = Period.parse(f"{self.day(60):%Y-%m}")
        return [
            figures.Scope(year),
            figures.Scope(year, team=self.teams[1]),
            figures.Scope(quarter, product=Product.FAMILY_MEDIUM),
            figures.Scope(month),
            figures.Scope(earlier, team=self.teams[0], product=Product.INDIVIDUAL_MEDIUM),
        ]

    def published(self):
        shown = [exports.as_json(scope, figures.report(scope, self.today)) for scope in self.scopes()]
        lump = figures.lump_sum(self.scopes()[0].period, self.today)
        return shown, {key: lump[key] for key in ("used_hours", "withheld", "points")}

    @invariant()
    def every_figure_equals_a_fresh_recount(self):
        published = self.published()
        recount = transaction.savepoint_create()
        monthly.rebuild_all(self.today)
        fresh = self.published()
        transaction.savepoint_rollback(recount)
        assert published == fresh


@pytest.mark.django_db
def test_every_published_figure_equals_a_fresh_recount_after_every_change(personas, settings_override):
    ADayAtTheRegister.personas = personas
    run_state_machine_as_test(
        ADayAtTheRegister,
        settings=settings(max_examples=10, stateful_step_count=10, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]),
    )


@pytest.fixture
def settings_override(settings):
    settings.FIGURES_RUNNING_MONTH_DELAY = 0
    return settings


@given(st.dictionaries(st.integers(0, 60), st.integers(0, 3000), max_size=40))
@settings(max_examples=300, deadline=None)
def test_the_median_of_a_histogram_is_the_median_of_the_families_it_counts(histogram):
    """The median working days to first contact comes from {days: how many families}: at country
    scale tens of thousands each, so it is found value by value, never family by family."""
    families = [days for days, how_many in histogram.items() for _ in range(how_many)]
    middle, n = figures.median_of(histogram)
    assert n == len(families)
    assert middle == (statistics.median(families) if families else None)
