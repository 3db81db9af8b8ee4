"""Every write to a family's file is serialised, all-or-nothing and idempotent (issue 21; issue
28 point 2): real parallel requests on PostgreSQL and S3, each race repeated ROUNDS times.

The rule under test (intake/file_lock.py): every writer locks the aanmelding, then looks again.
Two writers: one saves, the other gets a 409 with what they typed. A writer and destruction: the
writer either saves first (and destruction removes it) or finds the file destroyed (a Dutch page,
410) — never a row or an object of a destroyed file left behind.
"""

import io
import logging
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from basisjeugdhulp.accounts.roles import Role
from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.models import Registration, SecondCheck
from basisjeugdhulp.plans.models import PlanPhoto
from basisjeugdhulp.safety.models import CardShare, SafetyCard
from basisjeugdhulp.trajectories.models import Trajectory
from matching.models import Match, MatchRole, Professional
from tests import factories
from tests.conftest import RegisterClient, make_user, need, real_services_required
from tests.own_s3 import WEED, OwnS3
from tests.races import at_once
from tests.test_plan_photos import stored_objects

# Real parallel requests need committed rows, so these tests run outside a test transaction;
# on SQLite (a quick run without the services) they are skipped: the append-only access log
# cannot be flushed there, and select_for_update does nothing.
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
parallel = pytest.mark.django_db(transaction=True)
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL and not real_services_required(), reason="row locks need PostgreSQL (DATABASE_URL)"
)

ROUNDS = 20
DESTROYED = "Het dossier van dit gezin is intussen vernietigd"


def postgresql():
    need(connection.vendor == "postgresql", "row locks need PostgreSQL (DATABASE_URL)")


def signed_in(user):
    client = RegisterClient()
    client.force_login(user)
    return client


def events(case, action):
    return AccessEvent.objects.filter(family=case.public_id, action=action).count()


def report(what, rounds, caplog=None, **counts):
    if caplog is not None:  # conflicts found under the file's lock, not by the look before it
        counts["met_under_the_lock"] = sum(
            "under its lock" in r.getMessage() or "under the file's lock" in r.getMessage() for r in caplog.records
        )
    print(f"\n{what}: {rounds} rounds, " + ", ".join(f"{n} {label}" for label, n in counts.items()))


def photo(name="plan.jpg"):
    return SimpleUploadedFile(name, factories.jpeg_bytes(), content_type="image/jpeg")


def upload(client, journey, submission_id, name="plan.jpg"):
    return client.post(
        reverse("plans:upload", args=[journey.public_id]),
        {"camera": [photo(name)], "submission_id": str(submission_id)},
    )


def destroy(client, case, after=0.0):
    time.sleep(after)
    return client.post(reverse("audit:destroy", args=[case.public_id]), {"confirm": "vernietigen"})


def offset(round_, step=0.005):
    """The second party starts 0-9 steps after the writer, round by round: the rounds sweep the
    whole window in which the two meet (the writer reads, validates, stores before it locks)."""
    return (round_ % 10) * step


# Two writers on one file.


@parallel
@postgresql_only
def test_two_triagists_at_once_one_saves_and_the_other_keeps_their_input(personas, caplog):
    postgresql()
    caplog.set_level(logging.INFO, logger="basisjeugdhulp.intake.file_lock")
    first, second = signed_in(personas.triagist), signed_in(make_user("tess", Role.TRIAGIST, personas.team))
    conflicts = 0
    for _round in range(ROUNDS):
        case = factories.registration(personas.team)
        url = reverse("intake:triage", args=[case.public_id])
        responses = at_once([
            lambda: first.post(url, {"route": "basic", "product": "gb_middel"}),
            lambda: second.post(url, {"route": "specialist", "motivation": "Zorgen om Sara, vraag om specialist."}),
        ])
        assert sorted(r.status_code for r in responses) == [302, 409]
        loser = next(r for r in responses if r.status_code == 409)
        assert "Uw invoer is niet opgeslagen." in loser.text
        case.refresh_from_db()
        assert events(case, Action.TRIAGE) == 1
        if loser is responses[0]:  # the specialist proposal won
            assert case.status == "second_check" and "<dd>gb_middel</dd>" in loser.text
            assert not Trajectory.objects.filter(registration=case).exists()
        else:
            assert case.status == "awaiting_contact" and "Zorgen om Sara, vraag om specialist." in loser.text
            assert not SecondCheck.objects.filter(registration=case).exists()
        conflicts += 1
    report("triage races", ROUNDS, caplog, answered_409=conflicts)


@parallel
@postgresql_only
def test_two_tweede_lezers_at_once_one_decides_and_the_other_keeps_their_note(personas, caplog):
    postgresql()
    caplog.set_level(logging.INFO, logger="basisjeugdhulp.intake.file_lock")
    first = signed_in(personas.second_reader)
    second = signed_in(make_user("dirk", Role.SECOND_READER, personas.team))
    conflicts = 0
    for _round in range(ROUNDS):
        case = factories.registration(personas.team, "second_check", by=personas.triagist)
        check = case.second_checks.get()
        url = reverse("intake:decide", args=[check.public_id])
        responses = at_once([
            lambda: first.post(url, {"decision": "approve", "note": "Akkoord, specialistische zorg nodig."}),
            lambda: second.post(url, {"decision": "reject", "note": "Eerst basis jeugdhulp proberen."}),
        ])
        assert sorted(r.status_code for r in responses) == [302, 409]
        loser = next(r for r in responses if r.status_code == 409)
        check.refresh_from_db()
        case.refresh_from_db()
        assert "over dit voorstel besloten" in loser.text and "Uw invoer is niet opgeslagen." in loser.text
        if check.approved:
            assert case.status == "referred" and "Eerst basis jeugdhulp proberen." in loser.text
        else:
            assert case.status == "new" and "Akkoord, specialistische zorg nodig." in loser.text
        assert events(case, Action.SECOND_CHECK) == 1
        conflicts += 1
    report("second-check races", ROUNDS, caplog, answered_409=conflicts)


@parallel
@postgresql_only
def test_two_first_contacts_at_once_one_saves_one_lead(personas, caplog):
    postgresql()
    caplog.set_level(logging.INFO, logger="basisjeugdhulp.intake.file_lock")
    bob, alice = signed_in(personas.professional), signed_in(personas.triagist)
    today = timezone.localdate().isoformat()
    conflicts = 0
    for _round in range(ROUNDS):
        journey = factories.trajectory(personas.team, state="awaiting_contact")
        Trajectory.objects.filter(pk=journey.pk).update(lead=None)
        case = journey.registration
        url = reverse("intake:first_contact", args=[case.public_id])
        responses = at_once([
            lambda: bob.post(url, {"contacted_on": today, "contact_mode": "phone"}),
            lambda: alice.post(url, {"contacted_on": today, "contact_mode": "home"}),
        ])
        assert sorted(r.status_code for r in responses) == [302, 409]
        loser = next(r for r in responses if r.status_code == 409)
        assert "eerste contact vastgelegd" in loser.text
        case.refresh_from_db()
        assert events(case, Action.FIRST_CONTACT) == 1
        assert Match.objects.filter(trajectory=journey, role=MatchRole.LEAD, ended_at=None).count() <= 1
        conflicts += 1
    report("first-contact races", ROUNDS, caplog, answered_409=conflicts)


@parallel
@postgresql_only
def test_lead_and_duo_closing_at_once_close_once(personas, caplog):
    postgresql()
    caplog.set_level(logging.INFO, logger="basisjeugdhulp.intake.file_lock")
    duo = Professional.objects.get(user=personas.triagist)
    lead, partner = signed_in(personas.professional), signed_in(personas.triagist)
    today = timezone.localdate().isoformat()
    conflicts = 0
    for _round in range(ROUNDS):
        journey = factories.trajectory(personas.team)
        Trajectory.objects.filter(pk=journey.pk).update(duo=duo)
        url = reverse("trajectories:close", args=[journey.public_id])
        responses = at_once([
            lambda: lead.post(url, {"ended_on": today, "end_reason": "goal", "hours_per_week": "2", "confirm": "1"}),
            lambda: partner.post(url, {"ended_on": today, "end_reason": "moved", "hours_per_week": "3,5", "confirm": "1"}),
        ])
        assert sorted(r.status_code for r in responses) == [302, 409]
        loser = next(r for r in responses if r.status_code == 409)
        journey.refresh_from_db()
        assert "dit traject afgesloten" in loser.text
        typed = "<dd>3,5</dd>" if journey.end_reason == "goal" else "<dd>2</dd>"
        assert typed in loser.text
        assert events(journey.registration, Action.CLOSE) == 1
        conflicts += 1
    report("close races", ROUNDS, caplog, answered_409=conflicts)


# The same upload twice.


@parallel
@postgresql_only
def test_the_same_upload_sent_twice_at_once_stores_one_version(personas, caplog):
    postgresql()
    caplog.set_level(logging.INFO)
    phone, retry = signed_in(personas.professional), signed_in(personas.professional)
    before = set(stored_objects())
    already = 0
    for _round in range(ROUNDS):
        journey = factories.trajectory(personas.team)
        submission = uuid.uuid4()
        responses = at_once([lambda: upload(phone, journey, submission), lambda: upload(retry, journey, submission)])
        assert [r.status_code for r in responses] == [302, 302]
        assert {r["Location"] for r in responses} == {reverse("trajectories:detail", args=[journey.public_id])}
        assert journey.photos.count() == 1
        assert events(journey.registration, Action.UPLOAD_PHOTO) == 1
        pages = [client.get(r["Location"]).text for client, r in zip((phone, retry), responses, strict=True)]
        already += sum("Deze foto&#x27;s waren al bewaard." in page for page in pages)
        assert sum("1 foto toegevoegd aan het plan." in page for page in pages) == 1
    kept = set(PlanPhoto.objects.values_list("image", flat=True)) | set(PlanPhoto.objects.values_list("thumbnail", flat=True))
    # Two objects per version; the second send's objects were removed, none left over.
    assert {f"plans/{name}" for name in set(stored_objects()) - before} == kept
    report("double uploads", ROUNDS, caplog, told_already_saved=already)
    assert already == ROUNDS


def test_a_double_tap_on_upload_lands_on_the_same_page(personas):
    bob = signed_in(personas.professional)
    journey = factories.trajectory(personas.team)
    submission = uuid.uuid4()
    first = upload(bob, journey, submission)
    again = upload(bob, journey, submission)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert "Deze foto&#x27;s waren al bewaard." in bob.get(again["Location"]).text
    assert journey.photos.count() == 1
    # A new upload (a new form, a new id) is a new version.
    assert upload(bob, journey, uuid.uuid4()).status_code == 302
    assert journey.photos.count() == 2


@parallel
@postgresql_only
def test_a_photo_while_the_duo_closes_is_kept_before_or_refused_after(personas, caplog):
    postgresql()
    caplog.set_level(logging.INFO, logger="basisjeugdhulp.intake.file_lock")
    duo = Professional.objects.get(user=personas.triagist)
    lead, partner = signed_in(personas.professional), signed_in(personas.triagist)
    today = timezone.localdate().isoformat()
    before = set(stored_objects())
    outcomes = {302: 0, 409: 0}
    for round_ in range(ROUNDS):
        journey = factories.trajectory(personas.team)
        Trajectory.objects.filter(pk=journey.pk).update(duo=duo)
        url = reverse("trajectories:close", args=[journey.public_id])

        def closing(after=offset(round_, step=0.03)):
            time.sleep(after)
            return partner.post(url, {"ended_on": today, "end_reason": "goal", "hours_per_week": "2", "confirm": "1"})  # noqa: B023

        photo_response, closed = at_once([lambda: upload(lead, journey, uuid.uuid4(), "avond.jpg"), closing])
        assert closed.status_code == 302 and photo_response.status_code in (302, 409)
        outcomes[photo_response.status_code] += 1
        if photo_response.status_code == 409:
            assert "dit traject afgesloten" in photo_response.text and "avond.jpg" in photo_response.text
        assert journey.photos.count() == (photo_response.status_code == 302)
    kept = {name for photo in PlanPhoto.objects.all() for name in photo.keys()}
    assert {f"plans/{name}" for name in set(stored_objects()) - before} == kept  # no orphan left
    report("upload vs closing", ROUNDS, caplog, photo_first=outcomes[302], answered_409=outcomes[409])


# Writing while the beheerder destroys the file.


@pytest.fixture(params=["bucket without versions", "bucket with versioning"])
def bucket_objects(request, tmp_path, settings):
    """What the bucket holds, as a function: the run's own bucket, or a server of the test's own
    with versioning on, where a plain delete would only hide the photo behind a marker."""
    if request.param == "bucket without versions":
        yield stored_objects
        return
    need(settings.STORAGES["default"]["BACKEND"].endswith("S3Storage") and WEED.exists(),
         "needs S3 storage and SeaweedFS (make test)")
    server = OwnS3(tmp_path / "s3", bucket="versies").start(versioning=True)
    settings.STORAGES = server.storages(settings.STORAGES)
    settings.S3_BUCKET = server.bucket
    yield server.every_version
    server.stop()


def sweep_until_settled(stored_objects, before, sweeps=3):
    """SeaweedFS with versioning now and then lists a version written a moment before only after
    the delete (seen in full runs, never alone), and a listing right after may not show it yet:
    look again a moment later and let the daily sweep remove what shows, a few times. Returns how
    many sweeps it took; the caller asserts that nothing is left."""
    swept = 0
    for _ in range(sweeps):
        time.sleep(0.2)
        if set(stored_objects()) == before:
            break
        swept += 1
        call_command("sweep_plan_photos", "--older-than-minutes=0", stdout=io.StringIO())
    return swept


@parallel
@postgresql_only
def test_an_upload_while_the_file_is_destroyed_leaves_no_row_and_no_object(personas, caplog, bucket_objects):
    postgresql()
    caplog.set_level(logging.INFO)
    bob, bea = signed_in(personas.professional), signed_in(personas.administrator)
    stored_objects = bucket_objects
    before = set(stored_objects())
    outcomes, swept = {302: 0, 410: 0}, 0
    for round_ in range(ROUNDS):
        journey = factories.trajectory(personas.team)
        case = journey.registration
        upload_response, destroyed = at_once([
            lambda: upload(bob, journey, uuid.uuid4()), lambda: destroy(bea, case, offset(round_, step=0.03)),
        ])
        assert destroyed.status_code == 302
        assert upload_response.status_code in (302, 410)
        outcomes[upload_response.status_code] += 1
        if upload_response.status_code == 410:
            assert DESTROYED in upload_response.text
        assert Registration.objects.get(pk=case.pk).destroyed_at is not None
        assert not PlanPhoto.objects.filter(trajectory=journey).exists()
        if bucket_objects.__name__ == "every_version":
            swept += sweep_until_settled(stored_objects, before)
        assert set(stored_objects()) == before  # no object (nor an old version) of the destroyed file in S3
    report("upload vs destruction", ROUNDS, caplog, upload_first=outcomes[302], told_destroyed=outcomes[410],
           left_for_the_sweep=swept)


@parallel
@postgresql_only
def test_a_photographed_safety_card_while_the_file_is_destroyed_leaves_no_word_and_no_object(personas, caplog):
    """Issue 29: the card takes the file's lock like every write; written first, destruction
    removes its words and photo; after, the writer is told in Dutch and nothing is kept."""
    postgresql()
    caplog.set_level(logging.INFO)
    bob, bea = signed_in(personas.professional), signed_in(personas.administrator)
    before = set(stored_objects())
    outcomes = {302: 0, 410: 0}
    today = timezone.localdate().isoformat()
    for round_ in range(ROUNDS):
        case = factories.trajectory(personas.team).registration
        data = {"worries": "Geweld thuis, kanarie.", "judgement": "2", "judged_by": "Bob", "judged_on": today,
                "photo": photo("kaart.jpg"), "submission_id": str(uuid.uuid4())}
        written, destroyed = at_once([
            lambda: bob.post(reverse("safety:new", args=[case.public_id]), data),
            lambda: destroy(bea, case, offset(round_, step=0.03)),
        ])
        assert destroyed.status_code == 302 and written.status_code in (302, 410)
        outcomes[written.status_code] += 1
        if written.status_code == 410:
            assert DESTROYED in written.text and "kanarie" not in written.text
        assert not SafetyCard.objects.filter(registration=case).exclude(worries="").exists()
        assert not SafetyCard.objects.filter(registration=case).exclude(image="").exists()
        assert set(stored_objects()) == before  # no photo of the destroyed file's card in S3
    report("safety card vs destruction", ROUNDS, caplog, card_first=outcomes[302], told_destroyed=outcomes[410])


@parallel
@postgresql_only
@pytest.mark.parametrize("writer", ["triage", "first_contact"])
def test_a_submit_while_the_file_is_destroyed_writes_nothing_to_it(personas, writer, caplog):
    postgresql()
    caplog.set_level(logging.INFO)
    bea = signed_in(personas.administrator)
    today = timezone.localdate().isoformat()
    outcomes = {302: 0, 410: 0}
    for round_ in range(ROUNDS):
        if writer == "triage":
            case = factories.registration(personas.team)
            client = signed_in(personas.triagist)
            data = {"route": "specialist", "motivation": "Moeder vertelt over geweld thuis."}
        else:
            case = factories.registration(personas.team, "awaiting_contact", received_on=timezone.localdate() - timedelta(days=20))
            client = signed_in(personas.professional)
            data = {"contacted_on": today, "contact_mode": "phone", "contact_late_reason": "Moeder vertelt over geweld thuis."}
        url = reverse(f"intake:{writer}", args=[case.public_id])
        written, destroyed = at_once([lambda: client.post(url, data), lambda: destroy(bea, case, offset(round_))])
        assert destroyed.status_code == 302 and written.status_code in (302, 410)
        outcomes[written.status_code] += 1
        if written.status_code == 410:
            assert DESTROYED in written.text and "geweld" not in written.text
            assert events(case, getattr(Action, writer.upper())) == 0
        case = Registration.objects.get(pk=case.pk)
        assert case.destroyed_at is not None and case.contact_late_reason == ""
        assert not SecondCheck.objects.filter(registration=case).exclude(motivation="").exists()
    report(f"{writer} vs destruction", ROUNDS, caplog, writer_first=outcomes[302], told_destroyed=outcomes[410])


# Every page of a family's file, as a read or a write. A new page must be added here, and a new
# write to the test below: it locks the file (intake/file_lock.py) like the others.
WRITES = {
    "intake:triage", "intake:decide", "intake:first_contact", "matching:assign", "matching:rematch",
    "plans:upload", "trajectories:close", "trajectories:reopen",
    "letters:issue", "letters:deliver", "letters:reconsider", "letters:decide", "safety:new", "safety:share",
}
READS = {
    "intake:registration", "trajectories:detail", "plans:photo", "plans:thumbnail", "matching:panel",
    "matching:choose", "audit:family", "safety:card", "safety:print", "safety:photo", "safety:thumbnail",
    "letters:file", "letters:letter", "letters:pdf",
}
DESTRUCTION = {"audit:destroy"}
# A destruction request's pages carry the request's public id, not a file's; answering it
# destroys each chosen file through intake/destruction.py, which locks the file like every write.
REQUESTS = {"audit:request", "audit:extend_request", "audit:answer_request"}
# The evaluation sample's pages carry a sample's or an interview's public id, not a file's: the
# answers are kept apart from the file (evaluation/models.py), and the interview page shows the
# contact only while the file exists (Interview.objects.of_interviewer); a destroyed file's
# interview has no link left to it (intake/destruction.py).
EVALUATION = {"evaluation:sample", "evaluation:pair_again", "evaluation:interview"}


def file_urls(patterns=None, namespace=""):
    """The names of the URLconf's pages of one family's file (those with a public id)."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from ((name, f"{pattern.pattern}{route}") for name, route in file_urls(pattern.url_patterns, inner))
        elif "public_id" in str(pattern.pattern):
            yield f"{namespace}{pattern.name}", str(pattern.pattern)


def test_every_page_of_a_file_is_known_as_a_read_or_a_write():
    assert {name for name, _route in file_urls()} == WRITES | READS | DESTRUCTION | REQUESTS | EVALUATION


def test_every_writer_on_a_destroyed_file_is_told_in_dutch_and_nothing_is_written(personas):
    """Every view that writes to a family's file, on a file destroyed while its page was open."""
    new = factories.registration(personas.team)
    proposed = factories.registration(personas.team, "second_check", by=personas.triagist)
    waiting = factories.trajectory(personas.team, state="awaiting_contact")
    started = factories.trajectory(personas.team)
    unmatched = factories.trajectory(personas.team)
    Trajectory.objects.filter(pk=unmatched.pk).update(lead=None)
    closed = factories.trajectory(personas.team, state="closed")
    given = factories.letter(personas.team)
    objected = factories.reconsideration(personas.team, assigned_to=personas.second_reader)
    bea = signed_in(personas.administrator)
    for case in (new, proposed, waiting.registration, started.registration, unmatched.registration,
                 closed.registration, given.registration, objected.registration):
        assert destroy(bea, case).status_code == 302
    alice, bob, carol = signed_in(personas.triagist), signed_in(personas.professional), signed_in(personas.second_reader)
    other = Professional.objects.get(user=personas.triagist)
    today = timezone.localdate().isoformat()
    before_objects, before_events = set(stored_objects()), AccessEvent.objects.exclude(action=Action.VIEW_FILE).count()
    writes = {
        "intake:triage": (alice, new.public_id, {"route": "advice"}),
        "intake:decide": (carol, proposed.second_checks.get().public_id, {"decision": "approve", "note": "Akkoord."}),
        "intake:first_contact": (bob, waiting.registration.public_id, {"contacted_on": today, "contact_mode": "phone"}),
        "matching:assign": (alice, unmatched.registration.public_id, {"lead": other.pk, "product": unmatched.product}),
        "matching:rematch": (alice, started.registration.public_id, {"lead": other.pk, "reason": "geen_klik"}),
        "plans:upload": (bob, started.public_id, {"camera": [photo()]}),
        "trajectories:close": (
            bob, started.public_id, {"ended_on": today, "end_reason": "goal", "hours_per_week": "2", "confirm": "1"},
        ),
        "trajectories:reopen": (bob, closed.public_id, {"reason": "Per ongeluk afgesloten."}),
        "letters:issue": (alice, waiting.registration.public_id, {"reasons": "Hulp dichtbij huis."}),
        "letters:deliver": (alice, given.public_id, {"how": "print", "to": "moeder"}),
        "letters:reconsider": (bob, waiting.registration.public_id, {"received_on": today, "objection": "Liever anders."}),
        "letters:decide": (carol, objected.public_id, {"outcome": "upheld", "reasons": "Het besluit blijft."}),
        "safety:new": (bob, started.registration.public_id, {"worries": "Geweld thuis.", "judgement": "3",
                                                             "judged_by": "Bob", "judged_on": today}),
        "safety:share": (bob, started.registration.public_id, {"receiver": "veilig_thuis", "organisation": "Veilig Thuis",
                                                               "ground": "meldcode", "form": "print"}),
    }
    assert set(writes) == WRITES
    for name, (client, public_id, data) in writes.items():
        response = client.post(reverse(name, args=[public_id]), data)
        assert response.status_code == 410 and DESTROYED in response.text, name
    assert AccessEvent.objects.exclude(action=Action.VIEW_FILE).count() == before_events  # nothing done
    assert Registration.objects.get(pk=new.pk).status == "new"
    assert not PlanPhoto.objects.exists() and set(stored_objects()) == before_objects
    assert not SafetyCard.objects.exists() and not CardShare.objects.exists()
    assert not Match.objects.filter(trajectory__in=[unmatched, started], professional=other).exists()
    # Someone of another team learns nothing: a plain 404.
    oscar = signed_in(personas.outsider)
    assert oscar.post(reverse("plans:upload", args=[started.public_id]), {"camera": [photo()]}).status_code == 404


# All or nothing: the access log refuses the upload's entry.


@pytest.fixture
def access_log_refusing_uploads():
    """A real failing log write: a PostgreSQL trigger that refuses upload entries."""
    postgresql()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_upload_entry() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN IF NEW.action = 'upload_photo' THEN RAISE EXCEPTION 'access log unavailable'; END IF;"
            " RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_refuse_upload_entry BEFORE INSERT ON audit_accessevent"
            " FOR EACH ROW EXECUTE FUNCTION test_refuse_upload_entry()"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_refuse_upload_entry ON audit_accessevent")
        cursor.execute("DROP FUNCTION test_refuse_upload_entry()")


@parallel
@postgresql_only
def test_when_the_access_log_refuses_the_upload_nothing_is_kept_and_the_user_is_told(personas, request):
    bob = signed_in(personas.professional)
    journey = factories.trajectory(personas.team)
    before = set(stored_objects())
    request.getfixturevalue("access_log_refusing_uploads")
    response = bob.post(
        reverse("plans:upload", args=[journey.public_id]), {"camera": [photo(), photo("tweede.jpg")]}
    )
    assert response.status_code == 503
    assert "De foto kon nu niet worden opgeslagen, dus er is niets van bewaard." in response.text
    assert not PlanPhoto.objects.exists()
    assert set(stored_objects()) == before
    assert events(journey.registration, Action.UPLOAD_PHOTO) == 0


# Reopening a close and asking for a reconsideration: two users at once.


@parallel
@postgresql_only
def test_two_colleagues_reopening_at_once_reopen_once(personas):
    postgresql()
    lead, triagist = signed_in(personas.professional), signed_in(personas.triagist)
    outcomes = {"reopened": 0, "already": 0}
    for _round in range(ROUNDS):
        journey = factories.trajectory(personas.team, state="closed")
        Trajectory.objects.filter(pk=journey.pk).update(closed_at=timezone.now())
        url = reverse("trajectories:reopen", args=[journey.public_id])
        responses = at_once([
            lambda: lead.post(url, {"reason": "Per ongeluk afgesloten."}, follow=True),
            lambda: triagist.post(url, {"reason": "Verkeerd gezin afgesloten."}, follow=True),
        ])
        assert all(r.status_code == 200 for r in responses)
        already = sum("loopt al weer" in r.text for r in responses)
        assert already == 1, [r.status_code for r in responses]
        outcomes["reopened"] += 1
        outcomes["already"] += already
        assert journey.reopenings.count() == 1 and not Trajectory.objects.get(pk=journey.pk).is_closed
        assert events(journey.registration, Action.REOPEN) == 1
    report("reopen races", ROUNDS, **outcomes)


@parallel
@postgresql_only
def test_two_requests_for_reconsideration_at_once_record_one(personas):
    postgresql()
    from basisjeugdhulp.letters.models import Reconsideration

    bob, alice = signed_in(personas.professional), signed_in(personas.triagist)
    today = timezone.localdate().isoformat()
    conflicts = 0
    for _round in range(ROUNDS):
        case = factories.registration(personas.team, "awaiting_contact")
        url = reverse("letters:reconsider", args=[case.public_id])
        responses = at_once([
            lambda: bob.post(url, {"received_on": today, "objection": "Moeder wil liever hulp van de huisarts."}),
            lambda: alice.post(url, {"received_on": today, "objection": "Vader wil specialistische hulp."}),
        ])
        assert sorted(r.status_code for r in responses) == [302, 409]
        loser = next(r for r in responses if r.status_code == 409)
        assert Reconsideration.objects.filter(registration=case).count() == 1
        stored = Reconsideration.objects.get(registration=case).objection
        objections = {"Moeder wil liever hulp van de huisarts.", "Vader wil specialistische hulp."}
        (theirs,) = objections - {stored}
        assert theirs in loser.text  # the loser's objection is on the page, to send again or drop
        conflicts += 1
    report("reconsideration races", ROUNDS, answered_409=conflicts)
