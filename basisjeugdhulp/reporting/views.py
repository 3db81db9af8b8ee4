from django.db.models import Count, Q
from django.shortcuts import render

from basisjeugdhulp.teams.models import Team
from matching.models import Education


def dashboard(request):
    """The municipality's figures: counts only, never a person."""
    teams = Team.objects.order_by("name").annotate(
        hbo=Count("professionals", filter=Q(professionals__active=True, professionals__education=Education.HBO)),
        mbo=Count("professionals", filter=Q(professionals__active=True, professionals__education=Education.MBO)),
    ).values("name", "district", "hbo", "mbo")
    return render(request, "reporting/dashboard.html", {"teams": teams})
