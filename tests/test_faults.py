"""Faults of the real parts: with PostgreSQL stopped, a clear Dutch 503, nothing half-written,
and everything works again once it is back. (S3 outages: tests/test_plan_photos.py.)"""

import os
import subprocess
import sys

import pytest
from django.db import connection
from django.urls import reverse

from basisjeugdhulp.intake.models import Registration
from tests.conftest import need


def postgresql(action):
    subprocess.run([os.environ["TEST_PG_CONTROL"], action], check=True, capture_output=True, timeout=90)


@pytest.mark.django_db(transaction=True)
def test_with_postgresql_stopped_pages_answer_503_and_work_again_after(client, personas):
    need(connection.vendor == "postgresql" and "TEST_PG_CONTROL" in os.environ,
         "needs the test run's own PostgreSQL (make test)")
    client.raise_request_exception = False  # answer as the server would, not re-raise in the test
    client.force_login(personas.triagist)
    assert client.get(reverse("intake:queue")).status_code == 200
    before = Registration.objects.count()
    postgresql("stop")
    try:
        page = client.get(reverse("intake:queue"))
        assert page.status_code == 503
        assert "Het register kan zijn database niet bereiken." in page.content.decode()
        assert page["Retry-After"] == "60"
        posted = client.post(reverse("intake:new"), {"channel": "school", "family_label": "Gezin Storing"})
        assert posted.status_code == 503
        # What was typed is on the page, in a form that sends it again to the same URL.
        text = posted.content.decode()
        assert f'<form method="post" action="{reverse("intake:new")}">' in text
        assert '<input type="hidden" name="family_label" value="Gezin Storing">' in text
        assert "<li>Gezin Storing</li>" in text and "Opnieuw versturen" in text
    finally:
        postgresql("start")
    connection.close()  # the test's own connection died with the server
    assert Registration.objects.count() == before  # nothing half-written
    assert not Registration.objects.filter(family_label="Gezin Storing").exists()
    assert client.get(reverse("intake:queue")).status_code == 200


def s3(action):
    subprocess.run([os.environ["TEST_S3_CONTROL"], action], check=True, capture_output=True, timeout=90)
    if action == "start":  # wait until it answers again, as the register would find it
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        subprocess.run([sys.executable, os.path.join(root, "scripts", "s3_bucket.py"), "--wait", "60"],
                       check=True, capture_output=True, timeout=90)


def test_with_the_s3_server_stopped_photos_answer_503_and_work_again_after(client, personas):
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    from basisjeugdhulp.plans.models import PlanPhoto
    from tests import factories

    need("TEST_S3_CONTROL" in os.environ and settings.STORAGES["default"]["BACKEND"].endswith("S3Storage"),
         "needs the test run's own S3 server (make test)")
    journey = factories.trajectory(personas.team)
    photo = factories.plan_photo(personas.team, trajectory_=journey)
    client.force_login(personas.professional)
    upload = reverse("plans:upload", args=[journey.public_id])
    s3("stop")
    try:
        response = client.post(upload, {"camera": [SimpleUploadedFile("plan.jpg", factories.jpeg_bytes(), "image/jpeg")]})
        assert response.status_code == 503
        assert "De foto-opslag is nu niet bereikbaar" in response.text
        assert PlanPhoto.objects.count() == 1  # nothing half-written
        shown = client.get(reverse("plans:photo", args=[photo.public_id]))
        assert shown.status_code == 503 and "De foto is veilig bewaard" in shown.text
    finally:
        s3("start")
    again = client.post(upload, {"camera": [SimpleUploadedFile("plan.jpg", factories.jpeg_bytes(), "image/jpeg")]})
    assert again.status_code == 302
    assert PlanPhoto.objects.count() == 2
    assert client.get(reverse("plans:photo", args=[photo.public_id])).status_code == 200
