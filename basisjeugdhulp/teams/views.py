from django.db.models import Count, Q
from django.shortcuts import render

from basisjeugdhulp.teams.models import Team


def administration(request):
    """The beheerder's start page: the teams, and the way into the admin."""
    teams = Team.objects.order_by("name").annotate(
        active_professionals=Count("professionals", filter=Q(professionals__active=True)),
    )
    return render(request, "teams/administration.html", {"teams": teams})
