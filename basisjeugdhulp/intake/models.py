import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp import config_cache, workdays
from basisjeugdhulp.intake.routes import Category, Channel, ContactMode, Product, Route, Status
from basisjeugdhulp.reporting.disclosure import new_record_key
from basisjeugdhulp.reporting.freshness import CountedQuerySet
from basisjeugdhulp.subqueries import rows_of

CONTACT_PROMISE_WORKING_DAYS = 5  # "contact binnen vijf werkdagen" (source 002)


class QuestionCategory(models.Model):
    """One of the fixed question categories, as a row so aanmeldingen and expertise can
    refer to it and the figures can count it in SQL."""

    code = models.CharField(max_length=20, choices=Category.choices, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self):
        return self.get_code_display()


CLOSURE_DAYS_KEY = "closure-days"


class ClosureDayQuerySet(models.QuerySet):
    def dates_from(self, start):
        return frozenset(self.filter(date__gte=start).values_list("date", flat=True))

    def all_dates(self):
        """Every closure day, from this process's copy (config_cache.py): the queue and the
        start pages read them on every request."""
        return config_cache.cached(CLOSURE_DAYS_KEY, lambda: frozenset(self.values_list("date", flat=True)))


class ClosureDay(models.Model):
    """A day the organisation is closed (e.g. between Christmas and New Year): no working day."""

    date = models.DateField(_("date"), unique=True)
    description = models.CharField(_("description"), max_length=100, blank=True)

    objects = ClosureDayQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.description}".strip()


config_cache.clear_on_change(CLOSURE_DAYS_KEY, ClosureDay)


def local_today():
    return timezone.localdate()


class RegistrationQuerySet(CountedQuerySet):
    def visible_to(self, user):
        """The aanmeldingen of the teams the user works in; none for anyone outside a team."""
        from matching.membership import team_ids_of

        return self.filter(team_id__in=team_ids_of(user), destroyed_at=None)

    def awaiting_contact(self):
        return self.filter(status=Status.AWAITING_CONTACT)

    def with_category_codes(self):
        """The question categories' codes in the aanmelding's own row (category_codes())."""
        return self.annotate(category_rows=rows_of(
            "intake_registration_categories JOIN intake_questioncategory"
            " ON intake_questioncategory.id = questioncategory_id",
            "registration_id = {outer}",
            "code",
        ))

    def with_children(self):
        """The children in the aanmelding's own row (listed_children()), instead of a query
        of their own on the family's file."""
        return self.annotate(
            children_rows=rows_of("intake_child", "registration_id = {outer}", "id", "first_name", "birth_year")
        )

    def recompute_deadlines(self):
        """Set contact_due again from the triage date, e.g. after closure days changed.

        One UPDATE per distinct triage date, never one per case.
        """
        triage_dates = set(self.exclude(triaged_on=None).values_list("triaged_on", flat=True))
        if not triage_dates:
            return 0
        closures = ClosureDay.objects.dates_from(min(triage_dates))
        changed = 0
        for triaged_on in triage_dates:
            due = workdays.add_working_days(triaged_on, CONTACT_PROMISE_WORKING_DAYS, closures)
            changed += self.filter(triaged_on=triaged_on).exclude(contact_due=due).update(contact_due=due)
        return changed


class Registration(models.Model):
    """An aanmelding: a family asking for help, from intake through triage to first contact."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The form's one-time token: a second tap on "save" finds the first aanmelding.
    submission_id = models.UUIDField(unique=True, editable=False, null=True)
    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="registrations", verbose_name=_("team")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    received_on = models.DateField(_("received on"), default=local_today)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)

    # What the family tells at the entrance: the minimum, and no BSN.
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    family_label = models.CharField(_("family"), max_length=80, blank=True)
    phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    house_number = models.CharField(_("house number"), max_length=12, blank=True)
    categories = models.ManyToManyField(QuestionCategory, verbose_name=_("question categories"))
    question = models.TextField(_("question in the family's own words"), max_length=500, blank=True)
    # Kept only when the family itself asks for it (AVG: background is a special category).
    preferred_language = models.CharField(_("language"), max_length=50, blank=True)
    preferred_background = models.CharField(_("background"), max_length=100, blank=True)
    preference_other = models.CharField(_("other preference"), max_length=200, blank=True)

    # A family whose trajectory closed less than 12 months ago (intake/family_keys.py): the link
    # to the earlier file, shown while that file exists (destroying it removes the link).
    former_trajectory = models.ForeignKey(
        "trajectories.Trajectory", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The anonymous fact the municipal figures count ("terugkerend"): it stays when the earlier
    # file is destroyed, so the figures of past periods do not change.
    returning = models.BooleanField(default=False, editable=False)

    # Triage.
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, blank=True)
    product = models.CharField(_("product"), max_length=20, choices=Product.choices, blank=True)
    triaged_on = models.DateField(_("triaged on"), null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Stored, so "overdue / due today / due soon" is an index scan (DESIGN.md, step 3).
    contact_due = models.DateField(_("contact due"), null=True, blank=True)

    # First contact.
    contacted_on = models.DateField(_("first contact on"), null=True, blank=True)
    contact_mode = models.CharField(_("mode"), max_length=10, choices=ContactMode.choices, blank=True)
    contact_late_reason = models.CharField(_("reason for the delay"), max_length=200, blank=True)
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Destroyed on request or after the retention period (intake/destruction.py): the personal
    # data is gone, the anonymous facts the municipal figures rest on remain.
    destroyed_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Working days from triage to first contact, kept when contact is recorded: the municipal
    # median is then a plain SQL aggregate (holidays and closure days are not SQL).
    contact_working_days = models.SmallIntegerField(null=True, blank=True, editable=False)

    # The record's secret key for the municipal figures (reporting/disclosure.py, the cell-key
    # method): random, drawn once, never shown or exported. It stays after destruction: it
    # says nothing about the family, and the anonymous figures must not change.
    figure_key = models.PositiveSmallIntegerField(default=new_record_key, editable=False)

    # The last write to any part of the file: retention counts from it (intake/retention.py,
    # Jeugdwet art. 7.3.8 lid 3).
    last_changed_at = models.DateTimeField(_("last changed at"), default=timezone.now, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["team", "status", "contact_due"], name="queue_by_due_date"),
            models.Index(fields=["team", "status", "contacted_on"], name="queue_by_contact_date"),
            # The municipal figures select a period on each of these dates (reporting/figures.py).
            models.Index(fields=["received_on"], name="figures_by_received"),
            models.Index(fields=["triaged_on"], name="figures_by_triaged"),
            models.Index(fields=["contact_due"], name="figures_by_due"),
            models.Index(fields=["contacted_on"], name="figures_by_contacted"),
            # The daily destruction of files past their retention (intake/retention.py).
            models.Index(fields=["last_changed_at"], name="retention_by_last_change"),
        ]

    def __str__(self):
        return self.family_label or str(self.public_id)

    @property
    def is_returning(self):
        return self.former_trajectory_id is not None

    @property
    def preferred_language_label(self):
        """The family's language by its name (a code of intake/languages.py), or as typed."""
        from basisjeugdhulp.intake.languages import label

        return label(self.preferred_language)

    @property
    def has_preference(self):
        return bool(self.preferred_language or self.preferred_background or self.preference_other)

    def category_codes(self):
        """The codes of the family's question categories, in code order: from the row when it
        was read with_category_codes(), else asked now."""
        if hasattr(self, "category_rows"):
            return sorted(row["code"] for row in self.category_rows or ())
        return list(self.categories.values_list("code", flat=True))

    def category_labels(self):
        return [Category(code).label for code in self.category_codes()]

    def listed_children(self):
        """The children ({id, first_name, birth_year}), oldest first as Child.Meta orders them: from
        the row when it was read with_children(), else asked now."""
        if hasattr(self, "children_rows"):
            return sorted(self.children_rows or (), key=lambda row: (row["birth_year"], row["id"]))
        return list(self.children.values("id", "first_name", "birth_year"))

    def route_to_basic(self, product, user, today):
        """Basis jeugdhulp: store the contact deadline and open the trajectory (saves both).

        The deadline counts from the first triage date: a proposal that the tweede lezer
        rejected keeps it, so the family does not wait longer because a referral was considered.
        The trajectory is opened now so a professional can be matched before first contact.
        """
        from basisjeugdhulp.trajectories.models import Trajectory

        self.route = Route.BASIC
        self.product = product
        self.triaged_on = self.triaged_on or today
        self.triaged_by = user
        self.status = Status.AWAITING_CONTACT
        self.contact_due = workdays.add_working_days(
            self.triaged_on,
            CONTACT_PROMISE_WORKING_DAYS,
            ClosureDay.objects.dates_from(self.triaged_on),
        )
        self.save()
        Trajectory.objects.update_or_create(registration=self, defaults={"product": product})

    def end_as_crisis(self, user, today):
        """A crisis is not handled here: keep only what is needed to count it.

        Team, channel, dates and route stay for the figures; everything that points to the
        family goes (data minimisation, AVG art. 5(1)(c)).
        """
        self.route = Route.CRISIS
        self.status = Status.CRISIS
        self.triaged_on = today
        self.triaged_by = user
        self.product = ""
        self.family_label = self.phone = self.postcode = self.house_number = ""
        self.question = self.preferred_language = self.preferred_background = ""
        self.preference_other = ""
        self.former_trajectory = None
        self.returning = False
        self.children.all().delete()
        self.family_keys.all().delete()
        self.categories.clear()

    def save(self, *args, **kwargs):
        self.last_changed_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "last_changed_at"}
        if self.contacted_on and self.triaged_on:
            self.contact_working_days = workdays.working_days_between(
                self.triaged_on, self.contacted_on, ClosureDay.objects.dates_from(self.triaged_on)
            )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "contact_working_days"}
        super().save(*args, **kwargs)

    def contact_was_late(self):
        return bool(self.contacted_on and self.contact_due and self.contacted_on > self.contact_due)


class Sex(models.TextChoices):
    """CBS's codes (Beleidsinformatie Jeugd §2.4); asked only where the municipality wants it
    (CBS_ASK_SEX), else the delivery says O."""

    FEMALE = "V", _("girl")
    MALE = "M", _("boy")


class Child(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="children")
    first_name = models.CharField(_("first name"), max_length=50)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True, db_default="")
    # Only where the organisation collects it (CBS_BSN): Fernet-encrypted, never the digits
    # (cbs/bsn.py). Destroying the file deletes the child, and with it this.
    bsn_token = models.TextField(blank=True, editable=False, db_default="")

    class Meta:
        ordering = ["birth_year", "pk"]
        verbose_name = _("child")
        verbose_name_plural = _("children")

    def __str__(self):
        return f"{self.first_name} ({self.birth_year})"

    @property
    def bsn(self):
        from basisjeugdhulp.cbs import bsn

        return bsn.decrypt(self.bsn_token)

    @property
    def masked_bsn(self):
        from basisjeugdhulp.cbs import bsn

        return bsn.masked(self.bsn) if self.bsn_token else ""


class FamilyKey(models.Model):
    """A keyed hash of address and a child's year of birth (see family_keys.py)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="family_keys"
    )
    key = models.CharField(max_length=64, db_index=True)


class SecondCheck(models.Model):
    """The four-eyes check on a proposed referral to specialist care.

    The organisation kept over-referring and ran two million over budget; a second reader
    brought it back (source 002). Proposer and decider are never the same person.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="second_checks"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    motivation = models.CharField(_("motivation"), max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = CountedQuerySet.as_manager()

    class Meta:
        ordering = ["proposed_at"]
        verbose_name = _("second check")
        verbose_name_plural = _("second checks")

    @property
    def is_open(self):
        return self.decided_at is None

    def may_be_decided_by(self, user):
        return user.pk != self.proposed_by_id


class RequestedBy(models.TextChoices):
    """Who may ask (Jeugdwet art. 7.3.9 and 7.3.15): the young person from 12, for a child under 12
    a parent with authority (or a guardian)."""

    YOUNG_PERSON = "young_person", _("the young person")
    PARENT = "parent", _("a parent with authority (child under 12)")


class KeepingGround(models.TextChoices):
    """Why a file of the family is kept. Art. 7.3.9 lid 2: not destroyed when that is against a
    substantial interest of someone other than the young person, or a legal rule requires keeping it."""

    OTHERS_INTEREST = "others_interest", _("a substantial interest of someone else")
    LEGAL_DUTY = "legal_duty", _("a legal duty to keep it")
    # Not an exception: the request does not ask for this file (e.g. another child's).
    NOT_REQUESTED = "not_requested", _("not part of the request")


class DestructionRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(handled_at=None)

    def needing_attention(self, today, days=7):
        """Open requests whose answer is due within `days` days, or overdue."""
        from datetime import timedelta

        return self.open().filter(deadline__lte=today + timedelta(days=days)).order_by("deadline")


class DestructionRequest(models.Model):
    """A family's request to destroy its file(s) (Jeugdwet art. 7.3.9), and how it was answered.

    The answer is due within a month of receipt, or three months when the beheerder extends it with
    a reason (AVG art. 12(3)). What identifies the family (name, address, birth year, who asked)
    is kept only while the request is open: once answered it is cleared, and what stays is the
    dates, who asked (as a kind), and per file whether it was destroyed or kept and why.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    received_on = models.DateField(_("request received on"), default=local_today)
    requested_by = models.CharField(_("asked by"), max_length=20, choices=RequestedBy.choices)
    requester_name = models.CharField(_("name of who asked"), max_length=100, blank=True)
    family_name = models.CharField(_("family name as registered"), max_length=80, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    house_number = models.CharField(_("house number"), max_length=12, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("child's year of birth"), null=True, blank=True)
    covers = models.CharField(_("what the request covers"), max_length=300)
    deadline = models.DateField(_("answer due"))
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = DestructionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("destruction request")
        verbose_name_plural = _("destruction requests")

    @property
    def is_open(self):
        return self.handled_at is None

    @property
    def is_extended(self):
        return bool(self.extension_reason)


class RequestedFile(models.Model):
    """One file of a request's family: destroyed, or kept under an exception of art. 7.3.9 lid 2."""

    request = models.ForeignKey(DestructionRequest, on_delete=models.CASCADE, related_name="files")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    destroyed = models.BooleanField(default=False)
    exception = models.CharField(_("exception"), max_length=20, choices=KeepingGround.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)


class PendingRemoval(models.Model):
    """A storage object (every version of it) that must go but could not be removed yet: listed
    in the transaction that destroys its row, removed after the commit, retried daily until gone
    (plans/storing.py). The name is random and says nothing about the family."""

    name = models.CharField(max_length=255, unique=True)
    since = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["since"]
