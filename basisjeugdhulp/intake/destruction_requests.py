"""A family's request to destroy its files (Jeugdwet art. 7.3.9), from receipt to answer.

Who may ask: the young person from 12; for a child under 12 a parent with authority (art. 7.3.15).
The answer is due within a month of receipt, extendable once by two months with a reason
(AVG art. 12(3)). The beheerder sees every file of the family — recognised, as a returning family
is (family_keys.py), by the keyed hash of postcode, house number and the child's year of birth,
and by the family's name — and per file destroys it or records why it stays: a substantial
interest of someone else or a legal duty to keep it (art. 7.3.9 lid 2), or that the request does
not cover it. A file where help is still going on is destroyed only after an explicit
confirmation. Each file is destroyed by the single-file destruction (destruction.py); once
answered, what identified the family in the request itself is cleared.
"""

import calendar
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from basisjeugdhulp.intake import destruction
from basisjeugdhulp.intake.family_keys import family_key
from basisjeugdhulp.intake.models import DestructionRequest, Registration, RequestedFile
from basisjeugdhulp.intake.routes import Status

ANSWER_MONTHS = 1
EXTENDED_MONTHS = 3  # one month and at most two more
CHILD_UNTIL = 12  # under 12 the parents with authority ask (art. 7.3.15)
WARN_DAYS = 7  # open requests due within this many days are listed as near their deadline


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def files_of(*, postcode, house_number, birth_year, family_name):
    """The family's files not yet destroyed: by the keyed hash, or by the name as registered."""
    found = Q(pk__in=[])
    if postcode and house_number and birth_year:
        found |= Q(family_keys__key=family_key(postcode, house_number, birth_year))
    if family_name.strip():
        found |= Q(family_label__iexact=family_name.strip())
    return (
        Registration.objects.filter(found, destroyed_at=None).distinct()
        .select_related("team", "trajectory").order_by("received_on", "pk")
    )


def files_of_request(request_):
    return files_of(postcode=request_.postcode, house_number=request_.house_number,
                    birth_year=request_.birth_year, family_name=request_.family_name)


def open_request_for(files):
    """An open request that covers any of these files, or None."""
    pks = {registration.pk for registration in files}
    for open_request in DestructionRequest.objects.open():
        if pks & set(files_of_request(open_request).values_list("pk", flat=True)):
            return open_request
    return None


def is_open(registration):
    """Help is still going on: in intake, or a trajectory not closed."""
    if registration.status in (Status.NEW, Status.SECOND_CHECK):
        return True
    trajectory = getattr(registration, "trajectory", None)
    return trajectory is not None and trajectory.ended_on is None


def describe(registration):
    """What the beheerder needs to know whose file it is."""
    return {
        "registration": registration,
        "children": registration.listed_children(),
        "open": is_open(registration),
        "trajectory": getattr(registration, "trajectory", None),
    }


def record(form, user):
    request_ = form.save(commit=False)
    request_.deadline = add_months(request_.received_on, ANSWER_MONTHS)
    request_.recorded_by = user
    request_.save()
    return request_


def extend(request_, reason):
    request_.extension_reason = reason
    request_.deadline = add_months(request_.received_on, EXTENDED_MONTHS)
    request_.save(update_fields=["extension_reason", "deadline"])


def photo_objects(registrations):
    """The storage objects of the files' plan photos and safety card photos (to tell afterwards whether any are left)."""
    from basisjeugdhulp.plans.models import PlanPhoto

    from basisjeugdhulp.safety.models import SafetyCard

    photos = PlanPhoto.objects.filter(trajectory__registration__in=registrations)
    cards = SafetyCard.objects.filter(registration__in=registrations).exclude(image="")
    return [name for photo in [*photos, *cards] for name in photo.keys()]


@transaction.atomic
def answer(request_, decisions, http_request):
    """Destroy the chosen files and record every decision; clear what identified the family.
    `decisions`: [(registration, destroy, exception, reason)]. Returns the storage objects'
    names removed after the commit (to tell whether any are left)."""
    request_ = DestructionRequest.objects.select_for_update().get(pk=request_.pk)
    if not request_.is_open:
        return None
    names = photo_objects([registration for registration, destroy, _e, _r in decisions if destroy])
    for registration, destroy, exception, reason in decisions:
        if destroy:
            destruction.destroy(registration, http_request)
        RequestedFile.objects.create(request=request_, registration=registration, destroyed=destroy,
                                     exception="" if destroy else exception, reason="" if destroy else reason)
    request_.handled_at = timezone.now()
    request_.handled_by = http_request.user
    request_.requester_name = request_.family_name = request_.postcode = request_.house_number = ""
    request_.birth_year = None
    request_.save()
    return names
