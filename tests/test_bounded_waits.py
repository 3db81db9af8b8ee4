"""Bounded waits on the outside parts (issue 21): a frozen S3 answers the user within the 10 s
budget, retries included, well under gunicorn's 30 s; PostgreSQL has a connect and a statement
timeout."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from basisjeugdhulp.plans.models import PlanPhoto
from tests import factories
from tests.conftest import need
from tests.own_s3 import WEED, OwnS3

BUDGET = 10  # seconds a user waits at most for a storage outage (docs/configuration.md)


@pytest.fixture
def own_s3(tmp_path, settings):
    need(settings.STORAGES["default"]["BACKEND"].endswith("S3Storage") and WEED.exists(),
         "needs S3 storage and SeaweedFS (make test)")
    server = OwnS3(tmp_path / "s3").start()
    settings.STORAGES = server.storages(settings.STORAGES)
    yield server
    server.stop()


def timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def test_a_frozen_s3_answers_an_upload_and_a_photo_within_the_budget(client, personas, own_s3, capsys):
    journey = factories.trajectory(personas.team)
    photo = factories.plan_photo(personas.team, trajectory_=journey)
    client.force_login(personas.professional)
    upload = reverse("plans:upload", args=[journey.public_id])
    with own_s3.frozen():
        posted, upload_seconds = timed(lambda: client.post(
            upload, {"camera": [SimpleUploadedFile("plan.jpg", factories.jpeg_bytes(), "image/jpeg")]}))
        shown, photo_seconds = timed(lambda: client.get(reverse("plans:photo", args=[photo.public_id])))
    with capsys.disabled():
        print(f"\nfrozen S3: upload answered in {upload_seconds:.2f} s, photo in {photo_seconds:.2f} s")
    assert posted.status_code == 503 and "De foto-opslag is nu niet bereikbaar" in posted.text
    assert shown.status_code == 503 and "De foto is veilig bewaard" in shown.text
    assert upload_seconds <= BUDGET and photo_seconds <= BUDGET
    assert PlanPhoto.objects.count() == 1  # nothing half-written
    # Thawed, it works again without a restart.
    assert client.get(reverse("plans:photo", args=[photo.public_id])).status_code == 200


def test_the_storage_settings_fit_the_budget_and_a_check_says_when_they_do_not(settings):
    """Worst case of one storage call: every attempt waits its connect and read timeout, plus the
    backoff of standard mode (at most 1 s before the second try)."""
    from django.core import checks

    settings.S3_BUCKET = settings.S3_BUCKET or "foto-s"
    assert "basisjeugdhulp.W201" not in {m.id for m in checks.run_checks()}
    settings.S3_READ_TIMEOUT, settings.S3_ATTEMPTS = 10, 3  # the earlier 3 × 10 s
    assert "basisjeugdhulp.W201" in {m.id for m in checks.run_checks()}


def test_postgresql_has_a_connect_and_a_statement_timeout(db):
    need(connection.vendor == "postgresql", "needs PostgreSQL (make test)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"
    assert connection.get_connection_params()["connect_timeout"] == 5
