from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basisjeugdhulp.audit import reads
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake import file_lock
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.subqueries import count_of
from basisjeugdhulp.teams.models import Team
from matching import assignment
from matching.forms import AssignForm, ProfileForm, RematchForm, SuggestionFilter
from matching.models import Absence, Professional
from matching.suggestions import needs_interpreter, panel_for


def _registration_for(request, public_id):
    """A family of the user's own team that has an open trajectory to match (else 404); the
    read is in the access log before anything of it is shown (audit/reads.py)."""
    try:
        registration = (
            Registration.objects.visible_to(request.user)
            .select_related("trajectory__lead__user", "trajectory__duo__user", "former_trajectory")
            .with_category_codes()
            .annotate(match_count=count_of("matching_match", "trajectory_id = {outer}", outer="trajectory__id"))
            .get(public_id=public_id)
        )
    except Registration.DoesNotExist:
        file_lock.not_found(request, Registration, public_id=public_id)
    trajectory = getattr(registration, "trajectory", None)
    if trajectory is None or trajectory.ended_on is not None:
        raise Http404
    return reads.opened(request, registration)


def panel_context(request, registration):
    """The suggestions panel: top 5, with reasons, for what the triagist tries out."""
    initial = {
        "product": registration.product,
        "language": registration.preferred_language,
        "background": registration.preferred_background,
    }
    filters = SuggestionFilter(request.GET or None, initial=initial)
    options = dict(initial)
    allow_full = False
    if filters.is_bound and filters.is_valid():
        options.update({k: v for k, v in filters.cleaned_data.items() if k in initial})
        allow_full = filters.cleaned_data["allow_full"]
    trajectory = registration.trajectory
    # Matched: the panel shows the result, not the list (issue 22); no team to score.
    found = None if trajectory.lead_id else panel_for(
        registration,
        product=options["product"] or None,
        language=options["language"],
        background=options["background"],
        allow_full=allow_full,
    )
    return {
        "registration": registration,
        "trajectory": trajectory,
        "filters": filters,
        "allow_full": allow_full,
        "chosen_product": options["product"] or registration.product,
        "panel": found,
        "suggestions": found.suggestions if found else [],
        # The history is shown once there is more than the one lead: a duo, or a re-match.
        "history": trajectory.matches.select_related("professional__user") if registration.match_count > 1 else [],
    }


def panel(request, public_id):
    """Suggestions for one family; htmx swaps only the panel, a plain GET gets the page."""
    registration = _registration_for(request, public_id)
    context = panel_context(request, registration)
    template = "matching/page.html#panel" if request.htmx else "matching/page.html"
    return render(request, template, context)


def _choose_page(request, registration, form, conflict=None):
    return render(
        request,
        "matching/choose.html",
        {"registration": registration, "trajectory": registration.trajectory, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _lead_changed(request, registration, form):
    """The second of two triagists at once: nothing saved, told who leads now, their choice
    kept on the page (status 409)."""
    registration.trajectory.refresh_from_db()
    lead, chosen = registration.trajectory.lead, form.cleaned_data["lead"]
    message = _(
        "Meanwhile someone else changed the lead professional: %(name)s now leads this family. "
        "Your choice (%(chosen)s) was not saved; to make it the lead still, re-match below."
    ) % {"name": lead or _("nobody"), "chosen": chosen}
    if lead is not None and not isinstance(form, RematchForm):
        form = RematchForm(registration=registration, initial={"lead": chosen})  # the choice kept
    return _choose_page(request, registration, form, conflict=message)


def _closed_meanwhile(request, registration, form):
    """The trajectory was closed while the triagist chose: nothing saved, their choice kept."""
    message = _("Meanwhile the trajectory of this family was closed. Your choice (%(chosen)s) was not saved.") % {
        "chosen": form.cleaned_data["lead"]
    }
    return _choose_page(request, registration, form, conflict=message)


def choose(request, public_id):
    """Any available professional of the team, beyond the top 5: assign, or re-match the lead.

    A page of its own, so the suggestions panel does not render the whole team as options.
    """
    registration = _registration_for(request, public_id)
    if registration.trajectory.lead_id is None:
        form = AssignForm(registration=registration, initial={"product": registration.product})
    else:
        form = RematchForm(registration=registration)
    return _choose_page(request, registration, form)


def _apply_product(registration, product):
    """The triagist may settle on another product while matching, before first contact."""
    if product and product != registration.product and registration.contacted_on is None:
        registration.product = product
        registration.save(update_fields=["product"])
        registration.trajectory.product = product
        registration.trajectory.save(update_fields=["product"])


@require_POST
def assign(request, public_id):
    registration = _registration_for(request, public_id)
    trajectory = registration.trajectory
    if trajectory.lead_id is not None:
        messages.warning(request, _("This family already has a lead professional: use re-match."))
        return redirect("matching:choose", registration.public_id)
    form = AssignForm(request.POST, registration=registration)
    if not form.is_valid():
        return _choose_page(request, registration, form)
    try:
        with transaction.atomic():
            assignment.assign(
                trajectory, form.cleaned_data["lead"], request.user,
                duo=form.cleaned_data["duo"], override_reason=form.cleaned_data["override_reason"],
                expected_lead=None, interpreter_needed=needs_interpreter(registration),
            )
            _apply_product(registration, form.cleaned_data["product"])
            AccessEvent.record(request, Action.ASSIGN, registration)
    except assignment.LeadChanged:
        return _lead_changed(request, registration, form)
    except file_lock.FileChanged:
        return _closed_meanwhile(request, registration, form)
    except ValidationError as refused:  # the domain's rules (assignment.py), should a form miss one
        form.add_error(None, refused)
        return _choose_page(request, registration, form)
    messages.success(
        request, _("%(name)s is now the lead professional of %(family)s.")
        % {"name": form.cleaned_data["lead"], "family": registration.family_label},
    )
    return redirect("intake:registration", registration.public_id)


@require_POST
def rematch(request, public_id):
    registration = _registration_for(request, public_id)
    trajectory = registration.trajectory
    if trajectory.lead_id is None:
        return redirect("matching:choose", registration.public_id)
    form = RematchForm(request.POST, registration=registration)
    if not form.is_valid():
        return _choose_page(request, registration, form)
    try:
        with transaction.atomic():
            assignment.rematch(
                trajectory, form.cleaned_data["lead"], request.user,
                reason=form.cleaned_data["reason"], note=form.cleaned_data["note"],
                override_reason=form.cleaned_data["override_reason"], expected_lead=trajectory.lead_id,
                interpreter_needed=needs_interpreter(registration),
            )
            AccessEvent.record(request, Action.REMATCH, registration)
    except assignment.LeadChanged:
        return _lead_changed(request, registration, form)
    except file_lock.FileChanged:
        return _closed_meanwhile(request, registration, form)
    except ValidationError as refused:  # the domain's rules (assignment.py), should a form miss one
        form.add_error(None, refused)
        return _choose_page(request, registration, form)
    messages.success(
        request, _("%(name)s is now the lead professional of %(family)s.")
        % {"name": form.cleaned_data["lead"], "family": registration.family_label},
    )
    return redirect("intake:registration", registration.public_id)


def caseload(request):
    """The team overview: families against capacity, absences, the HBO/MBO mix."""
    today = timezone.localdate()
    teams = Team.objects.of_user(request.user)
    professionals = (
        Professional.objects.filter(team__in=teams)
        .with_load(today)
        .select_related("user", "team")
        .prefetch_related(
            Prefetch("absences", queryset=Absence.objects.filter(ends_on__gte=today), to_attr="coming_absences")
        )
        .order_by("team__name", "user__first_name", "user__last_name")
    )
    return render(
        request,
        "matching/caseload.html",
        {
            "professionals": professionals,
            "teams": teams,
            "mix": Professional.objects.filter(team__in=teams).active().education_mix(),
        },
    )


def profile(request):
    """A professional's own matching profile: languages, expertise, affinity (with consent)."""
    professional = get_object_or_404(Professional, user=request.user)
    form = ProfileForm(request.POST or None, instance=professional)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("matching:profile")
    return render(request, "matching/profile.html", {"form": form, "professional": professional})


