"""Professionals, their leave, the matching settings, and the history of who helped a family.

The apps depend in one direction, drawn here and kept by tests/test_matching_structure.py:

    teams  <--  matching  <--  trajectories
    (Team)      (Professional, Absence, Match,      (Trajectory: its lead and duo are
                 membership.py: a user's teams)       matching.Professional)

matching names the trajectory only as a string ("trajectories.Trajectory") and reaches a
professional's families through the reverse relations; it never imports trajectories.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp import config_cache
from basisjeugdhulp.intake import languages
from basisjeugdhulp.intake.routes import Category, Product
from basisjeugdhulp.reporting.freshness import CountedQuerySet
from basisjeugdhulp.subqueries import Correlated, count_of


class Education(models.TextChoices):
    # The level decides which products a professional fits best (EducationFit).
    HBO = "hbo", _("HBO")
    MBO = "mbo", _("MBO")


# The one list of languages, for the family's language and the professionals' (with common
# spellings as aliases): intake/languages.py.
LANGUAGE_CHOICES = languages.CHOICES


class Expertise(models.TextChoices):
    """The intake's question categories, and what only matching needs."""

    # Same codes as intake.routes.Category, so a family's categories compare directly.
    PARENTING = Category.PARENTING.value, Category.PARENTING.label
    DIVORCE = Category.DIVORCE.value, Category.DIVORCE.label
    BEHAVIOUR = Category.BEHAVIOUR.value, Category.BEHAVIOUR.label
    AUTISM = Category.AUTISM.value, Category.AUTISM.label
    MENTAL_HEALTH = Category.MENTAL_HEALTH.value, Category.MENTAL_HEALTH.label
    SCHOOL = Category.SCHOOL.value, Category.SCHOOL.label
    DEVELOPMENT = Category.DEVELOPMENT.value, Category.DEVELOPMENT.label
    SOCIAL = Category.SOCIAL.value, Category.SOCIAL.label
    GRIEF = Category.GRIEF.value, Category.GRIEF.label
    HOME = Category.HOME.value, Category.HOME.label
    LVB = "lvb", _("Mild intellectual disability (LVB)")
    TRAUMA = "trauma", _("Trauma")
    MULTI_PROBLEM = "multiprobleem", _("Multi-problem families")


class ProfessionalQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True, user__is_active=True)

    def education_mix(self):
        """Counts of HBO and MBO professionals, computed in the database."""
        return self.aggregate(
            hbo=Count("pk", filter=Q(education=Education.HBO)),
            mbo=Count("pk", filter=Q(education=Education.MBO)),
        )

    def with_load(self, today=None):
        """Annotate `load` (open trajectories as lead or duo) and `absent` (absent today).

        All are subqueries of the same SELECT: one query whatever the number of professionals.
        Lead and duo are counted apart, so each count reads only its partial index on open
        trajectories (an index-only scan: 0.6 ms instead of 2.4 ms for a team at 1 M).
        """
        today = today or timezone.localdate()

        def open_families(role):
            return count_of("trajectories_trajectory", f"{role}_id = {{outer}} AND ended_on IS NULL")

        return self.annotate(
            load=open_families("lead") + open_families("duo"),
            absent=Correlated(
                "SELECT EXISTS (SELECT 1 FROM matching_absence"
                " WHERE professional_id = {outer} AND starts_on <= %s AND ends_on >= %s)",
                params=[today, today],
                output_field=models.BooleanField(),
            ),
        )


    def speaking(self, code):
        """The professionals who speak the language `code` (in Python: JSON "contains" is not
        portable to SQLite; a team is a few dozen rows)."""
        return [pk for pk, spoken in self.values_list("pk", "languages") if code in spoken]

    def not_on_leave_on(self, day):
        """Without leave on `day` (the family's first-contact deadline: a hard rule of matching)."""
        if day is None:
            return self
        return self.exclude(
            models.Exists(Absence.objects.filter(professional=models.OuterRef("pk"), starts_on__lte=day, ends_on__gte=day))
        )


class Professional(models.Model):
    """A member of staff of a WIJ-team: the person a family is matched with."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="professional"
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.PROTECT, related_name="professionals", verbose_name=_("team")
    )
    education = models.CharField(_("education level"), max_length=3, choices=Education.choices)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive professionals get no new families.")
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=8,
        validators=[MaxValueValidator(40)],
        help_text=_("The number of families at the same time."),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    expertise = models.JSONField(_("expertise"), default=list, blank=True)
    # Special category of personal data (AVG art. 9): only self-declared, only with consent,
    # only used for matching on the family's own request, never in a report or an export.
    affinity = models.CharField(
        _("cultural or religious affinity"),
        max_length=100,
        blank=True,
        help_text=_(
            "Optional. Only if you want families who ask for it to be matched with you. "
            "Never shown in any report or export."
        ),
    )
    affinity_consent_on = models.DateField(_("consent given on"), null=True, blank=True)

    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("professional")
        verbose_name_plural = _("professionals")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    def current_load(self):
        # By the reverse relations: matching does not import trajectories (see the docstring).
        return self.trajectories.filter(ended_on=None).count() + self.duo_trajectories.filter(ended_on=None).count()

    def clean(self):
        if self.pk and self.capacity is not None:
            load = self.current_load()
            if self.capacity < load:
                raise ValidationError(
                    {
                        "capacity": _(
                            "The capacity (%(capacity)s) is below the families this professional "
                            "has now (%(load)s). Re-match families first."
                        )
                        % {"capacity": self.capacity, "load": load}
                    }
                )
        if self.affinity and not self.affinity_consent_on:
            raise ValidationError(
                {"affinity": _("Affinity is only kept with the professional's consent.")}
            )


class Absence(models.Model):
    professional = models.ForeignKey(
        Professional, on_delete=models.CASCADE, related_name="absences", verbose_name=_("professional")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The absence cannot end before it starts.")})

    def save(self, *args, **kwargs):
        # Whatever path writes it (admin, demo, a command): never a leave that ends before it starts.
        if self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The absence cannot end before it starts.")})
        super().save(*args, **kwargs)


def weight_field(label, default):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )


class MatchingWeights(models.Model):
    """The weights of the matching factors: one row, changed by beheerder without a deploy."""

    expertise = weight_field(_("expertise against the question"), 3)
    language = weight_field(_("language"), 3)
    preference = weight_field(_("the family's stated preference"), 2)
    education = weight_field(_("HBO/MBO fit to the product"), 2)
    load = weight_field(_("free capacity (prefer the less loaded)"), 2)
    continuity = weight_field(_("continuity: knew the family"), 4)
    leave = weight_field(_("planned leave in the family's first period (subtracted)"), 4)
    leave_horizon_days = models.PositiveSmallIntegerField(
        _("first period, in days"),
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "The first weeks of a family with its professional, when they get to know each other "
            "and make the plan. Leave in this period lowers the score by the share it covers."
        ),
    )

    FACTORS = ("expertise", "language", "preference", "education", "load", "continuity")

    class Meta:
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")

    def __str__(self):
        return str(_("Matching weights"))

    def clean(self):
        if not any(getattr(self, name) for name in self.FACTORS):
            raise ValidationError(
                _("At least one weight must be above zero, or every professional would score the same.")
            )

    @classmethod
    def current(cls):
        """The weights the beheerder set (or the defaults), from this process's copy."""
        return config_cache.cached(WEIGHTS_KEY, lambda: cls.objects.first() or cls())


class EducationFit(models.Model):
    """Which education level fits which product: the configurable HBO/MBO table."""

    product = models.CharField(_("product"), max_length=20, choices=Product.choices)
    education = models.CharField(_("education level"), max_length=3, choices=Education.choices)
    fits = models.BooleanField(_("fits"), default=True)

    # Heavier products ask for HBO; medium ones fit MBO, family support medium fits both.
    DEFAULTS = {
        (Product.INDIVIDUAL_MEDIUM, Education.MBO): True,
        (Product.INDIVIDUAL_MEDIUM, Education.HBO): False,
        (Product.INDIVIDUAL_HEAVY, Education.MBO): False,
        (Product.INDIVIDUAL_HEAVY, Education.HBO): True,
        (Product.FAMILY_MEDIUM, Education.MBO): True,
        (Product.FAMILY_MEDIUM, Education.HBO): True,
        (Product.FAMILY_HEAVY, Education.MBO): False,
        (Product.FAMILY_HEAVY, Education.HBO): True,
    }

    class Meta:
        ordering = ["product", "education"]
        constraints = [
            models.UniqueConstraint(fields=["product", "education"], name="one_fit_per_pair")
        ]
        verbose_name = _("education fit")
        verbose_name_plural = _("education fit table")

    @classmethod
    def table(cls):
        """{(product, education): fits}, the defaults overridden by what beheerder set."""

        def load():
            table = dict(cls.DEFAULTS)
            table.update({(f.product, f.education): f.fits for f in cls.objects.all()})
            return table

        return config_cache.cached(FIT_TABLE_KEY, load)


class DuoFit(models.Model):
    """For which products the panel suggests a duo (one HBO and one MBO professional): the
    organisation's setting per product, and a team's own where it differs."""

    team = models.ForeignKey(
        "teams.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("team"), help_text=_("Empty: for every team without its own setting."),
    )
    product = models.CharField(_("product"), max_length=20, choices=Product.choices)
    suggest = models.BooleanField(_("suggest a duo"), default=True)

    # "Mbo'ers zijn doeners ... daarna komt de hbo'er met een interventie" (source 002): the
    # heavy products, where both are needed, get a duo by default.
    DEFAULTS = {
        Product.INDIVIDUAL_MEDIUM: False,
        Product.INDIVIDUAL_HEAVY: True,
        Product.FAMILY_MEDIUM: False,
        Product.FAMILY_HEAVY: True,
    }

    class Meta:
        ordering = ["team", "product"]
        constraints = [
            models.UniqueConstraint(fields=["team", "product"], name="one_duo_fit_per_team_product"),
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(team=None), name="one_duo_fit_per_product"
            ),
        ]
        verbose_name = _("duo setting")
        verbose_name_plural = _("duo settings")

    @classmethod
    def table(cls):
        """{(team id or None, product): suggest}, the defaults overridden by what beheerder set."""

        def load():
            table = {(None, product): value for product, value in cls.DEFAULTS.items()}
            table.update({(f.team_id, f.product): f.suggest for f in cls.objects.all()})
            return table

        return config_cache.cached(DUO_TABLE_KEY, load)

    @classmethod
    def suggested(cls, team_id, product):
        table = cls.table()
        return table.get((team_id, product), table.get((None, product), False))


WEIGHTS_KEY, FIT_TABLE_KEY, DUO_TABLE_KEY = "matching-weights", "education-fit", "duo-fit"
config_cache.clear_on_change(WEIGHTS_KEY, MatchingWeights)
config_cache.clear_on_change(FIT_TABLE_KEY, EducationFit)
config_cache.clear_on_change(DUO_TABLE_KEY, DuoFit)


class MatchRole(models.TextChoices):
    LEAD = "lead", _("Lead professional")  # nl: vaste professional (the one who keeps the regie)
    DUO = "duo", _("Duo partner")


class RematchReason(models.TextChoices):
    NO_CLICK = "geen_klik", _("No click")
    CAPACITY = "capaciteit", _("Capacity")
    MOVED = "verhuizing", _("Moved")
    OTHER = "anders", _("Other")


class MatchQuerySet(CountedQuerySet):
    def current(self):
        return self.filter(ended_at=None)

    def rematches(self):
        """Matches that ended because the lead was replaced: counted, never named."""
        return self.filter(role=MatchRole.LEAD).exclude(end_reason="")


class Match(models.Model):
    """One professional on one family's trajectory, from assignment until replaced or closed.

    The history is kept: a re-match ends the current lead's match with a reason.
    """

    trajectory = models.ForeignKey(
        "trajectories.Trajectory", on_delete=models.CASCADE, related_name="matches"
    )
    professional = models.ForeignKey(Professional, on_delete=models.PROTECT, related_name="matches")
    role = models.CharField(max_length=4, choices=MatchRole.choices)
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    override_reason = models.CharField(_("reason to override capacity"), max_length=200, blank=True)
    # Nobody in the team spoke the family's language when this professional was chosen: the
    # figures count the families that needed an interpreter (tolk).
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=12, choices=RematchReason.choices, blank=True)
    end_note = models.CharField(max_length=200, blank=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["assigned_at"]
        constraints = [
            # At most one current lead per family: the database refuses a second one, whatever
            # path writes it.
            models.UniqueConstraint(
                fields=["trajectory"], condition=models.Q(role="lead", ended_at=None), name="one_current_lead"
            ),
        ]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
