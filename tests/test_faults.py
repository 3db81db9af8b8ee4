"""Faults of the real parts: with PostgreSQL stopped, a clear Dutch 503, nothing half-written,
and everything works again once it is back. (S3 outages: tests/test_plan_photos.py.)"""

import os
import subprocess

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
    finally:
        postgresql("start")
    connection.close()  # the test's own connection died with the server
    assert Registration.objects.count() == before  # nothing half-written
    assert not Registration.objects.filter(family_label="Gezin Storing").exists()
    assert client.get(reverse("intake:queue")).status_code == 200
