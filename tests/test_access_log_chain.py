"""The access log's hash chain (NEN 7513: tamper-evident): `manage.py verify_access_log` names the
first entry that does not fit, whatever someone with the database owner's rights did to it.

The tampering is done as that someone would: raw SQL on the table, with the append-only
triggers switched off (the suite connects as the owner of its tables)."""

import hashlib
import hmac
import io
import threading
import uuid
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.accounts.roles import Role
from basisjeugdhulp.audit import chain
from basisjeugdhulp.audit.models import AccessEvent, Action, AppendOnly
from tests import factories
from tests.conftest import make_user, need


def verify(*args):
    out = io.StringIO()
    call_command("verify_access_log", *args, stdout=out)
    return out.getvalue()


def refused(*args):
    with pytest.raises(CommandError) as failure:
        verify(*args)
    assert failure.value.returncode == 1
    return str(failure.value)


def head(output):
    return output.rsplit(" ", 1)[-1].strip()


@pytest.fixture
def log(personas):
    """Five looks at five files, by the family worker, in id order."""
    return [
        AccessEvent.objects.create(
            user=personas.professional, roles="professional", action=Action.VIEW_FILE,
            family=uuid.uuid4(), client_address="2001:db8:0:0::1", user_agent="Tablet",
        )
        for _ in range(5)
    ]


@contextmanager
def owner_sql():
    """A cursor with the append-only triggers off, as the owner of the table could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own entries still have deferred foreign-key checks pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only")
        else:  # rolled back with the test's transaction
            cursor.execute("DROP TRIGGER audit_accessevent_no_update")
            cursor.execute("DROP TRIGGER audit_accessevent_no_delete")
        try:
            yield cursor
        finally:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER audit_accessevent_append_only")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def when(event):
    return f"{timezone.localtime(event.at):%Y-%m-%d %H:%M:%S}"


def test_an_untouched_log_is_intact_and_its_head_is_printed(log):
    output = verify()
    assert "The access log is intact: 5 entries." in output
    assert head(output) == f"{log[-1].pk}:{log[-1].chain_hash}"


def test_entries_written_by_the_register_are_chained(client, personas):
    case = factories.registration(personas.team, "awaiting_contact")
    client.force_login(personas.triagist)
    for _ in range(3):
        assert client.get(reverse("intake:registration", args=[case.public_id])).status_code == 200
    assert "The access log is intact: 3 entries." in verify()


def test_a_changed_entry_is_named(log):
    with owner_sql() as cursor:
        cursor.execute("UPDATE audit_accessevent SET user_agent = 'Laptop' WHERE id = %s", [log[2].pk])
    message = refused()
    assert f"entry {log[2].pk} of {when(log[2])} does not fit the chain" in message
    assert "(2 entries before it fit)" in message


def test_a_changed_moment_is_named_too(log):
    with owner_sql() as cursor:
        cursor.execute("UPDATE audit_accessevent SET at = at - interval '1 day' WHERE id = %s"
                       if connection.vendor == "postgresql" else
                       "UPDATE audit_accessevent SET at = datetime(at, '-1 day') WHERE id = %s", [log[1].pk])
    assert f"entry {log[1].pk} " in refused()


def test_a_removed_entry_is_found_at_the_entry_after_it(log):
    with owner_sql() as cursor:
        cursor.execute("DELETE FROM audit_accessevent WHERE id = %s", [log[2].pk])
    assert f"entry {log[3].pk} of {when(log[3])} does not fit" in refused()


def test_removed_first_entries_are_found(log):
    with owner_sql() as cursor:
        cursor.execute("DELETE FROM audit_accessevent WHERE id <= %s", [log[1].pk])
    assert f"entry {log[2].pk} " in refused()


def forge(cursor, entry_id, previous, key, template):
    """Insert an entry with the content of `template`, hashed after `previous` with `key`."""
    content = {**chain.content_of(template), "user_agent": "Vervalst"}
    message = f"{previous}\n{chain.canonical(**content)}".encode()
    forged = hmac.new(key, message, hashlib.sha256).hexdigest()
    cursor.execute(
        "INSERT INTO audit_accessevent (id, at, user_id, roles, action, family, subject, client_address,"
        " user_agent, chain_hash) VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, %s, %s)",
        [entry_id, column("at", template.at), template.user_id, template.roles, template.action,
         column("family", template.family), column("client_address", template.client_address), "Vervalst", forged],
    )


def column(name, value):
    """`value` as the database stores it in field `name`."""
    return AccessEvent._meta.get_field(name).get_db_prep_value(value, connection)


def make_a_gap_after(entry, cursor, size=10):
    """Leave unused ids after `entry` (as rolled-back inserts do), for a forger to fill."""
    if connection.vendor == "postgresql":
        cursor.execute("SELECT setval(pg_get_serial_sequence('audit_accessevent', 'id'), %s)", [entry.pk + size])
    else:
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = 'audit_accessevent'", [entry.pk + size])


def test_a_forged_entry_without_the_key_is_named(log, settings):
    """Hashed like the others, over the previous entry's hash, but without the register's key."""
    with owner_sql() as cursor:
        forge(cursor, log[-1].pk + 1, log[-1].chain_hash, b"guessed-key", log[0])
    assert f"entry {log[-1].pk + 1} " in refused()


def test_a_forged_entry_with_the_key_is_found_at_the_entry_after_it(log, personas, settings):
    """Even with the key, an entry slipped in between does not fit the chain of the next one."""
    with owner_sql() as cursor:
        make_a_gap_after(log[-1], cursor)
    later = AccessEvent.objects.create(user=personas.triagist, roles="triagist", action=Action.VIEW_FILE)
    with owner_sql() as cursor:
        forge(cursor, log[-1].pk + 1, log[-1].chain_hash, settings.ACCESS_LOG_KEY.encode(), log[0])
    assert f"entry {later.pk} of {when(later)} does not fit" in refused()


def test_removing_the_last_entries_is_caught_against_a_kept_head(log):
    """The chain alone cannot see its end cut off; the head printed by an earlier run can."""
    anchor = head(verify())
    with owner_sql() as cursor:
        cursor.execute("DELETE FROM audit_accessevent WHERE id >= %s", [log[3].pk])
    assert "The access log is intact: 3 entries." in verify()  # what the chain alone says
    message = refused("--anchor", anchor)
    assert f"entry {log[4].pk} of the anchor is gone" in message
    assert f"ends at entry {log[2].pk}" in message


def test_an_emptied_log_is_caught_against_a_kept_head(log):
    anchor = head(verify())
    with owner_sql() as cursor:  # TRUNCATE fires no row trigger: only the owner may do it
        cursor.execute("TRUNCATE audit_accessevent" if connection.vendor == "postgresql" else "DELETE FROM audit_accessevent")
    message = refused("--anchor", anchor)
    assert f"entry {log[4].pk} of the anchor is gone; the log now ends at entry -" in message


def test_a_kept_head_that_was_rewritten_is_caught(log):
    anchor = head(verify())
    with owner_sql() as cursor:
        cursor.execute("UPDATE audit_accessevent SET chain_hash = %s WHERE id = %s", ["f" * 64, log[4].pk])
    assert f"entry {log[4].pk} " in refused("--anchor", anchor)


def test_an_anchor_must_look_like_one(log):
    with pytest.raises(CommandError):
        verify("--anchor", "vijf")


def test_bulk_create_chains_in_the_order_given(personas):
    AccessEvent.objects.bulk_create(
        AccessEvent(user=personas.triagist, roles="triagist", action=Action.VIEW_FILE) for _ in range(3)
    )
    AccessEvent.objects.create(user=personas.triagist, roles="triagist", action=Action.VIEW_FILE)
    assert "4 entries" in verify()


def test_bulk_create_cannot_overwrite(personas):
    event = AccessEvent(user=personas.triagist, roles="triagist", action=Action.VIEW_FILE)
    for options in ({"update_conflicts": True, "update_fields": ["action"], "unique_fields": ["id"]},
                    {"ignore_conflicts": True}):
        with pytest.raises(AppendOnly):
            AccessEvent.objects.bulk_create([event], **options)
    with pytest.raises(AppendOnly):
        AccessEvent.objects.bulk_update([event], ["action"])
    assert not AccessEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_looks_make_one_line(personas):
    """Two requests at once: the second waits for the first's transaction to commit, then
    chains to its entry (PostgreSQL's advisory lock; SQLite's write lock)."""
    need(connection.vendor == "postgresql", "concurrency needs PostgreSQL (shared/SECURITY.md)")
    first_has_written, second_may_commit = threading.Event(), threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                AccessEvent.objects.create(user=personas.triagist, roles="triagist", action=Action.VIEW_FILE)
                first_has_written.set()
                second_may_commit.wait(10)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    def second():
        try:
            first_has_written.wait(10)
            AccessEvent.objects.create(user=personas.professional, roles="professional", action=Action.VIEW_FILE)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    threads[1].join(0.5)
    assert threads[1].is_alive(), "the second entry waits for the first transaction"
    second_may_commit.set()
    for thread in threads:
        thread.join(10)
    assert not errors
    assert "2 entries" in verify()


def test_a_list_page_writes_one_chained_entry_per_family_listed(client, personas):
    """A list's entries go in together (audit/models.py record_many): each is chained after the
    one before it, in id order, and stays verifiable with everything that follows."""
    cases = [factories.registration(personas.team, "awaiting_contact") for _ in range(4)]
    client.force_login(personas.triagist)
    agent = 'Tablet "WIJ" – é\\ 😀'  # quotes, a backslash and non-ASCII in the hashed text
    device = {"REMOTE_ADDR": "2001:db8::1", "HTTP_USER_AGENT": agent}
    assert client.get(reverse("intake:queue"), **device).status_code == 200
    assert client.get(reverse("intake:registration", args=[cases[0].public_id])).status_code == 200
    assert client.get(reverse("intake:queue")).status_code == 200
    listed = AccessEvent.objects.filter(action=Action.VIEW_LIST).order_by("id")
    assert listed.count() == 8
    assert {event.family for event in listed} == {case.public_id for case in cases}
    first = listed.first()
    assert (first.user_id, first.roles, first.user_agent) == (personas.triagist.pk, "triagist", agent)
    assert "The access log is intact: 9 entries." in verify()


def test_entries_hashed_together_equal_entries_hashed_one_by_one():
    content = {
        "at": timezone.now(), "user_id": 7, "roles": "professional,triagist", "action": Action.VIEW_LIST,
        "subject": str(uuid.uuid4()), "client_address": "2001:db8::1", "user_agent": 'a "b" \\ é',
    }
    families = [str(uuid.uuid4()) for _ in range(5)]
    previous, one_by_one = chain.START, []
    for family in families:
        previous = chain.digest(previous, family=family, **content)
        one_by_one.append(previous)
    assert chain.digests(chain.START, families, **content) == one_by_one


@pytest.mark.django_db(transaction=True)
def test_list_pages_and_files_at_once_make_one_line(personas):
    """List pages outside any transaction write their entries in a transaction of their own
    (audit/models.py `_append_in_own_transaction`, two round trips); files write theirs in the
    action's transaction. Four users at once, each looking at the queue and a file in turn: every
    entry is there, once, in one unbroken chain."""
    need(connection.vendor == "postgresql", "concurrency needs PostgreSQL (shared/SECURITY.md)")
    cases = [factories.registration(personas.team, "awaiting_contact") for _ in range(5)]
    users = [personas.triagist] + [make_user(f"triage{i}", Role.TRIAGIST, personas.team) for i in range(3)]
    errors, rounds = [], 8

    def look(user):
        client = Client()
        client.force_login(user)
        try:
            for i in range(rounds):
                assert client.get(reverse("intake:queue")).status_code == 200
                assert client.get(reverse("intake:registration", args=[cases[i % 5].public_id])).status_code == 200
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=look, args=[user]) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    listed = AccessEvent.objects.filter(action=Action.VIEW_LIST)
    assert listed.count() == len(users) * rounds * len(cases)
    assert AccessEvent.objects.filter(action=Action.VIEW_FILE).count() == len(users) * rounds
    assert f"The access log is intact: {AccessEvent.objects.count()} entries." in verify()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("refused_at", ["INSERT", "COMMIT"])
def test_a_list_entry_the_database_refuses_leaves_nothing_and_frees_the_chain(personas, rf, refused_at):
    """The database refuses a list's entries: at the INSERT (an action longer than its column)
    or at COMMIT (a user that does not exist: the foreign key is checked at the end of the
    transaction). The caller gets Django's DatabaseError, no entry is left, the connection is not
    left in a transaction, and the chain's lock is free for the next writer at once."""
    need(connection.vendor == "postgresql", "the two-round-trip write is PostgreSQL's")
    request = rf.get("/")
    if refused_at == "COMMIT":
        request.user, action = get_user_model()(pk=10**9, username="vertrokken"), Action.VIEW_LIST  # never saved
        request.user._register_roles = frozenset()
    else:
        request.user, action = personas.triagist, "x" * 21
    with pytest.raises(DatabaseError):
        AccessEvent.record_many(request, action, [uuid.uuid4(), uuid.uuid4()])
    assert not AccessEvent.objects.exists()
    assert connection.connection.info.transaction_status == 0  # idle: nothing left open

    request.user = personas.triagist
    done = []
    other = threading.Thread(target=lambda: (AccessEvent.record_many(request, Action.VIEW_LIST, [uuid.uuid4()]),
                                             done.append(True), connections.close_all()))
    other.start()
    other.join(5)
    assert done, "another connection could not take the chain's lock"
    assert "The access log is intact: 1 entry." in verify()
