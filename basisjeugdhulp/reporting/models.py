import hashlib
import secrets
import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LumpSum(models.Model):
    """The year's lump sum (lumpsum) for basis jeugdhulp, and what an hour of help costs."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    budget = models.DecimalField(
        _("budget (euro)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    hourly_cost = models.DecimalField(
        _("cost per hour of help (euro)"), max_digits=7, decimal_places=2,
        validators=[MinValueValidator(1)],
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("lump sum")
        verbose_name_plural = _("lump sums")

    def __str__(self):
        return str(self.year)

    @property
    def budget_hours(self):
        return self.budget / self.hourly_cost


class ApiClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at=None)

    def for_token(self, token):
        """The client a presented token belongs to, if it is still valid."""
        if not token:
            return None
        return self.active().filter(token_hash=ApiClient.hash(token)).first()


class ApiClient(models.Model):
    """A BI tool of the municipality that reads the figures as JSON, with a token of its own.

    Only a hash of the token is kept; the token itself is shown once, when it is made.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name

    @staticmethod
    def hash(token):
        return hashlib.sha256(token.encode()).hexdigest()

    def issue_token(self):
        """A new token (the old one stops working). Returned once; only its hash is kept."""
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash(token)
        return token

    def revoke(self):
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])


class MonthFigure(models.Model):
    """One pre-counted fact of one month: e.g. 12 aanmeldingen via school for team X, product Y.

    The dashboard sums these instead of counting a million trajectories on every request
    (reporting/monthly.py builds them from the register). `keys` is the sum of the counted
    records' secret keys: a published cell's key is the sum over its facts (disclosure.py), so
    counting facts gives the same cell key as counting the records themselves.
    """

    month = models.DateField()  # the first day of the month
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    product = models.CharField(max_length=20, blank=True)
    measure = models.CharField(max_length=20)
    key = models.CharField(max_length=20, blank=True)
    n = models.IntegerField(default=0)
    keys = models.BigIntegerField(default=0)
    amount = models.FloatField(default=0)  # a sum that goes with n: hours, days
    amount2 = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["measure", "month"], name="month_figures")]


class FigureMonth(models.Model):
    """Which months have their MonthFigures built, and when."""

    month = models.DateField(primary_key=True)
    built_on = models.DateField()
    built_at = models.DateTimeField(null=True)


class FigureVersion(models.Model):
    """One row: a token that is new whenever the facts (MonthFigure) change, written in the
    transaction that changes them (monthly.build, rebuild_all). The sums over the facts are kept
    in the cache under it (figures.Facts): a new token and they are summed again. A random token,
    not a counter: a rolled-back transaction or a restored backup brings back an old token
    together with the very facts it stood for."""

    token = models.UUIDField(default=uuid.uuid4)


class FigureChange(models.Model):
    """A change to the register that touched a month after the month was last counted.

    A change inserts a row in its own transaction (no row it could wait on or deadlock over); a
    build removes only the rows it saw before counting, so a change that commits while the
    month is being counted stays behind and the month is counted again."""

    month = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["month"], name="figure_changes")]
