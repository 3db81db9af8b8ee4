"""The triagist's queue: who is waiting for first contact, and how long they may still wait.

Sections follow the promise of contact within five working days: overdue, due today, due
within two working days, later; then the aanmeldingen still to be triaged and the families
contacted in the last week. Each section is one indexed query on the stored deadline, so the
number of queries does not grow with the number of cases.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from basisjeugdhulp import workdays
from basisjeugdhulp.intake.models import ClosureDay
from basisjeugdhulp.intake.routes import Status

SOON_WORKING_DAYS = 2
RECENT_DAYS = 7


@dataclass
class Queue:
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    later: list = field(default_factory=list)
    to_triage: list = field(default_factory=list)
    recently_contacted: list = field(default_factory=list)


def build(registrations, today):
    """The queue for the given (already access-limited and filtered) aanmeldingen."""
    closures = ClosureDay.objects.dates_from(today - timedelta(days=31))
    soon_limit = workdays.add_working_days(today, SOON_WORKING_DAYS, closures)
    queue = Queue()
    waiting = registrations.filter(status=Status.AWAITING_CONTACT).order_by("contact_due", "pk")
    for case in waiting.select_related("former_trajectory"):
        case.days_left = case.working_days_left(today, closures)
        if case.contact_due < today:
            queue.overdue.append(case)
        elif case.contact_due == today:
            queue.due_today.append(case)
        elif case.contact_due <= soon_limit:
            queue.due_soon.append(case)
        else:
            queue.later.append(case)
    queue.to_triage = list(
        registrations.filter(status__in=[Status.NEW, Status.SECOND_CHECK])
        .select_related("former_trajectory")
        .order_by("received_on", "pk")
    )
    contacted = registrations.filter(
        status=Status.CONTACTED, contacted_on__gte=today - timedelta(days=RECENT_DAYS)
    ).order_by("-contacted_on", "pk")
    for case in contacted:
        case.days_late = max(
            0, workdays.working_days_between(case.contact_due, case.contacted_on, closures)
        ) if case.contact_due else 0
        queue.recently_contacted.append(case)
    return queue
