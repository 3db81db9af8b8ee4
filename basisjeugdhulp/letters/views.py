"""The family's letter and its reconsideration: pages of the family's file (same roles, every
view in the access log, every write under the file's lock, intake/file_lock.py)."""

import logging
import smtplib

from django.contrib import messages
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basisjeugdhulp.accounts.access import forbidden
from basisjeugdhulp.accounts.roles import Role, roles_of
from basisjeugdhulp.audit import reads
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.documents import pdf
from basisjeugdhulp.intake import file_lock
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.intake.routes import Status
from basisjeugdhulp.letters import content, routing
from basisjeugdhulp.letters.forms import DecisionForm, DeliveryForm, LetterForm, ReconsiderationForm
from basisjeugdhulp.letters.models import Delivery, How, Letter, Outcome, Reconsideration

logger = logging.getLogger(__name__)

# Reconsidering a triage that stands and whose help has not started: after first contact the
# help itself is what the family and its professional talk about.
RECONSIDERABLE = {Status.AWAITING_CONTACT, Status.REFERRED, Status.ADVISED}


def _file_for(request, public_id):
    """The family's file, if the user may see it (else 404); the read is logged first."""
    try:
        registration = (
            Registration.objects.visible_to(request.user)
            .select_related("team", "trajectory__lead__user")
            .get(public_id=public_id)
        )
    except Registration.DoesNotExist:
        file_lock.not_found(request, Registration, public_id=public_id)
    return reads.opened(request, registration)


def _letter_for(request, public_id):
    visible = Registration.objects.visible_to(request.user)
    try:
        letter = Letter.objects.select_related("registration").get(registration__in=visible, public_id=public_id)
    except Letter.DoesNotExist:
        file_lock.not_found(request, Letter, public_id=public_id)
    reads.record(request, Action.VIEW_FILE, [letter.registration], subject=letter)
    return letter


def _page(request, registration, *, status=200, **forms_):
    roles = roles_of(request.user)
    letters = list(registration.letters.prefetch_related("deliveries"))
    open_request = registration.reconsiderations.open().select_related("assigned_to").first()
    decided = list(registration.reconsiderations.exclude(decided_at=None).select_related("assigned_to"))
    context = {"registration": registration, "letters": letters, "open_request": open_request,
               "decided": decided}
    # A refused form is shown again with what was typed, whatever the state now is.
    if "letter_form" in forms_ or (
        Role.TRIAGIST in roles and registration.status in content.LETTER_STATUSES and open_request is None
    ):
        context["letter_form"] = forms_.get("letter_form") or LetterForm(
            initial={"reasons": content.suggested_reasons(registration)}
        )
    if "request_form" in forms_ or (
        roles & {Role.TRIAGIST, Role.PROFESSIONAL} and registration.status in RECONSIDERABLE and open_request is None
    ):
        context["request_form"] = forms_.get("request_form") or ReconsiderationForm(
            initial={"received_on": timezone.localdate()}
        )
    if "decision_form" in forms_ or (open_request is not None and open_request.assigned_to_id == request.user.pk):
        context["decision_form"] = forms_.get("decision_form") or DecisionForm()
    context["refusal"] = forms_.get("refusal")
    return render(request, "letters/file.html", context, status=status)


def file_letters(request, public_id):
    """The letters given to the family, and its requests for reconsideration."""
    return _page(request, _file_for(request, public_id))


def _refused(request, registration, message, status=422, **forms_):
    return _page(request, registration, status=status, refusal=message, **forms_)


@require_POST
def issue(request, public_id):
    """Make (freeze) a letter about the triage as it stands."""
    registration = _file_for(request, public_id)
    form = LetterForm(request.POST)
    if not form.is_valid():
        return _page(request, registration, letter_form=form, status=422)
    try:
        with transaction.atomic():
            locked = file_lock.lock_file(registration, statuses=content.LETTER_STATUSES)
            if locked.reconsiderations.open().exists():
                raise file_lock.FileChanged(locked)
            registration = _file_for(request, public_id)  # with its trajectory and lead, as locked
            answered = registration.reconsiderations.exclude(decided_at=None).filter(letters=None).last()
            letter = content.make_letter(registration, form.cleaned_data["reasons"], request.user, answered)
            AccessEvent.record(request, Action.LETTER, registration, subject=letter)
    except file_lock.FileChanged:
        return _refused(request, registration, _(
            "No letter was made: the triage is not decided (or a reconsideration is open). Your text is kept below."
        ), status=409, letter_form=form)
    messages.success(request, _("The letter is ready. Print it, download it as PDF or e-mail it."))
    return redirect("letters:letter", letter.public_id)


def letter(request, public_id):
    """The letter as it was made: a print-ready A4 page."""
    letter = _letter_for(request, public_id)
    may_give = bool(roles_of(request.user) & {Role.TRIAGIST, Role.PROFESSIONAL})
    form = DeliveryForm(initial={"how": How.PRINT})
    return render(request, "letters/print.html", {
        "letter": letter, "may_give": may_give, "form": form, "pdf_available": pdf.available(),
        "deliveries": letter.deliveries.select_related("given_by"),
    })


def _filename(letter):
    return f"brief-{letter.made_at:%Y-%m-%d}-{str(letter.public_id)[:8]}.pdf"


def letter_pdf(request, public_id):
    """The same letter as PDF, from the same template."""
    letter = _letter_for(request, public_id)
    if not pdf.available():  # a demo without Pango: the letter's own Dutch page, the print page works
        return render(request, "letters/pdf_unavailable.html", {"letter": letter}, status=503)
    return pdf.pdf_response(request, "letters/print.html", {"letter": letter, "for_pdf": True}, _filename(letter))


@require_POST
def deliver(request, public_id):
    """Record that the letter was given (on paper, as PDF), or e-mail it and record that."""
    letter = _letter_for(request, public_id)
    form = DeliveryForm(request.POST)
    context = {"letter": letter, "may_give": True, "form": form, "pdf_available": pdf.available()}
    if not form.is_valid():
        context["deliveries"] = letter.deliveries.select_related("given_by")
        return render(request, "letters/print.html", context, status=422)
    how, to = form.cleaned_data["how"], form.cleaned_data["to"]
    with transaction.atomic():
        file_lock.lock_file(letter.registration)
        sent, error = True, ""
        if how == How.EMAIL:
            sent, error = _email(request, letter, to)
        Delivery.objects.create(letter=letter, how=how, to=to, given_by=request.user, sent=sent, error=error)
        AccessEvent.record(request, Action.GIVE_LETTER, letter.registration, subject=letter)
    if not sent:
        messages.error(request, error)
    elif how == How.EMAIL:
        messages.success(request, _("The letter was e-mailed to %(to)s.") % {"to": to})
    else:
        messages.success(request, _("Recorded: the letter was given %(how)s to %(to)s.") % {
            "how": How(how).label, "to": to})
    return redirect("letters:letter", letter.public_id)


def _email(request, letter, to):
    """Send the letter's PDF to `to`: (sent, the Dutch reason when it did not go)."""
    try:
        attachment = pdf.render_pdf(request, "letters/print.html", {"letter": letter, "for_pdf": True})
    except pdf.PdfUnavailable:
        return False, _("Not sent: the PDF cannot be made on this server. Print the letter instead.")
    message = EmailMessage(
        subject="Uw brief van WIJ Groningen",
        body="Beste ouder, verzorger of jongere,\n\nIn de bijlage vindt u onze brief over uw aanmelding.\n\n"
        "Met vriendelijke groet,\nWIJ Groningen",
        to=[to],
    )
    message.attach(_filename(letter), attachment, "application/pdf")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused:
        return False, _("Not sent: the mail server refused %(to)s. Check the address with the family.") % {"to": to}
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("The letter %s could not be e-mailed: %s", letter.public_id, error)
        return False, _("Not sent: the mail server could not be reached. Try again later or print the letter.")
    return True, ""


@require_POST
def reconsider(request, public_id):
    """Record the family's request for reconsideration and route it to an uninvolved tweede lezer."""
    registration = _file_for(request, public_id)
    form = ReconsiderationForm(request.POST, triaged_on=registration.triaged_on)
    if registration.status not in RECONSIDERABLE:
        return _refused(request, registration, _(
            "A reconsideration is only possible for a decided triage whose help has not started yet."
        ), request_form=form)
    if not form.is_valid():
        return _page(request, registration, request_form=form, status=422)
    try:
        with transaction.atomic():
            locked = file_lock.lock_file(registration, statuses=RECONSIDERABLE)
            if locked.reconsiderations.open().exists():
                raise IntegrityError("an open request exists")
            reader = routing.uninvolved_second_reader(locked)
            if reader is None:
                return _refused(request, registration, _(
                    "There is no tweede lezer in this team who was not involved in the triage. Ask the team "
                    "leader to add one; nothing was saved."
                ), request_form=form)
            request_ = Reconsideration.objects.create(
                registration=locked, received_on=form.cleaned_data["received_on"],
                objection=form.cleaned_data["objection"], route_objected=locked.route,
                recorded_by=request.user, assigned_to=reader,
            )
            AccessEvent.record(request, Action.RECONSIDERATION, locked, subject=request_)
    except file_lock.FileChanged:
        return _refused(request, registration, _(
            "Meanwhile the triage changed; nothing was saved. What you typed is kept below."
        ), status=409, request_form=form)
    except IntegrityError:
        return _refused(request, registration, _(
            "There is already an open request for reconsideration of this triage; nothing was saved."
        ), status=409, request_form=form)
    messages.success(request, _("Request recorded. %(name)s decides on it.") % {
        "name": reader.get_full_name() or reader.get_username()})
    return redirect("letters:file", registration.public_id)


@require_POST
def decide(request, public_id):
    """The uninvolved tweede lezer decides: upheld, or changed (the aanmelding is triaged again)."""
    visible = Registration.objects.visible_to(request.user)
    try:
        request_ = Reconsideration.objects.select_related("registration").get(
            registration__in=visible, public_id=public_id)
    except Reconsideration.DoesNotExist:
        file_lock.not_found(request, Reconsideration, public_id=public_id)
    registration = _file_for(request, request_.registration.public_id)
    if request_.assigned_to_id != request.user.pk:
        return forbidden(request)
    form = DecisionForm(request.POST)
    if not request_.is_open:
        return _refused(request, registration, _("This request was already decided; nothing was saved."),
                        status=409, decision_form=form)
    if not form.is_valid():
        return _page(request, registration, decision_form=form, status=422)
    with transaction.atomic():
        locked = file_lock.lock_file(registration)
        request_ = Reconsideration.objects.select_for_update().get(pk=request_.pk)
        if not request_.is_open:
            return _refused(request, registration, _("This request was already decided; nothing was saved."),
                            status=409, decision_form=form)
        today = timezone.localdate()
        request_.outcome = form.cleaned_data["outcome"]
        request_.reasons = form.cleaned_data["reasons"]
        request_.decided_at = timezone.now()
        request_.decided_on = today
        request_.days_to_decide = max((today - request_.received_on).days, 0)
        request_.save()
        if request_.outcome == Outcome.CHANGED:
            # Through the same rules as any triage: the triagist decides the new route, a referral
            # goes to the second check. The first-contact deadline still counts from the first triage.
            locked.status = Status.NEW
            locked.save(update_fields=["status"])
        AccessEvent.record(request, Action.RECONSIDERATION_DECISION, locked, subject=request_)
    if request_.outcome == Outcome.CHANGED:
        messages.success(request, _("Decided: changed. The aanmelding is back for triage; after it, the triagist makes the new letter."))
    else:
        messages.success(request, _("Decided: upheld. The triagist makes the new letter."))
    return redirect("letters:file", registration.public_id)
