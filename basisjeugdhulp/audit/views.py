from django.core.paginator import Paginator
from django.shortcuts import render

from basisjeugdhulp.audit.forms import LogSearch
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.models import Registration


def log(request):
    """The beheerder's (privacy officer's) search through the access log."""
    form = LogSearch(request.GET or None)
    events = AccessEvent.objects.none()
    if form.is_bound and form.is_valid():
        events = AccessEvent.objects.select_related("user")
        data = form.cleaned_data
        if data["user"]:
            events = events.filter(user=data["user"])
        if data["family"]:
            events = events.filter(family=data["family"])
        if data["start"]:
            events = events.filter(at__date__gte=data["start"])
        if data["end"]:
            events = events.filter(at__date__lte=data["end"])
        family = Registration.objects.filter(public_id=data["family"]).first() if data["family"] else None
        AccessEvent.record(request, Action.SEARCH_LOG, family)
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    return render(request, "audit/log.html", {"form": form, "page": page, "query": _without_page(request)})


def family(request, public_id):
    """Who looked at this family's file: for a family that asks (AVG art. 15)."""
    registration = Registration.objects.filter(public_id=public_id).first()
    events = AccessEvent.objects.filter(family=public_id).select_related("user").order_by("at")
    AccessEvent.record(request, Action.SEARCH_LOG, registration)
    return render(
        request, "audit/family.html", {"public_id": public_id, "registration": registration, "events": events}
    )


def _without_page(request):
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()
