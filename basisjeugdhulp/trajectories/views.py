from types import SimpleNamespace

from django.contrib import messages
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from basisjeugdhulp.accounts.access import forbidden
from basisjeugdhulp.accounts.roles import Role, roles_of
from basisjeugdhulp.audit import reads
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake import file_lock
from basisjeugdhulp.intake import queue as five_day_queue
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.intake.routes import Product
from basisjeugdhulp.paging import TOTAL, CountedPaginator, with_total
from basisjeugdhulp.plans.forms import PlanPhotoForm
from basisjeugdhulp.plans.models import PlanPhoto
from basisjeugdhulp.rows import DateWords, labels, url_maker
from basisjeugdhulp.trajectories.forms import CloseForm, ReopenForm
from basisjeugdhulp.trajectories.models import (
    REOPEN_DAYS,
    REOPEN_WINDOW,
    Trajectory,
    professional_ids,
)
from matching.membership import memberships_of
from matching.models import Professional

# A professional's families on one page of the start page: a phone shows a handful at a time,
# and at country scale a professional can have dozens open (bench/city.py: ~40). Ten, not
# twenty: the product decision of issue 24 (the start page at the floor's cost per request).
FAMILIES_PER_PAGE = 10

# A professional's families in the order they need them: those still awaiting first contact
# first, the earliest deadline on top; then the running ones, the longest running first. Each row
# is what templates/trajectories/mine.html shows, read as plain values like the queue's rows (a
# model instance with its registration per row cost more than the query). Built once, like a
# class-based view's `queryset`, and narrowed to the professional per request: building the
# annotated query anew cost as much as reading it (docs/performance.md). On PostgreSQL the start
# page reads the same rows with the query written out (MyFamiliesSQL); this is the rule it is
# tested against, and SQLite's.
MY_FAMILIES = with_total(
    Trajectory.objects.open()
    .with_plan_summary()
    .order_by(F("started_on").asc(nulls_first=True), "registration__contact_due", "pk")
).values(
    "public_id", "product", "duo_id", "started_on", "photo_count", "last_photo_at", TOTAL,
    family_label=F("registration__family_label"), contact_due=F("registration__contact_due"),
    family=F("registration__public_id"),
)


class MyFamiliesSQL:
    """MY_FAMILIES of one professional with its query written out (PostgreSQL), sliced like a
    queryset by CountedPaginator: building and compiling the annotated query through the ORM
    took ~0.9 ms of the start page's CPU at every request (bench/profile_pages.py, 2026-12-06).
    The same rule as `of_professional` (lead or duo, open, not destroyed) and the same rows in the
    same order: tests/test_plan_photos.py compares both, page by page."""

    SELECT = """
        SELECT t.public_id, t.product, t.duo_id, t.started_on,
               COALESCE((SELECT count(*) FROM {photo} p WHERE p.trajectory_id = t.id), 0),
               (SELECT max(p.uploaded_at) FROM {photo} p WHERE p.trajectory_id = t.id),
               count(*) OVER (), r.family_label, r.contact_due, r.public_id
        FROM {trajectory} t JOIN {registration} r ON r.id = t.registration_id
        WHERE {mine}
        ORDER BY t.started_on ASC NULLS FIRST, r.contact_due ASC, t.id ASC
        LIMIT %(limit)s OFFSET %(offset)s"""
    COUNT = "SELECT count(*) FROM {trajectory} t JOIN {registration} r ON r.id = t.registration_id WHERE {mine}"
    # One professional (a user has at most one profile), as a plain value rather than an array: with
    # an array PostgreSQL's plan for any user looked dearer than planning each one anew, and it
    # planned the query at every request (0.5 against 0.25 ms of its CPU); with one id the
    # prepared statement keeps its plan.
    MINE = "t.ended_on IS NULL AND (t.lead_id = %(id)s OR t.duo_id = %(id)s) AND r.destroyed_at IS NULL"
    FIELDS = ("public_id", "product", "duo_id", "started_on", "photo_count", "last_photo_at", TOTAL,
              "family_label", "contact_due", "family")

    def __init__(self, user, professional):
        # One at most: Professional.user is one-to-one.
        self.professional_id = next(iter(professional_ids(user, professional)), None)

    def _run(self, sql, **params):
        sql = sql.format(photo=PlanPhoto._meta.db_table, trajectory=Trajectory._meta.db_table,
                         registration=Registration._meta.db_table, mine=self.MINE)
        with connection.cursor() as cursor:
            cursor.execute(sql, {"id": self.professional_id, **params})
            return cursor.fetchall()

    def __getitem__(self, page):
        if self.professional_id is None:
            return []
        rows = self._run(self.SELECT, limit=page.stop - page.start, offset=page.start)
        return [dict(zip(self.FIELDS, row, strict=True)) for row in rows]

    def count(self):  # a page past the last one: Paginator counts, then shows the last page
        return self._run(self.COUNT)[0][0] if self.professional_id is not None else 0


def my_families(user, professional):
    if connection.vendor == "postgresql":
        return MyFamiliesSQL(user, professional)
    return MY_FAMILIES.of_professional(user, professional)


class MineRows:
    """Makes each family's row (basisjeugdhulp/rows.py): a professional has dozens of families,
    and a {% blocktranslate %} per phrase per row cost more than the rest of the page."""

    def __init__(self, today):
        self.today = today
        self.products = labels(Product)
        self.url = url_maker("trajectories:detail")
        self.date = DateWords()
        self.no_photo = _("no plan photo yet")

    def __call__(self, values):
        row = SimpleNamespace(**values)
        row.url = self.url(row.public_id)
        row.product_label = self.products.get(row.product, row.product)
        if row.photo_count:
            last = self.date(timezone.localdate(row.last_photo_at), "j b")
            row.photos_text = ngettext(
                "%(n)s plan photo, %(date)s", "%(n)s plan photos, last %(date)s", row.photo_count
            ) % {"n": row.photo_count, "date": last}
        else:
            row.photos_text = self.no_photo
        if row.started_on:
            days = (self.today - row.started_on).days + 1  # the day it started is its first day
            row.day_text = ngettext("day %(days)s", "day %(days)s", days) % {"days": days}
            row.since_text = _("since %(date)s") % {"date": self.date(row.started_on, "j F")}
        else:
            row.due_text = _("contact by %(date)s") % {"date": self.date(row.contact_due, "D j F")}
        return row


def professional_of(user):
    # An active membership came with the user; one who left their team still sees the families
    # they lead, and their profile.
    return next(iter(memberships_of(user)), None) or (
        Professional.objects.select_related("team").filter(user=user).first()
    )


def mine(request):
    """The professional's start page: their families, a page of ten. The team's families
    awaiting first contact are behind a link (`waiting`), loaded into the page by htmx when
    asked for: most visits are for the own families (issue 24's product decision)."""
    professional = professional_of(request.user)
    today = timezone.localdate()
    families = CountedPaginator(my_families(request.user, professional), FAMILIES_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    reads.listed(request, [row["family"] for row in families])
    return render(
        request,
        "trajectories/mine.html",
        {
            "professional": professional,
            "families": families,
            "trajectories": list(map(MineRows(today), families.object_list)),
            "today": today,
        },
    )


def waiting(request):
    """The team's families awaiting first contact: the list alone for htmx (swapped into the
    start page), a page of its own for a plain link."""
    today = timezone.localdate()
    queue = five_day_queue.build(request.user, today, recent_contacts=False)
    cases = queue.overdue + queue.due_today + queue.due_soon + queue.later
    reads.listed(request, [case.public_id for case in cases])
    template = "trajectories/waiting.html#list" if request.htmx else "trajectories/waiting.html"
    return render(request, template, {"waiting": cases, "today": today})


def trajectory_for(request, public_id):
    """The trajectory, if the user may see it (else 404); the read of the family's file is in
    the access log before anything of it is shown (audit/reads.py). A writer whose file was
    destroyed meanwhile is told so (intake/file_lock.py)."""
    try:
        trajectory = Trajectory.objects.visible_to(request.user).select_related(
            "registration", "registration__team", "lead__user", "duo__user"
        ).prefetch_related(
            Prefetch("photos", queryset=PlanPhoto.objects.select_related("uploaded_by"))
        ).get(public_id=public_id)
    except Trajectory.DoesNotExist:
        file_lock.not_found(request, Trajectory, public_id=public_id)
    reads.opened(request, trajectory.registration)
    return trajectory


def may_reopen(user, trajectory):
    """The family's professionals and the team's triagists (who see the trajectory), within
    REOPEN_DAYS of the close."""
    return trajectory.may_be_reopened() and (
        trajectory.is_professional(user) or Role.TRIAGIST in roles_of(user)
    )


def page(request, trajectory, *, photo_form=None, reopen_form=None, status=200, conflict=None):
    can_work = trajectory.is_professional(request.user) and not trajectory.is_closed
    context = {
        "trajectory": trajectory,
        "registration": trajectory.registration,
        "photos": list(trajectory.photos.all()),
        "can_work": can_work,
        "today": timezone.localdate(),
        "conflict": conflict,
    }
    # The safety card: optional; its latest version with its date and the judgements over time.
    from basisjeugdhulp.safety import scale
    from basisjeugdhulp.safety.models import SafetyCard

    cards = list(SafetyCard.objects.filter(registration=trajectory.registration))
    context["safety_card"] = cards[0] if cards else None
    context["safety_line"] = scale.line([(card.judged_on, card.judgement) for card in cards])
    if can_work:
        context["photo_form"] = photo_form or PlanPhotoForm()
    if trajectory.is_closed and may_reopen(request.user, trajectory):
        context["reopen_form"] = reopen_form or ReopenForm()
        context["reopen_until"] = timezone.localtime(trajectory.closed_at + REOPEN_WINDOW)
    return render(request, "trajectories/detail.html", context, status=status)


def closed_meanwhile(request, trajectory, typed):
    """A write to a trajectory closed meanwhile (closing it again, a photo): refused with who
    closed it, and what this user typed kept on the page (status 409)."""
    trajectory = trajectory_for(request, trajectory.public_id)
    closing = AccessEvent.objects.filter(family=trajectory.registration.public_id, action=Action.CLOSE).select_related("user").first()
    who = closing.user.get_full_name() or closing.user.get_username() if closing else _("someone")
    conflict = {
        "message": _("Meanwhile %(name)s closed this trajectory on %(date)s: %(reason)s, %(hours)s hours per week. Your input was not saved.")
        % {"name": who, "date": date_format(trajectory.ended_on, "j F Y"), "reason": trajectory.get_end_reason_display().lower(),
           "hours": number_format(trajectory.hours_per_week, 2)},
        "typed": [(label, value) for label, value in typed if value],
    }
    return page(request, trajectory, conflict=conflict, status=409)


def detail(request, public_id):
    """A family's trajectory: the plan photos (every version), and closing it."""
    return page(request, trajectory_for(request, public_id))


def _close_page(request, trajectory, form, *, confirm=False):
    return render(request, "trajectories/close.html", {
        "trajectory": trajectory, "registration": trajectory.registration, "form": form, "confirm": confirm,
    })


def close(request, public_id):
    """Closing is a step of its own: the form, then a summary to confirm, then closed — with a
    way back (reopen) for REOPEN_DAYS after a mistaken close."""
    trajectory = trajectory_for(request, public_id)
    if not trajectory.is_professional(request.user):
        # Only the family's professionals close; anyone else who sees it is shown the trajectory.
        return forbidden(request) if request.method == "POST" else redirect("trajectories:detail", trajectory.public_id)
    typed = [(_("End date"), request.POST.get("ended_on", "")), (_("End reason"), request.POST.get("end_reason", "")),
             (_("Average hours per week"), request.POST.get("hours_per_week", "")),
             (_("Not to be asked for the evaluation interview"), _("yes") if request.POST.get("evaluation_declined") else "")]
    if trajectory.is_closed:
        if request.method != "POST":
            return redirect("trajectories:detail", trajectory.public_id)
        return closed_meanwhile(request, trajectory, typed)
    if not trajectory.started_on:
        messages.warning(request, _("Record the first contact before closing the trajectory."))
        return redirect("trajectories:detail", trajectory.public_id)
    if request.method != "POST":
        return _close_page(request, trajectory, CloseForm(trajectory=trajectory))
    form = CloseForm(request.POST, trajectory=trajectory)
    if not form.is_valid() or "change" in request.POST:  # refused, or "change" on the summary
        return _close_page(request, trajectory, form)
    if "confirm" not in request.POST:
        return _close_page(request, trajectory, form, confirm=True)
    try:
        with transaction.atomic():
            # Lead and duo closing at once: the file's lock lets only the first through.
            locked = file_lock.lock_trajectory(trajectory)
            locked.close(**form.closing())
            if (outcome := form.outcome()) is not None:
                locked.cbs_outcomes.create(**outcome)
            AccessEvent.record(request, Action.CLOSE, locked.registration)
    except file_lock.FileChanged:
        return closed_meanwhile(request, trajectory, typed)
    messages.success(
        request,
        _("The trajectory of %(family)s is closed. Closed by mistake? You can reopen it below for %(days)s days.")
        % {"family": trajectory.registration.family_label, "days": REOPEN_DAYS},
    )
    return redirect("trajectories:detail", trajectory.public_id)


@require_POST
def reopen(request, public_id):
    """Undo a mistaken close, with a reason; logged, and counted as a reopen."""
    trajectory = trajectory_for(request, public_id)
    if not trajectory.is_closed:
        messages.info(request, _("This trajectory is already running again."))
        return redirect("trajectories:detail", trajectory.public_id)
    if not may_reopen(request.user, trajectory):
        return forbidden(request)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return page(request, trajectory, reopen_form=form)
    with transaction.atomic():
        locked = file_lock.lock_trajectory(trajectory, open_only=False)
        if not locked.is_closed:  # reopened by a colleague at the same moment
            messages.info(request, _("This trajectory is already running again."))
            return redirect("trajectories:detail", trajectory.public_id)
        locked.reopen(request.user, form.cleaned_data["reason"])
        AccessEvent.record(request, Action.REOPEN, locked.registration)
    messages.success(request, _("The trajectory runs again, with the same professionals."))
    return redirect("trajectories:detail", trajectory.public_id)
