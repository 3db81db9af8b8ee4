"""The evaluation sample: about 200 families a year interviewed by a professional who was not
theirs ("uiteraard niet uit hun eigen caseload", source 002; success factor 7 "systematische
evaluatie", source 004).

The answers are kept here, apart from the family's file. An interview links to the trajectory
only to reach the family's contact and to check that the interviewer never helped the family;
the facts the figures count (team, product, the month the help ended, the family's record key)
are copied when the sample is drawn, so destroying the file (intake/destruction.py) removes the
link and the open answer and leaves the rest as anonymous facts.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.intake.routes import Product


class Coordinator(models.Model):
    """Someone who draws the sample, pairs the interviewers and reads individual answers; the
    beheerder gives and takes it in the admin. The beheerder may coordinate as well."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evaluation_coordinator",
        verbose_name=_("user"),
    )
    since = models.DateField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation coordinator")
        verbose_name_plural = _("evaluation coordinators")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class Sample(models.Model):
    """One drawing: N families from the trajectories closed in a period, stratified by team and
    product, reproducible from the seed (drawing.py)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    closed_from = models.DateField(_("closed from"))
    closed_to = models.DateField(_("closed to"))
    size = models.PositiveSmallIntegerField(_("number of families"))
    seed = models.PositiveIntegerField(_("seed"))
    drawn_at = models.DateTimeField(auto_now_add=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("evaluation sample")
        verbose_name_plural = _("evaluation samples")

    def __str__(self):
        return f"{self.closed_from:%d-%m-%Y} – {self.closed_to:%d-%m-%Y} ({self.size})"



class WithoutHelp(models.TextChoices):
    """CBS Beleidsinformatie Jeugd §4.4 "zonder hulp verder", with CBS's codes."""

    SAME_OR_HEAVIER = "01", _("No: the same or heavier help is needed")
    LIGHTER = "02", _("Partly: lighter help is needed")
    NOT_NOW = "03", _("Yes for now, perhaps help later")
    NO_HELP = "04", _("Yes: no help needed any more")


class Informant(models.TextChoices):
    """CBS §4.5 "type informant": who answered."""

    PARENT = "parent", _("Parent or carer")
    YOUNG_PERSON = "young", _("The young person")


# CBS's own codes for the informant are in its Bestandsdefinitie (not public): the one place to
# match them to the version CBS sends (../shared/CBS.md).
CBS_INFORMANT = {Informant.YOUNG_PERSON: "1", Informant.PARENT: "2"}


class InterviewQuerySet(models.QuerySet):
    def of_interviewer(self, user):
        """The interviews the user holds, of families whose file still exists."""
        return self.filter(interviewer__user=user, trajectory__registration__destroyed_at=None)

    def open(self):
        return self.filter(reached=None)


class Interview(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="interviews")
    # The only link to the file; removed when the file is destroyed.
    trajectory = models.ForeignKey(
        "trajectories.Trajectory", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    interviewer = models.ForeignKey(
        "matching.Professional", on_delete=models.PROTECT, related_name="evaluation_interviews",
        verbose_name=_("interviewer"),
    )
    # Anonymous facts for the figures, copied when drawn.
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="+")
    product = models.CharField(max_length=20, choices=Product.choices)
    closed_on = models.DateField()
    figure_key = models.PositiveSmallIntegerField(editable=False)

    # What the interviewer records.
    reached = models.BooleanField(_("reached"), null=True)
    agreed = models.BooleanField(_("agreed to the interview"), null=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction with the help"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    without_help = models.CharField(_("manages without help now"), max_length=2, choices=WithoutHelp.choices, blank=True)
    informant = models.CharField(_("who answered"), max_length=6, choices=Informant.choices, blank=True)
    open_answer = models.TextField(_("open answer"), max_length=1000, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "product", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "trajectory"], name="one_interview_per_family_per_sample"),
        ]
        verbose_name = _("evaluation interview")
        verbose_name_plural = _("evaluation interviews")

    @property
    def is_recorded(self):
        return self.reached is not None

    @property
    def answered(self):
        return bool(self.reached and self.agreed)

    def cbs_outcome(self):
        """The CBS outcome fields (Beleidsinformatie Jeugd §4.3–4.5) this interview fills, or
        None when the family did not answer."""
        if not self.answered:
            return None
        return {
            "tevredenheid": self.satisfaction,
            "zonder_hulp_verder": self.without_help,
            "type_informant": CBS_INFORMANT[Informant(self.informant)],
        }
