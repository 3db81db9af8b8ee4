"""Plan photos through the pages and the real storage (S3 under `make test`): upload, view,
access, the access log, storage outages, orphans, and closing the trajectory."""

import io
import re
import socket
import threading
from datetime import timedelta

import pillow_heif
import pytest
from botocore.config import Config as BotoConfig
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.plans import pipeline, storing
from basisjeugdhulp.plans.models import PlanPhoto
from basisjeugdhulp.trajectories.models import Trajectory
from tests import factories
from tests.conftest import need

GPS_CANARY = b"CANARY-GPS-53.2194"


def photo_file(name="plan.jpg", data=None):
    return SimpleUploadedFile(name, data or factories.jpeg_bytes(), content_type="image/jpeg")


def photo_with_gps():
    image = Image.new("RGB", (1200, 900), "white")
    exif = Image.Exif()
    exif[0x010F] = GPS_CANARY.decode()
    exif[0x8825] = {1: "N", 2: (53.0, 13.0, 10.0), 3: "E", 4: (6.0, 34.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=b"<x:xmpmeta>" + GPS_CANARY + b"</x:xmpmeta>")
    return out.getvalue()


def stored_objects():
    if not default_storage.exists(storing.PREFIX) and hasattr(default_storage, "path"):
        return []  # a disk storage where nothing was kept yet
    _folders, names = default_storage.listdir(storing.PREFIX)
    return sorted(names)


@pytest.fixture
def journey(personas):
    return factories.trajectory(personas.team, family_label="Gezin Mulder")


@pytest.fixture
def bob(client, personas):
    client.force_login(personas.professional)
    return client


def upload(client, journey, *files, field="camera"):
    return client.post(reverse("plans:upload", args=[journey.public_id]), {field: list(files)})


def test_a_photo_is_kept_without_its_location_and_shown_as_a_version(bob, personas, journey):
    before = set(stored_objects())
    response = upload(bob, journey, photo_file(data=photo_with_gps()))
    assert response.status_code == 302
    photo = PlanPhoto.objects.get(trajectory=journey)
    assert set(stored_objects()) - before == {photo.image.name[len(storing.PREFIX):], photo.thumbnail.name[len(storing.PREFIX):]}
    # Random keys: nothing of the family, the file name or the date in them.
    assert "plan" not in photo.image.name[len(storing.PREFIX):] and "Mulder" not in photo.image.name

    page = bob.get(response["Location"]).text
    assert "1 foto toegevoegd aan het plan." in page
    assert reverse("plans:thumbnail", args=[photo.public_id]) in page

    response = bob.get(reverse("plans:photo", args=[photo.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    data = b"".join(response.streaming_content)
    assert GPS_CANARY not in data
    image = Image.open(io.BytesIO(data))
    assert image.size == (1200, 900) and not image.getexif()
    event = AccessEvent.objects.get(action=Action.VIEW_PHOTO)
    assert (event.user, event.family, event.subject) == (personas.professional, journey.registration.public_id, photo.public_id)


def test_several_photos_at_once_from_camera_and_gallery_keep_every_version(bob, journey):
    response = bob.post(
        reverse("plans:upload", args=[journey.public_id]),
        {"camera": [photo_file("a.jpg")], "gallery": [photo_file("b.jpg"), photo_file("c.jpg")]},
    )
    assert response.status_code == 302
    assert journey.photos.count() == 3
    page = bob.get(reverse("trajectories:detail", args=[journey.public_id])).text
    assert page.count('<li class="plan-version') == 3
    assert "Huidig" in page
    mine = bob.get(reverse("trajectories:mine")).text
    assert "3 planfoto&#x27;s, laatste" in mine or "3 planfoto's, laatste" in mine


def test_an_iphone_heic_is_accepted(bob, journey):
    heic = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (1600, 1200), "white")).save(heic, quality=70)
    response = upload(bob, journey, SimpleUploadedFile("IMG_0001.HEIC", heic.getvalue(), "image/heic"))
    assert response.status_code == 302
    photo = journey.photos.get()
    assert (photo.width, photo.height) == (1600, 1200)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan.jpg", b"Dit is tekst, geen foto.", "is geen foto (JPEG, PNG of HEIC)"),
        ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "is geen foto"),
        ("plan.jpg", b"GIF89a<html><script>alert(1)</script></html>", "is geen foto"),
        ("half.jpg", factories.jpeg_bytes(2000, 1500)[:4000], "is beschadigd of onvolledig"),
    ],
    ids=["text-as-jpg", "svg", "html-with-image-header", "truncated"],
)
def test_a_file_that_is_not_a_photo_is_refused_in_dutch_and_nothing_is_kept(bob, journey, name, data, message):
    before = stored_objects()
    response = upload(bob, journey, SimpleUploadedFile(name, data, "image/jpeg"))
    assert response.status_code == 422
    assert message in response.text and "Deze is niet toegevoegd." in response.text
    assert not PlanPhoto.objects.exists()
    assert stored_objects() == before


def test_a_bomb_is_refused(bob, journey):
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, "PNG")
    response = upload(bob, journey, SimpleUploadedFile("bom.png", bomb.getvalue(), "image/png"))
    assert response.status_code == 422
    assert "heeft te veel pixels voor een telefoonfoto" in response.text
    assert not PlanPhoto.objects.exists()


def test_too_large_and_too_many_files_are_refused(bob, journey, settings):
    settings.PLAN_PHOTO_MAX_BYTES = 10_000
    response = upload(bob, journey, photo_file("groot.jpg", factories.jpeg_bytes(2000, 1500)))
    assert response.status_code == 422
    assert "groot.jpg is groter dan 9,8\xa0KB. Een foto rechtstreeks van de camera" in response.text
    assert "maak de foto opnieuw met de cameraknop. Deze is niet toegevoegd." in response.text
    settings.PLAN_PHOTO_MAX_BYTES = 25 * 1024 * 1024
    response = upload(bob, journey, *[photo_file(f"{i}.jpg") for i in range(11)])
    assert response.status_code == 422
    assert "Hoogstens 10 foto&#x27;s tegelijk." in response.text
    assert not PlanPhoto.objects.exists()


def test_one_bad_file_does_not_stop_the_good_ones(bob, journey):
    response = upload(bob, journey, photo_file("goed.jpg"), SimpleUploadedFile("fout.jpg", b"tekst", "image/jpeg"))
    assert response.status_code == 302
    assert journey.photos.count() == 1
    page = bob.get(response["Location"]).text
    assert "1 foto toegevoegd aan het plan." in page
    assert "fout.jpg is geen foto" in page


def test_another_teams_professional_gets_403_and_the_log_shows_only_the_first(client, personas, journey):
    photo = factories.plan_photo(personas.team, trajectory_=journey)
    client.force_login(personas.professional)
    assert client.get(reverse("plans:photo", args=[photo.public_id])).status_code == 200
    client.force_login(personas.outsider)
    for name in ("plans:photo", "plans:thumbnail"):
        response = client.get(reverse(name, args=[photo.public_id]))
        assert response.status_code == 403
        assert "Geen toegang" in response.text
    assert client.get(reverse("trajectories:detail", args=[journey.public_id])).status_code == 404
    viewers = set(AccessEvent.objects.filter(subject=photo.public_id).values_list("user__username", flat=True))
    assert viewers == {"bob"}


def test_the_teams_triagist_may_look_but_not_photograph(client, personas, journey):
    photo = factories.plan_photo(personas.team, trajectory_=journey)
    client.force_login(personas.triagist)
    assert client.get(reverse("plans:thumbnail", args=[photo.public_id])).status_code == 200
    page = client.get(reverse("trajectories:detail", args=[journey.public_id])).text
    assert "Foto van het A3-plan" not in page and "Traject afsluiten" not in page
    assert upload(client, journey, photo_file()).status_code == 403
    client.force_login(personas.second_reader)
    assert client.get(reverse("plans:photo", args=[photo.public_id])).status_code == 403


# Storage outages: the S3 endpoint refuses connections, or accepts and never answers.


@pytest.fixture
def hanging_endpoint():
    """A loopback socket that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def closed_endpoint():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"http://127.0.0.1:{port}"


def storage_down(settings, endpoint):
    """Point the storage at `endpoint` (nothing, or a server that never answers); returns
    the real configuration to put back."""
    s3 = settings.STORAGES["default"]
    need(s3["BACKEND"] == "storages.backends.s3.S3Storage", "S3_BUCKET is not set")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **s3,
            "OPTIONS": {
                **s3["OPTIONS"],
                "endpoint_url": endpoint,
                "client_config": BotoConfig(
                    signature_version="s3v4", s3={"addressing_style": "path"},
                    connect_timeout=1, read_timeout=1, retries={"max_attempts": 1},
                ),
            },
        },
    }
    return s3


@pytest.mark.parametrize("outage", ["refused", "hangs"])
def test_when_storage_is_down_the_user_is_told_and_nothing_half_is_left(bob, settings, journey, outage, request):
    endpoint = request.getfixturevalue("hanging_endpoint") if outage == "hangs" else closed_endpoint()
    s3 = storage_down(settings, endpoint)
    response = upload(bob, journey, photo_file())
    assert response.status_code == 503
    assert "De foto-opslag is nu niet bereikbaar, dus de foto is niet bewaard." in response.text
    assert "probeer het zo opnieuw" in response.text
    assert not PlanPhoto.objects.exists()
    journey.refresh_from_db()
    assert journey.ended_on is None

    # Storage back: trying again works.
    settings.STORAGES = {**settings.STORAGES, "default": s3}
    assert upload(bob, journey, photo_file()).status_code == 302
    assert journey.photos.count() == 1


def test_a_photo_that_cannot_be_fetched_now_gives_a_dutch_page_not_a_500(bob, settings, personas, journey):
    photo = factories.plan_photo(personas.team, trajectory_=journey)
    storage_down(settings, closed_endpoint())
    response = bob.get(reverse("plans:photo", args=[photo.public_id]))
    assert response.status_code == 503
    assert "De foto-opslag is nu niet bereikbaar. De foto is veilig bewaard" in response.text
    assert not AccessEvent.objects.filter(action=Action.VIEW_PHOTO).exists()


@pytest.mark.django_db(transaction=True)
def test_when_the_row_cannot_be_written_the_stored_objects_are_removed(personas):
    journey = factories.trajectory(personas.team)
    normalised = pipeline.normalise(factories.jpeg_bytes(), storing.limits())
    before = stored_objects()
    Trajectory.objects.filter(pk=journey.pk).delete()  # gone under the professional's hands
    with pytest.raises(Trajectory.DoesNotExist):
        storing.keep(journey, normalised, personas.professional)
    assert stored_objects() == before
    assert not PlanPhoto.objects.exists()


def test_the_sweep_removes_only_old_orphans(personas, journey):
    photo = factories.plan_photo(personas.team, trajectory_=journey)
    orphan = default_storage.save(storing.new_key("photo"), io.BytesIO(b"orphan"))
    call_command("sweep_plan_photos", "--older-than-minutes", "0")
    assert not default_storage.exists(orphan)
    assert default_storage.exists(photo.image.name) and default_storage.exists(photo.thumbnail.name)
    # A fresh object may belong to an upload still being written: left alone by default.
    fresh = default_storage.save(storing.new_key("photo"), io.BytesIO(b"fresh"))
    call_command("sweep_plan_photos")
    assert default_storage.exists(fresh)
    default_storage.delete(fresh)


# Closing: the only time registration.


def close(client, journey, confirm="1", **data):
    """The close form sent and its summary confirmed (with confirm=None: only sent)."""
    if confirm:
        data["confirm"] = confirm
    return client.post(reverse("trajectories:close", args=[journey.public_id]), data)


def test_closing_is_a_step_of_its_own_with_a_summary_to_confirm(bob, journey):
    detail = bob.get(reverse("trajectories:detail", args=[journey.public_id])).text
    assert 'name="hours_per_week"' not in detail  # not under the photo upload
    form = bob.get(reverse("trajectories:close", args=[journey.public_id])).text
    assert 'name="ended_on"' in form and 'name="ended_on" value=' not in form  # no date filled in blindly
    today = timezone.localdate()
    summary = close(bob, journey, confirm=None, ended_on=today.isoformat(), end_reason="moved", hours_per_week="1,5")
    assert summary.status_code == 200
    assert "Controleren en bevestigen" in summary.text and "Verhuisd" in summary.text and "1,5" in summary.text
    journey.refresh_from_db()
    assert journey.ended_on is None  # nothing saved before the confirmation
    change = close(bob, journey, confirm=None, change="1", ended_on=today.isoformat(), end_reason="moved", hours_per_week="1,5")
    assert 'value="1,5"' in change.text and "Verder: controleren" in change.text


def test_a_mistaken_close_is_reopened_with_a_reason_logged_within_14_days(bob, journey):
    from basisjeugdhulp.trajectories.models import Reopening
    from matching import assignment

    assignment.assign(journey, journey.lead, journey.lead.user)  # a lead matched as in the register
    today = timezone.localdate()
    assert close(bob, journey, ended_on=today.isoformat(), end_reason="goal", hours_per_week="2").status_code == 302
    assert not journey.matches.filter(ended_at=None).exists()
    detail = reverse("trajectories:detail", args=[journey.public_id])
    assert "Per ongeluk afgesloten?" in bob.get(detail).text
    url = reverse("trajectories:reopen", args=[journey.public_id])
    refused = bob.post(url, {"reason": ""})
    assert "Schrijf kort op waarom het traject heropend wordt." in refused.text
    assert bob.post(url, {"reason": "Verkeerd gezin afgesloten."}).status_code == 302
    journey.refresh_from_db()
    assert not journey.is_closed and journey.lead is not None
    assert journey.matches.filter(ended_at=None).exists()  # the same professionals, still current
    kept = Reopening.objects.get(trajectory=journey)
    assert (kept.reason, kept.end_reason, kept.ended_on) == ("Verkeerd gezin afgesloten.", "goal", today)
    assert AccessEvent.objects.filter(action=Action.REOPEN, family=journey.registration.public_id).exists()
    # Counted in the figures as a reopen, the trajectory as running on: not closed, not new.
    from basisjeugdhulp.reporting import monthly

    facts = {fact.measure: fact.n for fact in monthly.facts_for(monthly.first_of(today), today)}
    assert facts.get("reopened") == 1 and "ended" not in facts and facts.get("started") == 1
    # After 14 days the way back is closed.
    close(bob, journey, ended_on=today.isoformat(), end_reason="goal", hours_per_week="2")
    Trajectory.objects.filter(pk=journey.pk).update(closed_at=timezone.now() - timedelta(days=15))
    assert "Per ongeluk afgesloten?" not in bob.get(detail).text
    assert bob.post(url, {"reason": "Toch niet."}).status_code == 403


def test_closing_records_hours_once_and_makes_the_trajectory_read_only(bob, journey):
    today = timezone.localdate()
    response = close(bob, journey, ended_on=today.isoformat(), end_reason="goal", hours_per_week="2,5")
    assert response.status_code == 302
    journey.refresh_from_db()
    assert (journey.ended_on, journey.end_reason, str(journey.hours_per_week)) == (today, "goal", "2.50")
    page = bob.get(response["Location"]).text
    assert "Het traject van Gezin Mulder is afgesloten." in page
    assert "Foto van het A3-plan" not in page and 'name="hours_per_week"' not in page
    late = upload(bob, journey, photo_file("late.jpg"))  # the page was still open on the phone
    assert late.status_code == 409 and "Intussen heeft Bob dit traject afgesloten" in late.text and "late.jpg" in late.text
    assert not journey.photos.exists()
    assert "Gezin Mulder" not in bob.get(reverse("trajectories:mine")).text.split("Wacht op eerste contact")[0]
    again = close(bob, journey, ended_on=today.isoformat(), end_reason="moved", hours_per_week="3")
    assert again.status_code == 409
    journey.refresh_from_db()
    assert journey.end_reason == "goal"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ended_on": "start-1", "end_reason": "goal", "hours_per_week": "2"}, "De einddatum kan niet voor de start liggen"),
        ({"ended_on": "tomorrow", "end_reason": "goal", "hours_per_week": "2"}, "De einddatum kan niet in de toekomst liggen."),
        ({"ended_on": "today", "end_reason": "goal", "hours_per_week": "2,3"}, "Gebruik hele kwartieren, bijvoorbeeld 2,25, 2,5 of 2,75."),
        ({"ended_on": "today", "end_reason": "goal", "hours_per_week": "0"}, "Minstens een kwartier (0,25) per week."),
        ({"ended_on": "today", "end_reason": "goal", "hours_per_week": "41"}, "Hoogstens 40 uur per week."),
        ({"ended_on": "today", "end_reason": "goal", "hours_per_week": "twee"}, "Vul een aantal uren in, bijvoorbeeld 2,5."),
        ({"ended_on": "today", "hours_per_week": "2"}, "Kies de reden van afsluiten."),
    ],
    ids=["before-start", "future", "not-a-quarter", "zero", "over-40", "not-a-number", "no-reason"],
)
def test_a_wrong_closing_is_refused_in_dutch_and_keeps_what_was_typed(bob, journey, data, message):
    today = timezone.localdate()
    days = {"today": today, "tomorrow": today + timedelta(days=1), "start-1": journey.started_on - timedelta(days=1)}
    data = {**data, "ended_on": days[data["ended_on"]].isoformat()}
    response = close(bob, journey, **data)
    assert response.status_code == 200
    assert message in response.text
    assert f'value="{data["hours_per_week"]}"' in response.text
    journey.refresh_from_db()
    assert journey.ended_on is None and journey.hours_per_week is None


def test_a_trajectory_without_first_contact_cannot_be_closed(bob, personas):
    waiting = factories.trajectory(personas.team, state="awaiting_contact")
    response = close(bob, waiting, ended_on=timezone.localdate().isoformat(), end_reason="goal", hours_per_week="1")
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.ended_on is None
    assert "Leg eerst het eerste contact vast" in bob.get(response["Location"]).text


def test_only_the_familys_professionals_close(client, personas, journey):
    client.force_login(personas.triagist)
    response = close(client, journey, ended_on=timezone.localdate().isoformat(), end_reason="goal", hours_per_week="1")
    assert response.status_code == 403
    journey.refresh_from_db()
    assert journey.ended_on is None


def test_lead_and_duo_closing_at_once_the_second_is_told_and_keeps_their_input(client, personas, journey):
    from matching.models import Professional

    duo = Professional.objects.get(user=personas.triagist)  # alice is HBO, bob (lead) MBO
    Trajectory.objects.filter(pk=journey.pk).update(duo=duo)
    today = timezone.localdate().isoformat()
    client.force_login(personas.professional)
    assert close(client, journey, ended_on=today, end_reason="goal", hours_per_week="2").status_code == 302
    client.force_login(personas.triagist)
    response = close(client, journey, ended_on=today, end_reason="moved", hours_per_week="3,5")
    assert response.status_code == 409
    assert "Intussen heeft Bob dit traject afgesloten" in response.text and "doel bereikt" in response.text
    assert "3,5" in response.text
    journey.refresh_from_db()
    assert journey.end_reason == "goal" and str(journey.hours_per_week) == "2.00"


def test_a_professional_with_many_families_pages_through_them(bob, personas):
    """The start page shows a page of families, the rest one tap further, none twice."""
    from basisjeugdhulp.trajectories.views import FAMILIES_PER_PAGE

    for n in range(FAMILIES_PER_PAGE + 3):
        factories.trajectory(personas.team, family_label=f"Gezin Nummer {n:02}")
    first = bob.get(reverse("trajectories:mine")).text
    assert f"Gezinnen 1–{FAMILIES_PER_PAGE} van {FAMILIES_PER_PAGE + 3}" in first
    second = bob.get(reverse("trajectories:mine"), {"pagina": 2}).text
    shown = re.findall(r"Gezin Nummer \d\d", first) + re.findall(r"Gezin Nummer \d\d", second)
    assert sorted(shown) == [f"Gezin Nummer {n:02}" for n in range(FAMILIES_PER_PAGE + 3)]
    assert 'href="?pagina=1"' in second and "Vorige" in second
    assert f"Gezinnen {FAMILIES_PER_PAGE + 1}–{FAMILIES_PER_PAGE + 3} van {FAMILIES_PER_PAGE + 3}" in second
    # A page past the end shows the last one rather than an error, a page that is no number the first.
    assert f"Gezinnen {FAMILIES_PER_PAGE + 1}–" in bob.get(reverse("trajectories:mine"), {"pagina": 99}).text
    assert "Gezinnen 1–" in bob.get(reverse("trajectories:mine"), {"pagina": "twee"}).text
    # The page's own rows say how many families there are in all: no count query of its own.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        bob.get(reverse("trajectories:mine"), {"pagina": 2})
    assert not any('AS "__count"' in query["sql"] for query in captured)


def test_the_start_pages_rows_written_in_sql_are_the_rows_of_the_orms_query(personas):
    """On PostgreSQL the start page reads its families with SQL written out (MyFamiliesSQL); page
    by page they must be the rows, in the order, of MY_FAMILIES.of_professional: led or duo, open,
    not destroyed, photos counted with the last one's moment, the total on every row."""
    from django.db import connection

    need(connection.vendor == "postgresql", "the written-out rows are PostgreSQL's")
    from basisjeugdhulp.intake.models import Registration
    from basisjeugdhulp.trajectories.views import MY_FAMILIES, MyFamiliesSQL
    from matching.models import Professional

    bob = Professional.objects.get(user=personas.professional)
    carol = Professional.objects.get(user=personas.second_reader)
    today = timezone.localdate()
    journeys = [factories.trajectory(personas.team, family_label=f"Gezin {n:02}") for n in range(7)]
    journeys += [factories.trajectory(personas.team, state="awaiting_contact", family_label=f"Gezin Wacht {n}",
                                      received_on=today - timedelta(days=n)) for n in range(3)]
    duo = factories.trajectory(personas.team, lead=carol, family_label="Gezin Duo")
    Trajectory.objects.filter(pk=duo.pk).update(duo=bob)
    Trajectory.objects.filter(pk=journeys[0].pk).update(ended_on=today)  # closed
    Registration.objects.filter(pk=journeys[1].registration_id).update(destroyed_at=timezone.now())
    Trajectory.objects.filter(pk__in=[j.pk for j in journeys[2:5]]).update(started_on=today - timedelta(days=9))
    for journey in (journeys[2], journeys[2], journeys[3]):
        factories.plan_photo(personas.team, trajectory_=journey, by=personas.professional)
    for user, professional in ((personas.professional, bob), (personas.second_reader, carol),
                               (personas.professional, None), (personas.triagist, None), (personas.analyst, None)):
        for page in (slice(0, 4), slice(4, 8), slice(8, 12), slice(12, 16)):
            orm = list(MY_FAMILIES.of_professional(user, professional)[page])
            assert MyFamiliesSQL(user, professional)[page] == orm, (user, page)
        assert MyFamiliesSQL(user, professional).count() == MY_FAMILIES.of_professional(user, professional).count()
    shown = MyFamiliesSQL(personas.professional, bob)[slice(0, 20)]
    assert {row["family_label"] for row in shown} == {f"Gezin {n:02}" for n in range(2, 7)} | {
        f"Gezin Wacht {n}" for n in range(3)} | {"Gezin Duo"}
    assert {row["photo_count"] for row in shown} == {0, 1, 2} and shown[0]["rows_in_all"] == 9


def test_families_awaiting_first_contact_come_first_on_the_start_page(bob, personas):
    """A new family waits for its first contact: it heads the professional's list, however many
    running families there are, not on the last page after them."""
    from basisjeugdhulp.trajectories.views import FAMILIES_PER_PAGE

    today = timezone.localdate()
    for n in range(FAMILIES_PER_PAGE + 2):
        factories.trajectory(personas.team, family_label=f"Gezin Lopend {n:02}",
                             received_on=today - timedelta(days=90 - n), triaged_on=today - timedelta(days=90 - n))
    factories.trajectory(personas.team, state="awaiting_contact", family_label="Gezin Later")
    factories.trajectory(personas.team, state="awaiting_contact", family_label="Gezin Eerder",
                         received_on=today - timedelta(days=3), triaged_on=today - timedelta(days=3))
    page = bob.get(reverse("trajectories:mine")).text
    names = re.findall(r'<span class="case-name">([^<]+)</span>', page.split("Wacht op eerste contact")[0])
    # The two awaiting contact first (the earlier deadline on top), then the running ones, the
    # longest running first.
    assert names[:4] == ["Gezin Eerder", "Gezin Later", "Gezin Lopend 00", "Gezin Lopend 01"]
    assert "contact uiterlijk" in page.split("Gezin Lopend 00")[0]


def test_the_start_page_counts_the_day_a_trajectory_started_as_its_first(bob, personas):
    today = timezone.localdate()
    factories.trajectory(personas.team, family_label="Gezin Vandaag", received_on=today, triaged_on=today)
    factories.trajectory(personas.team, family_label="Gezin Vorige Week",
                         received_on=today - timedelta(days=7), triaged_on=today - timedelta(days=7))
    rows = re.sub(r"\s+", " ", bob.get(reverse("trajectories:mine")).text)
    assert re.search(r"Gezin Vandaag</span>.*?dag 1 <small>", rows)
    assert re.search(r"Gezin Vorige Week</span>.*?dag 8 <small>", rows)


def test_the_trajectory_page_says_how_long_ago_it_started(bob, personas):
    today = timezone.localdate()
    started_today = factories.trajectory(personas.team, received_on=today, triaged_on=today)
    page = bob.get(reverse("trajectories:detail", args=[started_today.public_id])).text
    assert "· vandaag" in page and "0 dagen geleden" not in page
    last_week = factories.trajectory(personas.team, received_on=today - timedelta(days=7), triaged_on=today - timedelta(days=7))
    assert "· 7 dagen geleden" in bob.get(reverse("trajectories:detail", args=[last_week.public_id])).text


def test_an_empty_file_is_named_and_told_what_to_do(bob, journey):
    response = upload(bob, journey, SimpleUploadedFile("IMG_0007.jpg", b"", content_type="image/jpeg"))
    assert response.status_code == 422
    assert "IMG_0007.jpg is leeg (0 bytes). Maak de foto opnieuw, of kies een andere." in response.text
    assert not PlanPhoto.objects.exists()
