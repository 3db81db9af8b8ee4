from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from basisjeugdhulp.audit import reads
from basisjeugdhulp.audit.forms import (
    AnswerForm,
    DestroyForm,
    DestructionRequestForm,
    ExtendForm,
    LogSearch,
    date_format,
)
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake import destruction, destruction_requests
from basisjeugdhulp.intake.models import DestructionRequest, PendingRemoval, Registration
from basisjeugdhulp.safety.models import CardShare


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
    events = list(AccessEvent.objects.filter(family=public_id).select_related("user").order_by("at"))
    # A handover of the safety card says to whom and on what ground (issue 29).
    handovers = {handover.public_id: handover for handover in CardShare.objects.filter(registration__public_id=public_id)}
    for event in events:
        event.handover = handovers.get(event.subject) if event.action == Action.SHARE_CARD else None
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
    names = destruction_requests.photo_objects([registration])
    destruction.destroy(registration, request)
    messages.success(request, _("The file is destroyed. The anonymous figures and this log remain."))
    _tell_objects_left(request, names)
    return redirect("audit:family", public_id)


def _tell_objects_left(request, names):
    """After the commit: the photos storage refused to remove are listed for the daily run; say so."""
    left = PendingRemoval.objects.filter(name__in=names or []).count()
    if left:
        messages.warning(request, ngettext(
            "%(count)d photo could not be removed from the photo storage yet. It no longer belongs to any "
            "file and is removed in the daily run; ask the storage's administrator if this message returns.",
            "%(count)d photos could not be removed from the photo storage yet. They no longer belong to any "
            "file and are removed in the daily run; ask the storage's administrator if this message returns.",
            left) % {"count": left})


def _without_page(request):
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()


def requests(request):
    """The families' destruction requests: those near or past their deadline first."""
    today = timezone.localdate()
    open_requests = list(DestructionRequest.objects.open())
    for item in open_requests:
        item.overdue = item.deadline < today
        item.near = not item.overdue and item.deadline <= today + timedelta(days=destruction_requests.WARN_DAYS)
    answered = DestructionRequest.objects.exclude(handled_at=None).order_by("-handled_at")[:20]
    return render(request, "audit/requests.html", {
        "open_requests": open_requests, "answered": answered,
        "attention": [item for item in open_requests if item.overdue or item.near],
    })


def new_request(request):
    form = DestructionRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        recorded = destruction_requests.record(form, request.user)
        messages.success(request, _("The request is recorded. Answer it before %(deadline)s.") % {
            "deadline": date_format(recorded.deadline)})
        return redirect("audit:request", recorded.public_id)
    existing = getattr(form, "existing", None)
    status = 422 if form.is_bound else 200
    return render(request, "audit/new_request.html", {"form": form, "existing": existing}, status=status)


def destruction_request(request, public_id, *, answer_form=None, extend_form=None, status=200):
    """A request and every file of its family, with enough to know whose they are; every file
    shown is logged (audit/reads.py)."""
    request_ = get_object_or_404(DestructionRequest, public_id=public_id)
    files = [destruction_requests.describe(registration) for registration in destruction_requests.files_of_request(request_)] if request_.is_open else []
    reads.listed(request, [item["registration"] for item in files])
    if request_.is_open and answer_form is None:
        answer_form = AnswerForm(files)
    decided = request_.files.select_related("registration").order_by("pk") if not request_.is_open else []
    return render(request, "audit/request.html", {
        "destruction_request": request_, "files": files, "answer_form": answer_form, "decided": decided,
        "extend_form": extend_form or (ExtendForm() if request_.is_open and not request_.is_extended else None),
        "today": timezone.localdate(),
    }, status=status)


@require_POST
def extend_request(request, public_id):
    request_ = get_object_or_404(DestructionRequest, public_id=public_id)
    if not request_.is_open or request_.is_extended:
        messages.info(request, _("This request can no longer be extended: once, by at most two months."))
        return redirect("audit:request", public_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        return destruction_request(request, public_id, extend_form=form, status=422)
    destruction_requests.extend(request_, form.cleaned_data["reason"])
    messages.success(request, _("The deadline is now %(deadline)s. Tell the family, with the reason.") % {
        "deadline": date_format(request_.deadline)})
    return redirect("audit:request", public_id)


@require_POST
def answer_request(request, public_id):
    request_ = get_object_or_404(DestructionRequest, public_id=public_id)
    if not request_.is_open:
        messages.info(request, _("This request was already answered."))
        return redirect("audit:request", public_id)
    files = [destruction_requests.describe(registration) for registration in destruction_requests.files_of_request(request_)]
    reads.listed(request, [item["registration"] for item in files])
    form = AnswerForm(files, request.POST)
    if not form.is_valid():
        return destruction_request(request, public_id, answer_form=form, status=422)
    names = destruction_requests.answer(request_, form.decisions, request)
    if names is None:  # another beheerder answered it in the meantime
        messages.info(request, _("This request was already answered."))
        return redirect("audit:request", public_id)
    destroyed = sum(1 for _registration, destroy, _k, _r in form.decisions if destroy)
    messages.success(request, ngettext(
        "%(count)d file destroyed; the decisions are recorded.",
        "%(count)d files destroyed; the decisions are recorded.", destroyed) % {"count": destroyed})
    _tell_objects_left(request, names)
    return redirect("audit:request", public_id)
