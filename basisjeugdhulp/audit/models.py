"""The access log of family files (NEN 7513).

Per event: what kind of access, when, which family (by its public id, not its content, so the
entry outlives a destroyed file), which user in which role, and from which client. Entries are
written in the same request and transaction as the access itself: a log that can drop entries
is no log.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.accounts.roles import roles_of


class Action(models.TextChoices):
    VIEW_FILE = "view_file", _("Viewed the family's file")
    CREATE = "create", _("Recorded an aanmelding")
    TRIAGE = "triage", _("Triage decision")
    SECOND_CHECK = "second_check", _("Second check decision")
    FIRST_CONTACT = "first_contact", _("Recorded first contact")
    VIEW_PHOTO = "view_photo", _("Viewed a plan photo")
    VIEW_THUMBNAIL = "view_thumbnail", _("Viewed a plan photo's thumbnail")
    UPLOAD_PHOTO = "upload_photo", _("Added a plan photo")
    CLOSE = "close", _("Closed the trajectory")
    EXPORT = "export", _("Exported figures")
    DESTROY = "destroy", _("Destroyed the family's file")
    SEARCH_LOG = "search_log", _("Searched the access log")
    VIEW_LIST = "view_list", _("Saw the family in a list")
    ASSIGN = "assign", _("Assigned a professional")
    REMATCH = "rematch", _("Re-matched the lead professional")


class AppendOnly(Exception):
    """The access log is never changed or emptied through the application."""


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("the access log is append-only")

    def delete(self):
        raise AppendOnly("the access log is append-only")


class AccessEvent(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    roles = models.CharField(max_length=100)
    action = models.CharField(max_length=20, choices=Action.choices)
    family = models.UUIDField(
        null=True, blank=True, db_index=True,
        help_text=_("The public id of the aanmelding; empty for an export or a search."),
    )
    subject = models.UUIDField(
        null=True, blank=True, help_text=_("The public id of the object within the file, e.g. a photo.")
    )
    client_address = models.GenericIPAddressField(null=True)
    user_agent = models.CharField(max_length=200, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access event")
        verbose_name_plural = _("access events")

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("the access log is append-only")

    @classmethod
    def record(cls, request, action, registration, subject=None, *, user=None):
        """One entry for a request; without a request (a scheduled job) for `user`."""
        user = user or request.user
        return cls.objects.create(
            subject=getattr(subject, "public_id", subject),
            user=user,
            roles=",".join(sorted(role.value for role in roles_of(user))) if request else "",
            action=action,
            family=registration.public_id if registration is not None else None,
            client_address=request.META.get("REMOTE_ADDR") if request else None,
            user_agent=request.headers.get("user-agent", "")[:200] if request else "",
        )

    @classmethod
    def record_many(cls, request, action, families, subject=None):
        """One entry per family (public ids) in one INSERT: a list page that shows several
        families (audit/reads.py)."""
        roles = ",".join(sorted(role.value for role in roles_of(request.user)))
        address, agent = request.META.get("REMOTE_ADDR"), request.headers.get("user-agent", "")[:200]
        return cls.objects.bulk_create(
            cls(user=request.user, roles=roles, action=action, family=family, subject=subject,
                client_address=address, user_agent=agent)
            for family in families
        )
