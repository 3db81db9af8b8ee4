import base64

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basisjeugdhulp.accounts.access import forbidden
from basisjeugdhulp.accounts.roles import Role, roles_of
from basisjeugdhulp.audit import reads
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.documents.pdf import PdfUnavailable, render_pdf
from basisjeugdhulp.intake import file_lock
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.plans import storing
from basisjeugdhulp.plans.views import refusal_message
from basisjeugdhulp.safety import cards, scale
from basisjeugdhulp.safety.forms import CardForm, ShareForm
from basisjeugdhulp.safety.models import CardShare, Form, SafetyCard, files_visible_to


def file_for(request, public_id):
    """The aanmelding whose card the user may see (else 404, or the Dutch page for a writer whose
    file was destroyed meanwhile); the read is logged before anything is shown (audit/reads.py)."""
    try:
        registration = files_visible_to(request.user).select_related(
            "team", "trajectory__lead__user", "trajectory__duo__user"
        ).get(public_id=public_id)
    except Registration.DoesNotExist:
        file_lock.not_found(request, Registration, public_id=public_id)
    reads.opened(request, registration)
    return registration


def trajectory_of(registration):
    try:
        return registration.trajectory
    except ObjectDoesNotExist:
        return None


def may_write(user, registration):
    """The family's own professionals (lead, duo); before there is one, the team's triagists,
    who talk with the family at the aanmelding. A closed trajectory takes no new version."""
    trajectory = trajectory_of(registration)
    if trajectory is not None and trajectory.is_professional(user):
        return True
    return Role.TRIAGIST in roles_of(user)


def page(request, registration, *, card_form=None, share_form=None, status=200, conflict=None):
    versions = list(SafetyCard.objects.filter(registration=registration).select_related("made_by"))
    trajectory = trajectory_of(registration)
    writer = may_write(request.user, registration)
    closed = trajectory is not None and trajectory.is_closed
    context = {
        "registration": registration,
        "trajectory": trajectory,
        "card": versions[0] if versions else None,
        "versions": versions,
        "line": scale.line([(card.judged_on, card.judgement) for card in versions]),
        "shares": CardShare.objects.filter(registration=registration).select_related("shared_by"),
        "card_form": card_form or (CardForm(user=request.user) if writer and not closed else None),
        "share_form": share_form or (ShareForm() if writer and versions else None),
        "conflict": conflict,
    }
    return TemplateResponse(request, "safety/card.html", context, status=status)


def card(request, public_id):
    """The family's safety card: the latest version, the judgements over time, the handovers."""
    return page(request, file_for(request, public_id))


def _typed(request):
    return [(_("Worries"), request.POST.get("worries", "")), (_("What goes well"), request.POST.get("going_well", "")),
            (_("What has been tried, and what does not work"), request.POST.get("tried", "")),
            (_("Next steps"), request.POST.get("next_steps", "")), (_("How safe is it now?"), request.POST.get("judgement", ""))]


@require_POST
def new(request, public_id):
    """A new version of the card, made with the family."""
    registration = file_for(request, public_id)
    if not may_write(request.user, registration):
        return forbidden(request)
    form = CardForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return page(request, registration, card_form=form, status=422)
    try:
        made = cards.make(
            registration, form.cleaned_data, request.user,
            recorded=lambda card: AccessEvent.record(request, Action.SAFETY_CARD, registration, subject=card),
            submission_id=form.cleaned_data["submission_id"],
        )
    except cards.PhotoRefused as refusal:
        form.add_error("photo", refusal_message(storing.Refusal(form.cleaned_data["photo"].name, refusal.reason)))
        return page(request, registration, card_form=form, status=422)
    except cards.StorageUnavailable:
        messages.error(request, _("The photo store cannot be reached right now, so the card was not saved. "
                                  "What you typed is still here; please try again in a moment."))
        return page(request, registration, card_form=form, status=503)
    except file_lock.FileChanged:
        conflict = {"message": _("Meanwhile this trajectory was closed: a closed trajectory takes no new safety card. "
                                 "Your input was not saved."),
                    "typed": [(label, value) for label, value in _typed(request) if value]}
        return page(request, file_for(request, public_id), conflict=conflict, status=409)
    if made.again:
        messages.info(request, _("This card was already saved."))
    else:
        messages.success(request, _("The safety card is saved: judgement %(n)d of 10.") % {"n": made.card.judgement})
    return redirect("safety:card", registration.public_id)


def _document_context(registration, card):
    return {"registration": registration, "card": card, "trajectory": trajectory_of(registration)}


@require_POST
def share(request, public_id):
    """The card to the organisation the family is referred to, as a PDF or printed — after the
    family's consent or on the meldcode (Veilig Thuis only). The handover is recorded first."""
    registration = file_for(request, public_id)
    if not may_write(request.user, registration):
        return forbidden(request)
    latest = SafetyCard.objects.filter(registration=registration).first()
    if latest is None:
        messages.warning(request, _("Make the safety card with the family before sharing it."))
        return redirect("safety:card", registration.public_id)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return page(request, registration, share_form=form, status=422)
    data = None
    if form.cleaned_data["form"] == Form.PDF:
        # Made before the handover is recorded: a PDF that cannot be made is no handover.
        context = _document_context(registration, latest)
        try:
            if latest.has_photo:  # in the PDF itself: the fetcher reaches no page of the register
                with latest.image.storage.open(latest.image.name, "rb") as stream:
                    context["photo_data"] = "data:image/jpeg;base64," + base64.b64encode(stream.read()).decode()
            data = render_pdf(request, "safety/document.html", context)
        except storing.STORAGE_ERRORS:
            messages.error(request, _("The photo store cannot be reached right now, so no PDF was made and nothing "
                                      "was recorded. Please try again in a moment."))
            return page(request, registration, share_form=form, status=503)
        except PdfUnavailable:
            form.add_error("form", _("A PDF cannot be made on this computer. Choose print: the card is then "
                                     "shown as a page to print."))
            return page(request, registration, share_form=form, status=503)
    handover = cards.share(
        registration, latest, form.cleaned_data, request.user,
        recorded=lambda handover: AccessEvent.record(request, Action.SHARE_CARD, registration, subject=handover),
    )
    if data is None:
        return redirect("safety:print", latest.public_id)
    response = HttpResponse(data, content_type="application/pdf")
    day = handover.shared_at.date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="veiligheidskaart-{day}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _card_for(request, public_id):
    found = get_object_or_404(SafetyCard.objects.select_related("registration"), public_id=public_id)
    if not files_visible_to(request.user).filter(pk=found.registration_id).exists():
        return None
    reads.opened(request, found.registration)
    return found


def print_page(request, public_id):
    """The card as an A4 page to print (the same template as the PDF)."""
    found = _card_for(request, public_id)
    if found is None:
        return forbidden(request)
    return TemplateResponse(request, "safety/document.html", _document_context(found.registration, found))


def _serve(request, public_id, *, thumbnail):
    found = _card_for(request, public_id)
    if found is None:
        return forbidden(request)
    if not found.has_photo:
        raise Http404
    name = found.thumbnail.name if thumbnail else found.image.name
    try:
        stream = found.image.storage.open(name, "rb")
    except storing.STORAGE_ERRORS:
        return TemplateResponse(request, "plans/unavailable.html", status=503)
    AccessEvent.record(request, Action.VIEW_CARD_PHOTO, found.registration, subject=found)
    response = FileResponse(stream, content_type="image/jpeg", filename=f"veiligheidskaart-{found.judged_on:%Y-%m-%d}.jpg")
    response["Cache-Control"] = "private, no-store"
    return response


def photo(request, public_id):
    return _serve(request, public_id, thumbnail=False)


def thumbnail(request, public_id):
    return _serve(request, public_id, thumbnail=True)
