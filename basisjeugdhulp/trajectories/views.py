from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basisjeugdhulp.accounts.access import forbidden
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake import queue as five_day_queue
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.plans.forms import PlanPhotoForm
from basisjeugdhulp.plans.models import PlanPhoto
from basisjeugdhulp.trajectories.forms import CloseForm
from basisjeugdhulp.trajectories.models import Trajectory
from matching.models import Professional


def mine(request):
    """The professional's start page: their families, and the team's families awaiting contact."""
    professional = Professional.objects.select_related("team").filter(user=request.user).first()
    queue = five_day_queue.build(Registration.objects.visible_to(request.user), timezone.localdate())
    waiting = queue.overdue + queue.due_today + queue.due_soon + queue.later
    trajectories = (
        Trajectory.objects.open()
        .of_professional(request.user)
        .with_plan_summary()
        .select_related("registration")
        .order_by("registration__contact_due", "pk")
    )
    return render(
        request,
        "trajectories/mine.html",
        {
            "professional": professional,
            "waiting": waiting,
            "trajectories": trajectories,
            "today": timezone.localdate(),
        },
    )


def trajectory_for(request, public_id):
    return get_object_or_404(
        Trajectory.objects.visible_to(request.user).select_related(
            "registration", "registration__team", "lead__user", "duo__user"
        ).prefetch_related(
            Prefetch("photos", queryset=PlanPhoto.objects.select_related("uploaded_by"))
        ),
        public_id=public_id,
    )


def page(request, trajectory, *, close_form=None, photo_form=None, status=200):
    can_work = trajectory.is_professional(request.user) and not trajectory.is_closed
    context = {
        "trajectory": trajectory,
        "registration": trajectory.registration,
        "photos": list(trajectory.photos.all()),
        "can_work": can_work,
        "today": timezone.localdate(),
    }
    if can_work:
        context["photo_form"] = photo_form or PlanPhotoForm()
        if trajectory.started_on:
            context["close_form"] = close_form or CloseForm(trajectory=trajectory)
    return render(request, "trajectories/detail.html", context, status=status)


def detail(request, public_id):
    """A family's trajectory: the plan photos (every version), and closing it."""
    trajectory = trajectory_for(request, public_id)
    AccessEvent.record(request, Action.VIEW_FILE, trajectory.registration)
    return page(request, trajectory)


@require_POST
def close(request, public_id):
    trajectory = trajectory_for(request, public_id)
    if not trajectory.is_professional(request.user):
        return forbidden(request)
    if trajectory.is_closed:
        messages.warning(request, _("This trajectory is already closed."))
        return redirect("trajectories:detail", trajectory.public_id)
    if not trajectory.started_on:
        messages.warning(request, _("Record the first contact before closing the trajectory."))
        return redirect("trajectories:detail", trajectory.public_id)
    form = CloseForm(request.POST, trajectory=trajectory)
    if not form.is_valid():
        return page(request, trajectory, close_form=form)
    trajectory.close(**form.cleaned_data)
    AccessEvent.record(request, Action.CLOSE, trajectory.registration)
    messages.success(
        request,
        _("The trajectory of %(family)s is closed.") % {"family": trajectory.registration.family_label},
    )
    return redirect("trajectories:detail", trajectory.public_id)
