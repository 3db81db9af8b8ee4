"""The hash chain that makes the access log tamper-evident (NEN 7513).

Every entry carries a keyed hash (HMAC-SHA-256 with ACCESS_LOG_KEY) over its own content and
the hash of the entry before it, in id order; the first entry follows a fixed start value.
Changing an entry breaks its own hash; removing or inserting one breaks the hash of the entry
after it; removing the first entries breaks the new first one. Someone with the database
owner's rights but without the key cannot write a hash that fits, so cannot re-chain the rest
either. Removing the *last* entries leaves a chain that fits: that is caught only against a
head kept elsewhere (`verify_access_log --anchor`, `docs/configuration.md`).

Entries join the chain one at a time, under a lock held until the action's transaction
commits (PostgreSQL: an advisory lock; SQLite: the write lock of BEGIN IMMEDIATE), so the id
order is the chain order even with concurrent requests.
"""

import hashlib
import hmac
import ipaddress
import json
import uuid
from dataclasses import dataclass
from datetime import UTC

from django.conf import settings

START = "0" * 64
FIELDS = ("id", "at", "user_id", "roles", "action", "family", "subject", "client_address", "user_agent", "chain_hash")


def canonical(at, user_id, roles, action, family, subject, client_address, user_agent):
    """The entry's content as one string, the same whether the values come from Python or are
    read back from PostgreSQL or SQLite (UTC with microseconds, UUIDs and addresses parsed)."""
    return json.dumps(
        [
            at.astimezone(UTC).isoformat(timespec="microseconds"),
            user_id,
            roles,
            action,
            str(uuid.UUID(str(family))) if family else None,
            str(uuid.UUID(str(subject))) if subject else None,
            _address(client_address),
            user_agent,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _address(value):
    """PostgreSQL's inet and Python write some IPv6 addresses differently: hash the address."""
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).exploded
    except ValueError:
        return str(value)


def digest(previous, **content):
    key = settings.ACCESS_LOG_KEY.encode()
    return hmac.new(key, f"{previous}\n{canonical(**content)}".encode(), hashlib.sha256).hexdigest()


def digests(previous, families, **content):
    """The hashes of entries that differ only in their family, chained in the order given: what
    a list page writes (one entry per family listed). The same strings as `canonical` per entry,
    with the shared fields written out once."""
    key = settings.ACCESS_LOG_KEY.encode()
    shared = canonical(family="00000000-0000-0000-0000-000000000000", **content)
    head, tail = shared.split('"00000000-0000-0000-0000-000000000000"')
    hashes = []
    for family in families:
        family = family if isinstance(family, uuid.UUID) else uuid.UUID(str(family))
        # A UUID's text needs no escaping in JSON: json.dumps(str(family)) is it in quotes.
        previous = hmac.digest(key, f'{previous}\n{head}"{family}"{tail}'.encode(), "sha256").hex()
        hashes.append(previous)
    return hashes


def content_of(event):
    """The hashed fields of an AccessEvent (or of a row read with FIELDS)."""
    return {
        "at": event.at, "user_id": event.user_id, "roles": event.roles, "action": event.action,
        "family": event.family, "subject": event.subject, "client_address": event.client_address,
        "user_agent": event.user_agent,
    }


def lock_and_read_head(model, using):
    """Take the chain's lock for the rest of the transaction and return the last entry's hash.

    Must run inside a transaction. PostgreSQL: one function call (migration 0006) that locks,
    then reads with a fresh snapshot, so it sees the entry of whoever held the lock before.
    SQLite: the transaction already holds the database's write lock (BEGIN IMMEDIATE)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT audit_accessevent_chain_head()")
            last = cursor.fetchone()[0]
    else:
        last = model._base_manager.db_manager(using).order_by("-id").values_list("chain_hash", flat=True).first()
    return last or START


@dataclass(frozen=True)
class Break:
    id: int
    at: object


@dataclass(frozen=True)
class Verdict:
    count: int
    head: tuple | None  # (id, hash) of the last entry
    first_break: Break | None
    anchor_missing: bool = False


def verify(rows, anchor=None):
    """Walk the log in id order. `rows` yields tuples in the order of FIELDS; `anchor` is an
    (id, hash) pair kept from an earlier run: that entry must still be there, unchanged."""
    previous, count, head, anchor_seen = START, 0, None, anchor is None
    for row in rows:
        values = dict(zip(FIELDS, row))
        stored = values.pop("chain_hash")
        entry_id = values.pop("id")
        if not hmac.compare_digest(stored, digest(previous, **values)):
            return Verdict(count, head, Break(entry_id, values["at"]))
        if anchor is not None and entry_id == anchor[0]:
            if not hmac.compare_digest(stored, anchor[1]):
                return Verdict(count, head, Break(entry_id, values["at"]))
            anchor_seen = True
        previous, count, head = stored, count + 1, (entry_id, stored)
    return Verdict(count, head, None, anchor_missing=not anchor_seen)
