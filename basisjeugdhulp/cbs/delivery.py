"""Making one CBS delivery, for the page and the command alike: choose the half year, build the
records, check them, write the file, and record who made it — all or nothing.

The file holds personal data of every child helped in the half year: it is made only for the
beheerder in a session verified with the second factor (accounts/access.py, second_factor.py),
and each family in it gets a row in the access log (NEN 7513), in the same transaction as the
record of the delivery."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from basisjeugdhulp.accounts.roles import roles_of
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.cbs import extract as extracting
from basisjeugdhulp.cbs import formats, layout, rules
from basisjeugdhulp.cbs.extract import HalfYear
from basisjeugdhulp.cbs.models import Delivery
from basisjeugdhulp.client_address import client_address


class NotDeliverable(Exception):
    """Nothing was made: `problems` (extract.Problem) or `message` say why, in Dutch."""

    def __init__(self, problems=(), message=""):
        super().__init__(message or f"{len(problems)} problems")
        self.problems = list(problems)
        self.message = message


def half_year(code, today=None):
    """The HalfYear for a code like 2026-H1, or ValueError with a Dutch message."""
    today = today or timezone.localdate()
    try:
        period = HalfYear.parse(code)
    except ValueError:
        raise ValueError(_("Choose a half year, e.g. %(example)s.") % {"example": HalfYear.last_ended(today).code}) from None
    if period.start > today:
        raise ValueError(_("This half year lies in the future."))
    if not period.has_ended(today):
        raise ValueError(_("This half year has not ended yet: CBS takes the delivery after the period (within three weeks)."))
    return period


def examine(period, today=None):
    """(fields, extract, problems) for the page's check before delivery; LayoutError as is."""
    fields = layout.load()
    extract = extracting.build(period, today)
    return fields, extract, extract.problems + rules.check(extract, fields)


def make(period, fmt, user, request=None, today=None):
    """(Delivery, bytes, content type, file name), or NotDeliverable with nothing written."""
    try:
        fields, extract, problems = examine(period, today)
    except layout.LayoutError as error:
        raise NotDeliverable(message=str(error)) from None
    if problems:
        raise NotDeliverable(problems)
    data, content_type, name = formats.render(fmt, extract, fields)
    from django.conf import settings

    with transaction.atomic():
        delivery = Delivery.objects.create(
            period=period.code, format=fmt, records=len(extract.records), families=len(extract.families),
            made_by=user, with_bsn=settings.CBS_BSN, replaces=Delivery.objects.of_period(period.code).first(),
        )
        roles = ",".join(sorted(role.value for role in roles_of(user)))
        address = client_address(request) if request else None
        agent = request.headers.get("user-agent", "")[:200] if request else ""
        AccessEvent.objects.bulk_create(
            AccessEvent(user=user, roles=roles, action=Action.CBS_EXTRACT, family=family,
                        subject=delivery.public_id, client_address=address, user_agent=agent)
            for family in extract.families
        )
    return delivery, data, content_type, name
