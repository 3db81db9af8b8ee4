from django.shortcuts import render

from matching.models import Professional


def queue(request):
    """The triagist's start page: the five-working-day queue of the own team."""
    professional = Professional.objects.select_related("team").filter(user=request.user).first()
    team = professional.team if professional else None
    mix = team.professionals.active().education_mix() if team else None
    return render(request, "intake/queue.html", {"team": team, "mix": mix})


def second_check(request):
    """The tweede lezer's start page: proposed referrals to specialist care."""
    return render(request, "intake/second_check.html")
