from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from basisjeugdhulp.accounts.access import forbidden
from basisjeugdhulp.accounts.roles import Role, roles_of
from basisjeugdhulp.audit import reads
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake import file_lock
from basisjeugdhulp.intake import queue as five_day_queue
from basisjeugdhulp.intake.forms import (
    CHILDREN_PREFIX,
    ChildFormSet,
    FirstContactForm,
    RegistrationForm,
    SecondCheckForm,
    TriageForm,
    children_rows,
)
from basisjeugdhulp.intake.models import Child, Registration, SecondCheck
from basisjeugdhulp.intake.returning import store_family_keys
from basisjeugdhulp.intake.routes import CRISIS_LINE, Product, Route, Status
from basisjeugdhulp.teams.models import Team
from matching import assignment
from matching.membership import teams_of
from matching.models import Professional


class QueueFilter(forms.Form):
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=gettext_lazy("All my teams"),
    )
    product = forms.ChoiceField(label=gettext_lazy("Product"), required=False)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["product"].choices = [("", _("All products")), *Product.choices]


def queue(request):
    """The triagist's start page: the five-working-day queue of the own team(s)."""
    teams = teams_of(request.user)

    def make_filters():
        return QueueFilter(request.GET or None, teams=Team.objects.filter(pk__in=[team.pk for team in teams]))

    if request.GET:
        filters = make_filters()
        chosen = filters.cleaned_data if filters.is_valid() else {}
    else:  # nothing chosen: the form is drawn only when its kept HTML is missing (~0.3 ms)
        filters, chosen = SimpleLazyObject(make_filters), {}
    queue = five_day_queue.build(
        request.user, timezone.localdate(), team=chosen.get("team"), product=chosen.get("product") or "",
    )
    reads.listed(request, queue.named())
    context = {
        "queue": queue,
        "filters": filters,
        # What the filter's HTML shows (templates/intake/queue.html keeps it drawn): the teams by
        # name and the choice in the address, which a refused choice shows as refused.
        "filters_key": repr(([(team.pk, team.name) for team in teams], sorted(request.GET.lists()))),
        "teams": teams,
    }
    template = "intake/queue.html#queue" if request.htmx else "intake/queue.html"
    return render(request, template, context)


def _initial_from(data):
    initial = {name: data.get(name) for name in RegistrationForm.base_fields}
    initial["categories"] = data.getlist("categories")
    initial["has_preference"] = bool(data.get("has_preference"))
    return initial


def new_registration(request):
    """Record an aanmelding in one screen. Children rows are added and removed in place."""
    team = next(iter(teams_of(request.user)), None)
    if team is None:
        messages.error(request, _("You are not part of a WIJ team yet, so you cannot record an aanmelding."))
        return redirect("intake:queue")

    if request.method == "POST" and ("add_child" in request.POST or "remove_child" in request.POST):
        # The children editor: re-render with one row more or less, keeping everything typed.
        try:
            remove = int(request.POST.get("remove_child", ""))
        except ValueError:
            remove = None
        rows = children_rows(request.POST, add="add_child" in request.POST, remove=remove)
        form = RegistrationForm(initial=_initial_from(request.POST))
        children = ChildFormSet(prefix=CHILDREN_PREFIX, initial=rows)
        template = "intake/new.html#children" if request.htmx else "intake/new.html"
        return render(request, template, {"form": form, "children": children, "team": team})

    if request.method == "POST":
        form = RegistrationForm(request.POST)
        children = ChildFormSet(request.POST, prefix=CHILDREN_PREFIX)
        if form.is_valid() and children.is_valid():
            submission_id = form.cleaned_data["submission_id"]
            earlier = Registration.objects.visible_to(request.user).filter(submission_id=submission_id)
            if submission_id and earlier.exists():
                messages.info(request, _("This aanmelding was already saved."))
                return redirect("intake:registration", earlier.get().public_id)
            try:
                registration = _save_registration(request, form, children, team)
            except IntegrityError:  # the same form sent twice at the same moment
                registration = earlier.get()
            messages.success(request, _("Aanmelding saved. Decide the route below."))
            return redirect("intake:registration", registration.public_id)
    else:
        form = RegistrationForm()
        children = ChildFormSet(prefix=CHILDREN_PREFIX)
    return render(request, "intake/new.html", {"form": form, "children": children, "team": team})


@transaction.atomic
def _save_registration(request, form, children, team):
    registration = form.save(commit=False)
    registration.team = team
    registration.created_by = request.user
    registration.submission_id = form.cleaned_data["submission_id"]
    registration.save()
    form.save_m2m()
    Child.objects.bulk_create(
        Child(registration=registration, **row.child_fields())
        for row in children.forms
        if row.cleaned_data
    )
    store_family_keys(registration)
    AccessEvent.record(request, Action.CREATE, registration)
    return registration


# What the family's file shows beside the aanmelding itself, joined into its query. PostgreSQL
# plans these joins once per connection (prepared statements, settings.py).
FILE_JOINS = ("trajectory__lead__user", "trajectory__duo__user", "former_trajectory__lead__user")


def _registration_for(request, public_id):
    """The aanmelding by its public id, if the user may see it (else 404); the read is in the
    access log before anything of it is shown (audit/reads.py). A writer whose file was
    destroyed meanwhile is told so (intake/file_lock.py)."""
    try:
        registration = (
            Registration.objects.visible_to(request.user)
            .select_related(*FILE_JOINS)
            .with_children()
            .with_category_codes()
            .get(public_id=public_id)
        )
    except Registration.DoesNotExist:
        file_lock.not_found(request, Registration, public_id=public_id)
    return reads.opened(request, registration)


def _page(request, registration, *, conflict=None, status=200, **forms_):
    roles = roles_of(request.user)
    context = {"registration": registration, "crisis_line": CRISIS_LINE}
    if registration.status == Status.NEW and Role.TRIAGIST in roles:
        initial = {"route": Route.BASIC} if registration.route == Route.BASIC else {}
        context["triage_form"] = forms_.get("triage_form") or TriageForm(initial=initial)
    if registration.status == Status.AWAITING_CONTACT and roles & {Role.TRIAGIST, Role.PROFESSIONAL}:
        context["contact_form"] = forms_.get("contact_form") or FirstContactForm(
            registration=registration
        )
    trajectory = getattr(registration, "trajectory", None)
    if trajectory is not None and (
        Role.TRIAGIST in roles or trajectory.is_professional(request.user)
    ):
        context["trajectory_link"] = trajectory
    # The safety card (safety/models.py files_visible_to): the same people as the trajectory's
    # page, and the team's triagists already at the aanmelding.
    context["safety_link"] = Role.TRIAGIST in roles or "trajectory_link" in context
    # The matching panel scores the whole team; htmx fetches it once the file is on screen, so
    # the file itself (what the family told, first contact) is not held up by it.
    context["matching_panel"] = (
        Role.TRIAGIST in roles and trajectory is not None and trajectory.ended_on is None
    )
    if registration.status == Status.NEW:  # sent back by the tweede lezer?
        context["last_check"] = registration.second_checks.last()
    context["conflict"] = conflict
    if settings.CBS_BSN:  # shown masked only (cbs/bsn.py); the digits go only to the CBS extract
        context["child_bsns"] = [
            (child.first_name, child.masked_bsn) for child in registration.children.exclude(bsn_token="")
        ]
    return render(request, "intake/registration.html", context, status=status)


def _someone_else_was_first(request, registration, typed):
    """The second of two saves: refused with what changed, and what this user typed kept on
    the page (status 409), never silently overwriting the first."""
    registration = _registration_for(request, registration.public_id)
    if registration.status == Status.CONTACTED:
        who, when = registration.contacted_by, registration.contacted_on
        what = _("first contact recorded (%(mode)s)") % {"mode": registration.get_contact_mode_display()}
    else:
        who, when = registration.triaged_by, registration.triaged_on
        what = registration.get_route_display() + (f" · {registration.get_product_display()}" if registration.product else "")
    conflict = {
        "message": _("Meanwhile %(name)s saved this aanmelding on %(date)s: %(what)s. Your input was not saved.")
        % {"name": who.get_full_name() or who.get_username() if who else _("someone"),
           "date": date_format(when, "j F") if when else "—", "what": what},
        "typed": [(label, value) for label, value in typed if value],
    }
    return _page(request, registration, conflict=conflict, status=409)


def registration(request, public_id):
    """The family's file: what was told at intake, the route, the deadline, first contact."""
    return _page(request, _registration_for(request, public_id))


@require_POST
def triage(request, public_id):
    registration = _registration_for(request, public_id)
    typed = [(_("Route"), request.POST.get("route", "")), (_("Product"), request.POST.get("product", "")),
             (_("Motivation"), request.POST.get("motivation", ""))]
    if registration.status != Status.NEW:
        return _someone_else_was_first(request, registration, typed)
    form = TriageForm(request.POST)
    if not form.is_valid():
        return _page(request, registration, triage_form=form)
    today = timezone.localdate()
    route = form.cleaned_data["route"]
    try:
        with transaction.atomic():
            # Two triagists on one aanmelding at once: the file's lock lets only the first through.
            registration = file_lock.lock_file(registration, statuses={Status.NEW})
            done = _decide_route(request, registration, route, form, today)
            AccessEvent.record(request, Action.TRIAGE, registration)
    except file_lock.FileChanged:
        return _someone_else_was_first(request, registration, typed)
    if done:
        messages.success(request, done)
    if route == Route.CRISIS:
        return redirect("intake:crisis")
    return redirect("intake:registration", registration.public_id)


def _decide_route(request, registration, route, form, today):
    """Record the triage decision on the locked aanmelding; what to tell the triagist."""
    done = ""
    if route == Route.BASIC:
        registration.route_to_basic(form.cleaned_data["product"], request.user, today)
        done = _("Routed to basis jeugdhulp. First contact by %(date)s at the latest.") % {
            "date": date_format(registration.contact_due, "l j F")
        }
    elif route == Route.SPECIALIST:
        registration.route = Route.SPECIALIST
        registration.status = Status.SECOND_CHECK
        registration.triaged_on = registration.triaged_on or today
        registration.triaged_by = request.user
        SecondCheck.objects.create(
            registration=registration,
            proposed_by=request.user,
            motivation=form.cleaned_data["motivation"],
        )
        done = _("The proposal went to the tweede lezer.")
    elif route == Route.ADVICE:
        registration.route = Route.ADVICE
        registration.status = Status.ADVISED
        registration.triaged_on = today
        registration.triaged_by = request.user
        done = _("Recorded as advice / elsewhere.")
    else:
        registration.end_as_crisis(request.user, today)
    registration.save()
    return done


def crisis(request):
    """The crisis line, large: a crisis is not handled in the register, only counted."""
    return render(request, "intake/crisis.html", {"crisis_line": CRISIS_LINE})


def _open_checks(request, failed=None, failed_form=None, conflict=None):
    """The open proposals of the own team, each with its own decision form."""
    visible = Registration.objects.visible_to(request.user)
    checks = list(
        SecondCheck.objects.filter(registration__in=visible, decided_at=None)
        .select_related("registration", "proposed_by")
        .prefetch_related("registration__categories")
    )
    # The families' requests for reconsideration routed to this tweede lezer (letters/routing.py).
    from basisjeugdhulp.letters.models import Reconsideration

    reconsiderations = list(
        Reconsideration.objects.open().filter(registration__in=visible, assigned_to=request.user)
        .select_related("registration")
    )
    # Names, question categories and the triagist's motivation: a read of each family's file.
    reads.listed(request, [check.registration for check in checks] + [r.registration for r in reconsiderations])
    for check in checks:
        check.form = (
            failed_form
            if failed is not None and check.pk == failed.pk
            else SecondCheckForm(auto_id=f"check-{check.public_id}-%s")
        )
    return render(
        request, "intake/second_check.html",
        {"checks": checks, "failed_form": failed_form, "reconsiderations": reconsiderations, "conflict": conflict},
        status=409 if conflict else 200,
    )


def second_check(request):
    """The tweede lezer's start page: proposed referrals to specialist care of the own team."""
    return _open_checks(request)


@require_POST
def decide(request, public_id):
    """Approve or reject a proposed referral. Nobody decides on their own proposal."""
    visible = Registration.objects.visible_to(request.user)
    try:
        check = SecondCheck.objects.filter(registration__in=visible).select_related("registration").get(
            public_id=public_id
        )
    except SecondCheck.DoesNotExist:
        file_lock.not_found(request, SecondCheck, public_id=public_id)
    if not check.may_be_decided_by(request.user):
        return forbidden(request)
    form = SecondCheckForm(request.POST, auto_id=f"check-{check.public_id}-%s")
    typed = [(_("Decision"), dict(form.fields["decision"].choices).get(request.POST.get("decision"), "")),
             (_("Note"), request.POST.get("note", ""))]
    if not check.is_open:
        return _decided_meanwhile(request, check, typed)
    if not form.is_valid():
        return _open_checks(request, failed=check, failed_form=form)
    try:
        with transaction.atomic():
            # Two tweede lezers on one proposal at once: the file's lock lets only the first through.
            registration = file_lock.lock_file(check.registration, statuses={Status.SECOND_CHECK})
            check = SecondCheck.objects.get(pk=check.pk)
            if not check.is_open:
                raise file_lock.FileChanged(registration)
            check.decided_by = request.user
            check.decided_at = timezone.now()
            check.approved = form.cleaned_data["decision"] == "approve"
            check.note = form.cleaned_data["note"]
            check.save(update_fields=["decided_by", "decided_at", "approved", "note"])
            if check.approved:
                registration.status = Status.REFERRED
            else:
                # Back to triage as basis jeugdhulp: the triagist picks the product.
                registration.route = Route.BASIC
                registration.status = Status.NEW
            registration.save(update_fields=["route", "status"])
            AccessEvent.record(request, Action.SECOND_CHECK, registration)
    except file_lock.FileChanged:
        return _decided_meanwhile(request, check, typed)
    if check.approved:
        messages.success(request, _("Referral to specialist care approved."))
    else:
        messages.success(request, _("Proposal rejected: the aanmelding returns to triage as basis jeugdhulp."))
    return redirect("intake:second_check")


def _decided_meanwhile(request, check, typed):
    """The second of two decisions on one proposal: refused with what was decided, and what
    this user typed kept on the page (status 409)."""
    check = SecondCheck.objects.select_related("decided_by").get(pk=check.pk)
    who = check.decided_by
    name = (who.get_full_name() or who.get_username()) if who else _("someone")
    if check.is_open:  # the aanmelding itself moved on (e.g. it was re-triaged)
        message = _("Meanwhile someone else changed this aanmelding. Your input was not saved.")
    else:
        message = _("Meanwhile %(name)s decided on this proposal on %(date)s: %(decision)s. Your input was not saved.") % {
            "name": name, "date": date_format(check.decided_at, "j F"),
            "decision": _("approved") if check.approved else _("rejected"),
        }
    conflict = {"message": message, "typed": [(label, value) for label, value in typed if value]}
    return _open_checks(request, conflict=conflict)


@require_POST
def first_contact(request, public_id):
    registration = _registration_for(request, public_id)
    typed = [(_("Date of first contact"), request.POST.get("contacted_on", "")),
             (_("How"), request.POST.get("contact_mode", "")),
             (_("Reason for the delay (optional)"), request.POST.get("contact_late_reason", ""))]
    if registration.status != Status.AWAITING_CONTACT:
        return _someone_else_was_first(request, registration, typed)
    form = FirstContactForm(request.POST, registration=registration)
    if not form.is_valid():
        return _page(request, registration, contact_form=form)
    try:
        with transaction.atomic():
            # Two saves of first contact at once: the file's lock lets only the first through.
            registration = file_lock.lock_file(registration, statuses={Status.AWAITING_CONTACT})
            registration.contacted_on = form.cleaned_data["contacted_on"]
            registration.contact_mode = form.cleaned_data["contact_mode"]
            registration.contacted_by = request.user
            registration.status = Status.CONTACTED
            registration.contact_late_reason = (
                form.cleaned_data["contact_late_reason"] if registration.contact_was_late() else ""
            )
            registration.save()
            # The trajectory starts at first contact. Not matched yet? The professional who made
            # the contact leads it, until a triagist re-matches.
            trajectory = file_lock.lock_trajectory(registration.trajectory)
            trajectory.started_on = registration.contacted_on
            trajectory.save(update_fields=["started_on"])
            if trajectory.lead_id is None and Role.PROFESSIONAL in roles_of(request.user):
                professional = Professional.objects.filter(user=request.user, active=True).first()
                if professional is not None:
                    assignment.assign(trajectory, professional, request.user)
            AccessEvent.record(request, Action.FIRST_CONTACT, registration)
    except file_lock.FileChanged:
        return _someone_else_was_first(request, registration, typed)
    messages.success(request, _("First contact recorded."))
    return redirect("intake:registration", registration.public_id)
