"""The record of each CBS delivery made: who, when, which half year, which format, how many
records. The file itself is not kept: it is made again on each download from the register as it
is then, so it lives no longer than the download (data minimisation, AVG art. 5(1)(c)/(e)); a
correction run for a period (§7.6) is simply a new delivery of that period, which replaces the
earlier one at CBS."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    XLSX = "xlsx", _("Spreadsheet (XLSX)")
    ASCII = "ascii", _("ASCII fixed format")


class DeliveryQuerySet(models.QuerySet):
    def of_period(self, code):
        return self.filter(period=code)


class Delivery(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period = models.CharField(_("half year"), max_length=7, db_index=True)
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    records = models.PositiveIntegerField(_("records"))
    families = models.PositiveIntegerField(_("families"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(_("made at"), auto_now_add=True)
    with_bsn = models.BooleanField(_("with BSN"), default=False)
    # The earlier delivery of the same period this one replaces (a correction, §7.6).
    replaces = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-made_at"]
        verbose_name = _("CBS delivery")
        verbose_name_plural = _("CBS deliveries")

    @property
    def is_correction(self):
        return self.replaces_id is not None


class WithoutHelp(models.TextChoices):
    """Can the young person go on without help? CBS's codes (§4.4)."""

    SAME_OR_HEAVIER = "01", _("no: the same or heavier help is needed")
    LIGHTER = "02", _("no: lighter help is needed")
    PERHAPS_LATER = "03", _("not now, perhaps later")
    NO_HELP = "04", _("yes: no help needed")


class Informant(models.TextChoices):
    """Who answered (§4.5). The codes are CBS's Bestandsdefinitie's: check them (docs/cbs.md)."""

    YOUNG_PERSON = "01", _("the young person")
    PARENT = "02", _("a parent or carer")


class Outcome(models.Model):
    """An outcome measurement (§4.3–4.5), asked at close where the municipality wants it
    (CBS_OUTCOMES): a mark for what the help did, and whether help is still needed. Optional: the
    municipality may have agreed other outcome criteria (§4.1). No personal data beyond the
    trajectory it belongs to; at most two per record go to CBS."""

    trajectory = models.ForeignKey("trajectories.Trajectory", on_delete=models.CASCADE, related_name="cbs_outcomes")
    satisfaction = models.PositiveSmallIntegerField(_("mark for the help (1–10)"), null=True, blank=True)
    without_help = models.CharField(_("going on without help"), max_length=2, choices=WithoutHelp.choices, blank=True)
    informant = models.CharField(_("answered by"), max_length=2, choices=Informant.choices, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("outcome measurement")
        verbose_name_plural = _("outcome measurements")
