"""The family's side (DESIGN.md): a written triage outcome and a way to object to it.

A `Letter` is frozen when the triagist makes it: its exact text (the HTML of the letter's body)
is stored, so it can be shown again as it was, whatever changes in the file later. Each time it
is given to the family — handed over on paper, as a PDF, or e-mailed — a `Delivery` says when,
how, to whom and by whom. A `Reconsideration` is the family's objection to the triage: recorded,
decided by a tweede lezer who was not involved in the triage, and answered with a new letter.

Destroying the file (intake/destruction.py) empties every text here; the dates and outcomes stay
for the municipal figures (reporting/figures.py).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.reporting.freshness import CountedQuerySet



class Outcome(models.TextChoices):
    UPHELD = "upheld", _("Upheld: the triage stands")
    CHANGED = "changed", _("Changed: the aanmelding is triaged again")


class ReconsiderationQuerySet(CountedQuerySet):
    def open(self):
        return self.filter(decided_at=None)


class Reconsideration(models.Model):
    """The family asks the team to look at the triage again; someone else decides."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        "intake.Registration", on_delete=models.CASCADE, related_name="reconsiderations"
    )
    received_on = models.DateField(_("request received on"))
    objection = models.TextField(_("what the family objects to"), max_length=1000)
    # The route that was objected to (kept for the figures and the letter).
    route_objected = models.CharField(max_length=20, editable=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The tweede lezer who decides: never the triagist who decided, nor who did the second check.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("reasons"), max_length=1000, blank=True)
    # Days from receipt to decision, kept when decided: the municipal median is a plain aggregate.
    days_to_decide = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    objects = ReconsiderationQuerySet.as_manager()

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = _("reconsideration")
        verbose_name_plural = _("reconsiderations")
        constraints = [
            # One open request per file: a second one is refused (the view says so in Dutch).
            models.UniqueConstraint(
                fields=["registration"], condition=Q(decided_at=None), name="one_open_reconsideration_per_file"
            ),
        ]
        indexes = [models.Index(fields=["received_on"], name="figures_by_reconsideration")]

    @property
    def is_open(self):
        return self.decided_at is None


class Letter(models.Model):
    """A letter to the family, frozen as it was made."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey("intake.Registration", on_delete=models.CASCADE, related_name="letters")
    # The reconsideration this letter answers, if any.
    reconsideration = models.ForeignKey(
        Reconsideration, on_delete=models.SET_NULL, null=True, blank=True, related_name="letters"
    )
    # Why, in the triagist's own few sentences; part of `body` as well.
    reasons = models.TextField(_("why"), max_length=1200)
    body = models.TextField(editable=False)  # the exact HTML of the letter, as given
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")


class How(models.TextChoices):
    PRINT = "print", _("on paper")
    PDF = "pdf", _("as PDF")
    EMAIL = "email", _("by e-mail")


class Delivery(models.Model):
    """One time the letter was given: when, how, to whom, by whom; an e-mail also whether it went."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="deliveries")
    how = models.CharField(_("how"), max_length=10, choices=How.choices)
    to = models.CharField(_("to"), max_length=254)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)
    sent = models.BooleanField(default=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["given_at", "pk"]
