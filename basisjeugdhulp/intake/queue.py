"""The triagist's queue: who is waiting for first contact, and how long they may still wait.

Sections follow the promise of contact within five working days: overdue, due today, due
within two working days, later; then the aanmeldingen still to be triaged, and whether the
promise was kept in the last week: the families contacted late by name, the others counted.
One query fills every section (PostgreSQL combines an index scan for the open cases and one for
the week's contacts), so the number of queries does not grow with the number of cases.

The lists are what a triagist opens most, and at country scale a team has dozens of families
waiting: rows load only the columns they show (on PostgreSQL with their query written out,
cases_sql), what they share is worked out once per request (basisjeugdhulp/rows.py), and each
is drawn as one string (row_html).
"""

from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from types import SimpleNamespace

from django.db import connection
from django.db.models import F, Q
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from basisjeugdhulp import workdays
from basisjeugdhulp.intake.models import ClosureDay, Registration
from basisjeugdhulp.intake.routes import Channel, Product, Status
from basisjeugdhulp.rows import DateWords, labels, url_maker
from basisjeugdhulp.trajectories.models import Trajectory
from matching.membership import team_ids_of

SOON_WORKING_DAYS = 2
RECENT_DAYS = 7


@dataclass
class Queue:
    overdue: list = field(default_factory=list)
    due_today: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)
    later: list = field(default_factory=list)
    to_triage: list = field(default_factory=list)
    second_check: list = field(default_factory=list)  # proposed for specialist care: the tweede lezer's turn
    contacted_late: list = field(default_factory=list)
    contacted_on_time: int = 0

    def named(self):
        """The public ids of the families the queue shows by name (for the access log); those
        contacted on time are only counted."""
        sections = (
            self.overdue, self.due_today, self.due_soon, self.later, self.to_triage, self.second_check,
            self.contacted_late,
        )
        return [case.public_id for section in sections for case in section]


# What a row of the queue shows (templates/intake/case_list.html): read as plain values, since
# building a model instance for each of the week's contacts costs more than the query.
ROW_FIELDS = (
    "pk", "public_id", "family_label", "status", "product", "channel", "former_trajectory",
    "received_on", "contact_due", "contacted_on", "trajectory__lead",
)


def deadline_words(days):
    """'nog 2 werkdagen', 'vandaag', '1 werkdag te laat'."""
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("%(n)d working day left", "%(n)d working days left", days) % {"n": days}
    return ngettext("%(n)d working day late", "%(n)d working days late", -days) % {"n": -days}


def contacted_words(days_late):
    """'contact op tijd', 'contact 2 werkdagen te laat'."""
    if not days_late:
        return _("contacted on time")
    return ngettext(
        "contacted %(counter)s working day late", "contacted %(counter)s working days late", days_late
    ) % {"counter": days_late}


def deadline_state(days):
    """A CSS modifier for the deadline badge."""
    if days < 0:
        return "late"
    if days == 0:
        return "today"
    return "soon" if days <= SOON_WORKING_DAYS else "later"


# One row of a case list (templates/intake/case_list.html prints it). Drawn here rather than by
# a {% for %} over the row's dozen values: at full size a team's queue names ~13-22 families,
# and the loop took ~1 ms of a ~10 ms request (bench/profile_pages.py, 2026-12-06). Every value
# is escaped (html.escape, as Django's escape does, without its lazy-string wrapper, which alone
# cost ~20 µs a row).
def row_html(url, name, kind, channel, badges, state, deadline, date):
    return (
        f'<li><a class="case" href="{escape(url)}"><span class="case-name">{escape(name)}</span> '
        f'<span class="case-meta">{escape(kind)} · {escape(channel)}{badges}</span> '
        f'<span class="deadline{f" deadline-{state}" if state else ""}">{escape(deadline)}'
        f'{f" <small>{escape(date)}</small>" if date else ""}</span></a></li>'
    )


class Rows:
    """Makes each case's row (basisjeugdhulp/rows.py: what rows share is done once), with its
    deadline in words, as HTML (row_html): the template only prints."""

    def __init__(self, today, closures):
        self.today, self.closures = today, closures
        self.products, self.statuses, self.channels = labels(Product), labels(Status), labels(Channel)
        self.file_url = url_maker("intake:registration")
        self.date = DateWords()
        self._words = {}
        self.returning_badge = f' <span class="badge badge-returning">{escape(_("Returning family"))}</span>'
        self.unmatched_badge = f' <span class="badge badge-unmatched">{escape(_("No professional yet"))}</span>'

    def working_days(self, start, end):
        return workdays.working_days_between(start, end, self.closures)  # kept per process

    def words(self, key, make):
        if key not in self._words:
            self._words[key] = make()
        return self._words[key]

    def __call__(self, case):
        case.url = self.file_url(case.public_id)
        case.kind = self.products.get(case.product) if case.product else self.statuses.get(case.status, "")
        case.channel_label = self.channels.get(case.channel, case.channel)
        case.is_returning = case.former_trajectory is not None
        case.deadline_date = ""
        if case.status == Status.CONTACTED:
            days = case.days_late
            case.deadline_state = "late" if days else "later"
            case.deadline_text = self.words(("late", days), lambda: contacted_words(days))
        elif case.contact_due:
            days = self.working_days(self.today, case.contact_due)
            case.deadline_state = deadline_state(days)
            case.deadline_text = self.words(("left", days), lambda: deadline_words(days))
            case.deadline_date = self.date(case.contact_due, "D j F")
        else:
            case.deadline_state = ""
            received = self.date(case.received_on, "j F")
            case.deadline_text = self.words(("received", received), lambda: _("received %(date)s") % {"date": received})
        badges = self.returning_badge if case.is_returning else ""
        if case.status == Status.AWAITING_CONTACT and not case.trajectory__lead:
            badges += self.unmatched_badge
        case.html = mark_safe(row_html(  # every value escaped by row_html
            case.url, case.family_label, case.kind, case.channel_label, badges, case.deadline_state,
            case.deadline_text, case.deadline_date,
        ))
        return case


OPEN = (Status.AWAITING_CONTACT, Status.NEW, Status.SECOND_CHECK)


def cases_orm(user, *, team=None, product="", since=None):
    """The queue's rows as {ROW_FIELDS: value} and a count: the open aanmeldingen of the user's
    teams (of `team`, of `product` when given) and those first contacted on or after `since`
    (None: none), through Registration.objects.visible_to, the access rule. Of the contacted,
    those contacted on or before their day (certainly on time) are only counted: the week's
    contacts are mostly those, and the queue shows them as a number."""
    registrations = Registration.objects.visible_to(user)
    if team is not None:
        registrations = registrations.filter(team=team)
    if product:
        registrations = registrations.filter(product=product)
    if since is None:
        return list(registrations.filter(status__in=OPEN).order_by().values(*ROW_FIELDS)), 0
    contacted = Q(status=Status.CONTACTED, contacted_on__gte=since)
    on_time = Q(contact_due__isnull=True) | Q(contacted_on__lte=F("contact_due"))
    rows = registrations.filter(Q(status__in=OPEN) | contacted & Q(contacted_on__gt=F("contact_due")))
    return list(rows.order_by().values(*ROW_FIELDS)), registrations.filter(contacted & on_time).count()


def cases_sql(user, *, team=None, product="", since=None):
    """cases_orm's rows and count, its query written out once (PostgreSQL): building and
    compiling it through the ORM took ~0.7 ms of the queue's CPU at every request, reading the
    same rows this way ~0.3 ms (bench/profile_pages.py, 2026-12-06), and the queue is the page
    opened most. The rows and the count come in one query (UNION ALL): at full size a team has
    ~50 contacts a week on time, and reading them as rows to count them took ~0.4 ms.
    The same access rule as Registration.objects.visible_to: the user's teams, not destroyed;
    tests/test_queue.py checks that both give the same rows and count for every role and filter."""
    team_ids = [pk for pk in team_ids_of(user) if team is None or pk == team.pk]
    if not team_ids:
        return [], 0
    visible = _VISIBLE_SQL.format(product="AND r.product = %(product)s" if product else "")
    sql = _CASES_SQL.format(
        registration=Registration._meta.db_table, trajectory=Trajectory._meta.db_table, visible=visible,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {
            "teams": team_ids, "product": product, "open": [str(status) for status in OPEN],
            "contacted": str(Status.CONTACTED), "since": since,
        })
        rows, on_time = [], 0
        for row in cursor.fetchall():
            if row[0] is None:  # the count's row
                on_time = row[-1]
            else:
                rows.append(dict(zip(ROW_FIELDS, row[:-1], strict=True)))
    return rows, on_time


# Who may see which aanmelding (Registration.objects.visible_to), within the filters.
_VISIBLE_SQL = "r.destroyed_at IS NULL AND r.team_id = ANY(%(teams)s) {product}"
_CASES_SQL = """
    (SELECT r.id, r.public_id, r.family_label, r.status, r.product, r.channel, r.former_trajectory_id,
            r.received_on, r.contact_due, r.contacted_on, t.lead_id, NULL::bigint
     FROM {registration} r LEFT OUTER JOIN {trajectory} t ON t.registration_id = r.id
     WHERE {visible} AND (r.status = ANY(%(open)s)
                          OR (r.status = %(contacted)s AND r.contacted_on >= %(since)s AND r.contacted_on > r.contact_due)))
    UNION ALL
    (SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*)
     FROM {registration} r
     WHERE {visible} AND r.status = %(contacted)s AND r.contacted_on >= %(since)s
       AND (r.contact_due IS NULL OR r.contacted_on <= r.contact_due))
"""


def build(user, today, *, team=None, product="", recent_contacts=True):
    """The queue of the aanmeldingen the user may see (of one of their teams, of one product,
    when asked), in one query: the cases still open and (unless not wanted) the week's contacts."""
    closures = ClosureDay.objects.all_dates()
    soon_limit = workdays.add_working_days(today, SOON_WORKING_DAYS, closures)
    row = Rows(today, closures)
    queue = Queue()
    since = today - timedelta(days=RECENT_DAYS) if recent_contacts else None
    cases, queue.contacted_on_time = (cases_sql if connection.vendor == "postgresql" else cases_orm)(
        user, team=team, product=product, since=since,
    )
    for case in (SimpleNamespace(**values) for values in cases):
        if case.status == Status.CONTACTED:
            case.days_late = max(0, row.working_days(case.contact_due, case.contacted_on)) if case.contact_due else 0
            if case.days_late:
                queue.contacted_late.append(row(case))
            else:
                queue.contacted_on_time += 1
            continue
        row(case)
        if case.status == Status.SECOND_CHECK:
            queue.second_check.append(case)
        elif case.status != Status.AWAITING_CONTACT:
            queue.to_triage.append(case)
        elif case.contact_due < today:
            queue.overdue.append(case)
        elif case.contact_due == today:
            queue.due_today.append(case)
        elif case.contact_due <= soon_limit:
            queue.due_soon.append(case)
        else:
            queue.later.append(case)
    for section in (queue.overdue, queue.due_today, queue.due_soon, queue.later):
        section.sort(key=lambda case: (case.contact_due, case.pk))
    queue.to_triage.sort(key=lambda case: (case.received_on, case.pk))
    queue.second_check.sort(key=lambda case: (case.received_on, case.pk))
    queue.contacted_late.sort(key=lambda case: (-case.contacted_on.toordinal(), case.pk))
    return queue
