from django.shortcuts import render

from matching.models import Professional


def mine(request):
    """The professional's start page: their own families."""
    professional = Professional.objects.select_related("team").filter(user=request.user).first()
    return render(request, "trajectories/mine.html", {"professional": professional})
