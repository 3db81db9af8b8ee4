from django.shortcuts import render
from django.utils import timezone

from basisjeugdhulp.intake import queue as five_day_queue
from basisjeugdhulp.intake.models import Registration
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
        .select_related("registration")
        .order_by("registration__contact_due", "pk")
    )
    return render(
        request,
        "trajectories/mine.html",
        {"professional": professional, "waiting": waiting, "trajectories": trajectories},
    )
