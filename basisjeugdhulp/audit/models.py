"""The access log of family files (NEN 7513).

Per event: what kind of access, when, which family (by its public id, not its content, so the
entry outlives a destroyed file), which user in which role, and from which client. Entries are
written in the same request and transaction as the access itself: a log that can drop entries
is no log.

Append-only three times over: the model refuses changes; the database refuses UPDATE and
DELETE with triggers (PostgreSQL and SQLite, migrations 0004 and 0007); and on PostgreSQL the
application runs as a role that may only INSERT and SELECT the log (database_roles.py).
Tamper-evident through a keyed hash chain (chain.py, `manage.py verify_access_log`).
"""

import uuid

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.accounts.roles import roles_of
from basisjeugdhulp.audit import chain
from basisjeugdhulp.client_address import client_address


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
    REOPEN = "reopen", _("Reopened a closed trajectory")
    CBS_EXTRACT = "cbs_extract", _("Sent to CBS in the half-yearly delivery")
    LETTER = "letter", _("Made a letter to the family")
    GIVE_LETTER = "give_letter", _("Gave the letter to the family")
    RECONSIDERATION = "reconsideration", _("Recorded a request for reconsideration")
    RECONSIDERATION_DECISION = "decide_reconsider", _("Decided on a reconsideration")
    SAFETY_CARD = "safety_card", _("Made a safety card")
    SHARE_CARD = "share_card", _("Shared the safety card")
    VIEW_CARD_PHOTO = "view_card_photo", _("Viewed a safety card photo")
    VIEW_CONTACT = "view_contact", _("Viewed the contact for the evaluation interview")


class AppendOnly(Exception):
    """The access log is never changed or emptied through the application."""


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("the access log is append-only")

    def delete(self):
        raise AppendOnly("the access log is append-only")

    def bulk_create(self, objs, *args, update_conflicts=False, ignore_conflicts=False, **kwargs):
        """Entries join the chain in the order given, in one transaction under its lock."""
        if update_conflicts or ignore_conflicts:
            raise AppendOnly("the access log is append-only")
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            previous = chain.lock_and_read_head(self.model, self.db)
            for event in objs:
                if event.pk is not None:
                    raise AppendOnly("an entry's id is given by the database")
                previous = event._seal(previous)
            return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("the access log is append-only")


def now():
    """The moment of an entry; looked up at call time, so tests can freeze the clock."""
    return timezone.now()


class AccessEvent(models.Model):
    # Set before the entry is hashed (auto_now_add would set it only while saving).
    at = models.DateTimeField(default=now, editable=False, db_index=True)
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
    chain_hash = models.CharField(max_length=64, editable=False)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        # Related lookups and Django's internals use the same guarded queryset.
        base_manager_name = "objects"
        verbose_name = _("access event")
        verbose_name_plural = _("access events")

    def save(self, *args, using=None, **kwargs):
        if self.pk is not None:
            raise AppendOnly("the access log is append-only")
        using = using or router.db_for_write(type(self), instance=self)
        # In the action's own transaction when there is one (NEN 7513), holding the chain's
        # lock until it commits.
        with transaction.atomic(using=using, savepoint=False):
            self._seal(chain.lock_and_read_head(type(self), using))
            super().save(*args, using=using, **kwargs)

    def _seal(self, previous):
        """Fix the moment and hash this entry after `previous`; returns its hash."""
        self.at = self.at or now()
        self.user_agent = self.user_agent or ""
        self.chain_hash = chain.digest(previous, **chain.content_of(self))
        return self.chain_hash

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
            client_address=client_address(request) if request else None,  # the device, not the proxy
            user_agent=request.headers.get("user-agent", "")[:200] if request else "",
        )

    @classmethod
    def record_many(cls, request, action, families, subject=None):
        """One entry per family (public ids), written together: a list page that shows several
        families (audit/reads.py). They share everything but the family, so on PostgreSQL they
        go in as one INSERT from an array of families and one of hashes: Django's bulk_create
        made a model instance and prepared every value of every row, 1.9–2.7 ms of a list page's
        ~9 ms of worker CPU for 10–30 families (bench/profile_pages.py, issue 24)."""
        entry = {
            "user_id": request.user.pk,
            "roles": ",".join(sorted(role.value for role in roles_of(request.user))),
            "action": action,
            "subject": str(subject) if subject else None,
            "client_address": client_address(request),  # the device, not the proxy
            "user_agent": request.headers.get("user-agent", "")[:200],
        }
        using = router.db_for_write(cls)
        connection = connections[using]
        if connection.vendor != "postgresql":  # the embedded default: Django's bulk_create
            return cls.objects.using(using).bulk_create(cls(family=family, **entry) for family in families)
        families = [family if isinstance(family, uuid.UUID) else uuid.UUID(str(family)) for family in families]
        if connection.in_atomic_block:  # the action's own transaction holds the lock until it commits
            with connection.cursor() as cursor:
                at = now()
                hashes = chain.digests(chain.lock_and_read_head(cls, using), families, at=at, **entry)
                cursor.execute(cls._insert_many_sql(connection), cls._insert_many_params(at, entry, families, hashes))
            return families
        cls._append_in_own_transaction(connection, entry, families)
        return families

    @classmethod
    def _append_in_own_transaction(cls, connection, entry, families):
        """A list page reads and writes nothing else: its entries get a transaction of their own
        in two round trips instead of four (BEGIN, the head, the INSERT, COMMIT): psycopg's
        pipeline sends BEGIN with the locking read of the head, and the INSERT with COMMIT.
        0.2 ms of worker CPU and 0.4 ms of wall time less for a list of 20 (issue 24)."""
        connection.ensure_connection()
        raw = connection.connection
        with connection.wrap_database_errors, connection.cursor() as cursor:  # Django's errors, queries logged
            try:
                with raw.pipeline():
                    cursor.execute("BEGIN")
                    cursor.execute("SELECT audit_accessevent_chain_head()")
                    head = cursor.fetchone()[0] or chain.START
                at = now()
                hashes = chain.digests(head, families, at=at, **entry)
                with raw.pipeline():
                    cursor.execute(cls._insert_many_sql(connection), cls._insert_many_params(at, entry, families, hashes))
                    cursor.execute("COMMIT")
            except BaseException:
                try:
                    raw.rollback()  # and with it the chain's lock
                except Exception:  # noqa: BLE001 - the first error is the one to raise
                    connection.close()  # the server ends the session, and its lock with it
                raise

    @classmethod
    def _insert_many_sql(cls, connection):
        return f"""INSERT INTO {connection.ops.quote_name(cls._meta.db_table)}
                (at, user_id, roles, action, family, subject, client_address, user_agent, chain_hash)
            SELECT %s, %s, %s, %s, entry.family, %s, %s::inet, %s, entry.chain_hash
            FROM unnest(%s::uuid[], %s::varchar[]) WITH ORDINALITY AS entry(family, chain_hash, n)
            ORDER BY entry.n"""  # ids in the chain's order

    @staticmethod
    def _insert_many_params(at, entry, families, hashes):
        # The arrays as PostgreSQL's text literals: UUIDs and hex digests need no quoting, and
        # psycopg's adapting of a list value by value cost more than the INSERT.
        return [at, entry["user_id"], entry["roles"], entry["action"], entry["subject"], entry["client_address"],
                entry["user_agent"], "{" + ",".join(map(str, families)) + "}", "{" + ",".join(hashes) + "}"]
