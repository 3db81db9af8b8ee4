from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basisjeugdhulp.audit.forms import DestroyForm, LogSearch
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake import destruction
from basisjeugdhulp.intake.models import Registration


def _midnight(day):
    """The start of `day` in the register's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


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
        # The period as moments (local midnights), not `at__date`: a range on the column itself
        # is read from its index, where a date computed per row read the whole log (1 s for a
        # day at 5 M events).
        if data["start"]:
            events = events.filter(at__gte=_midnight(data["start"]))
        if data["end"]:
            events = events.filter(at__lt=_midnight(data["end"] + timedelta(days=1)))
        family = Registration.objects.filter(public_id=data["family"]).first() if data["family"] else None
        AccessEvent.record(request, Action.SEARCH_LOG, family)
    page = Paginator(events, 50).get_page(request.GET.get("pagina"))
    return render(request, "audit/log.html", {"form": form, "page": page, "query": _without_page(request)})


def family(request, public_id, *, destroy_form=None, status=200):
    """Who looked at this family's file: for a family that asks (AVG art. 15); and the way to
    destroy the file when the family asks for that (Jeugdwet art. 7.3.9)."""
    registration = Registration.objects.filter(public_id=public_id).first()
    events = AccessEvent.objects.filter(family=public_id).select_related("user").order_by("at")
    if destroy_form is None:
        AccessEvent.record(request, Action.SEARCH_LOG, registration)
    context = {
        "public_id": public_id,
        "registration": registration,
        "events": events,
        "destroy_form": destroy_form or (DestroyForm() if registration and not registration.destroyed_at else None),
    }
    return render(request, "audit/family.html", context, status=status)


@require_POST
def destroy(request, public_id):
    registration = get_object_or_404(Registration, public_id=public_id)
    form = DestroyForm(request.POST)
    if registration.destroyed_at:
        messages.info(request, _("This file was already destroyed."))
        return redirect("audit:family", public_id)
    if not form.is_valid():
        return family(request, public_id, destroy_form=form, status=422)
    destruction.destroy(registration, request)
    messages.success(request, _("The file is destroyed. The anonymous figures and this log remain."))
    return redirect("audit:family", public_id)


def _without_page(request):
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()
