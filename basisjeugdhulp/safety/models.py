"""The safety card (veiligheidskaart) that travels with the family (issue 29, source 003).

Made with the family when safety is at stake: the worries, what goes well, what has been tried
and what does not work, the next steps — in the family's own words — and a weighed judgement on
a 0–10 scale. Or the hand-written card, photographed like the A3 plan. Each card is a version;
the latest is the card. When the family is referred on, the card goes with them: every handover
is a `CardShare` with its ground (the family's consent, or the meldcode for Veilig Thuis).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCALE = (0, 10)


class SafetyCardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The cards whose file the user may open: like the A3 plan, the family's own
        professionals and the team's triagists (Trajectory.objects.visible_to); an aanmelding
        without a trajectory yet, the team's triagists."""
        return self.filter(registration__in=files_visible_to(user))


def files_visible_to(user):
    """The aanmeldingen whose safety card the user may see (one rule for cards and shares)."""
    from basisjeugdhulp.accounts.roles import Role, roles_of
    from basisjeugdhulp.intake.models import Registration
    from basisjeugdhulp.trajectories.models import Trajectory

    with_trajectory = Trajectory.objects.visible_to(user).values("registration_id")
    mine = models.Q(pk__in=with_trajectory)
    if Role.TRIAGIST in roles_of(user):
        mine |= models.Q(pk__in=Registration.objects.visible_to(user).values("pk"))
    return Registration.objects.filter(mine, destroyed_at=None)


class SafetyCard(models.Model):
    """One version of the family's safety card."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        "intake.Registration", on_delete=models.CASCADE, related_name="safety_cards"
    )
    worries = models.TextField(_("Worries"), max_length=1000, blank=True)
    going_well = models.TextField(_("What goes well"), max_length=1000, blank=True)
    tried = models.TextField(_("What has been tried, and what does not work"), max_length=1000, blank=True)
    next_steps = models.TextField(_("Next steps"), max_length=1000, blank=True)
    judgement = models.PositiveSmallIntegerField(
        _("How safe is it now?"),
        validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[1])],
        help_text=_("0: the child is not safe. 10: safe enough to close."),
    )
    judged_by = models.CharField(_("Judged by"), max_length=200)
    judged_on = models.DateField(_("Judged on"), default=timezone.localdate)
    # The hand-written card, photographed: the A3 plan's pipeline and storage (plans/storing.py).
    image = models.FileField(_("photo"), max_length=200, blank=True)
    thumbnail = models.FileField(_("thumbnail"), max_length=200, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now, editable=False)
    # The form's one-time id: the same card sent twice is kept once (basisjeugdhulp/submissions.py).
    submission_id = models.UUIDField(null=True, blank=True, editable=False)

    objects = SafetyCardQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("safety card")
        verbose_name_plural = _("safety cards")
        indexes = [models.Index(fields=["registration", "-made_at"], name="safety_card_versions")]
        constraints = [
            models.UniqueConstraint(fields=["registration", "submission_id"], name="one_card_per_submission"),
            models.CheckConstraint(
                condition=models.Q(judgement__gte=SCALE[0], judgement__lte=SCALE[1]), name="judgement_on_the_scale"
            ),
        ]

    def __str__(self):
        return str(self.public_id)

    def keys(self):
        return [name for name in (self.image.name, self.thumbnail.name) if name]

    @property
    def has_photo(self):
        return bool(self.image.name)


class Receiver(models.TextChoices):
    """Where the family is referred on to (source 003: the chain)."""

    SPECIALIST = "specialist", _("Specialist youth care")
    CRISIS = "crisis", _("Crisis service")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    RAAD = "raad", _("Raad voor de Kinderbescherming")
    GI = "gi", _("Gecertificeerde instelling")
    OTHER = "other", _("Other organisation")


class Ground(models.TextChoices):
    """On what ground the card is shared (AVG art. 6; Jeugdwet art. 7.3.11)."""

    CONSENT = "consent", _("The family consented")
    # Wet verplichte meldcode / Jeugdwet art. 7.3.11 lid 4: a professional may report to Veilig
    # Thuis, with the information needed, without the family's consent.
    MELDCODE = "meldcode", _("Meldcode: report to Veilig Thuis without consent")


class Form(models.TextChoices):
    PDF = "pdf", _("PDF")
    PRINT = "print", _("Printed")


class CardShare(models.Model):
    """One handover of the card to another organisation: to whom, when, by whom, on what ground.

    The row outlives a destroyed file without its personal data (intake/destruction.py): who
    gave consent is blanked, the card itself goes."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        "intake.Registration", on_delete=models.CASCADE, related_name="card_shares"
    )
    card = models.ForeignKey(SafetyCard, on_delete=models.SET_NULL, null=True, related_name="shares")
    receiver = models.CharField(_("Referred to"), max_length=20, choices=Receiver.choices)
    organisation = models.CharField(_("Receiving organisation"), max_length=200)
    ground = models.CharField(_("Ground"), max_length=20, choices=Ground.choices)
    consent_from = models.CharField(_("Consent given by"), max_length=200, blank=True)
    form = models.CharField(_("As"), max_length=10, choices=Form.choices)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-shared_at", "-pk"]
        verbose_name = _("shared safety card")
        verbose_name_plural = _("shared safety cards")

    def __str__(self):
        return f"{self.get_receiver_display()} · {self.shared_at:%Y-%m-%d}"
