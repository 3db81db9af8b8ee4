"""Destroying a family's file: on request by the beheerder, and when the retention has passed."""

import io
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.destruction import SYSTEM_USER
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.plans.models import PlanPhoto
from basisjeugdhulp.reporting.models import ApiClient
from basisjeugdhulp.trajectories.models import Trajectory
from tests import factories


def figures(client, period):
    api = ApiClient(name="BI")
    token = api.issue_token()
    api.save()
    response = client.get(reverse("reporting:api"), {"periode": period}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json()["tables"]


def test_the_beheerder_destroys_a_file_on_request_and_the_figures_stay(client, personas, django_capture_on_commit_callbacks):
    journey = factories.trajectory(
        personas.team, family_label="Gezin De Boer", children=(("Noor", 2014), ("Daan", 2017)),
        preferred_language="Pools",
    )
    photo = factories.plan_photo(personas.team, trajectory_=journey)
    case = journey.registration
    period = str(case.received_on.year)
    before = figures(client, period)

    client.force_login(personas.administrator)
    url = reverse("audit:destroy", args=[case.public_id])
    refused = client.post(url, {"confirm": "ja"})
    assert refused.status_code == 422 and "Typ VERNIETIGEN om te bevestigen." in refused.text
    assert Registration.objects.get(pk=case.pk).destroyed_at is None

    with django_capture_on_commit_callbacks(execute=True):  # objects go once the rows are gone
        response = client.post(url, {"confirm": "vernietigen"}, follow=True)
    assert "Het dossier is vernietigd." in response.text
    case = Registration.objects.get(pk=case.pk)
    assert case.destroyed_at is not None
    assert (case.family_label, case.phone, case.postcode, case.house_number, case.question, case.preferred_language) == ("",) * 6
    assert not case.children.exists() and not case.family_keys.exists()
    assert not PlanPhoto.objects.exists()
    assert not default_storage.exists(photo.image.name) and not default_storage.exists(photo.thumbnail.name)
    # What the figures count stays.
    journey = Trajectory.objects.get(pk=journey.pk)
    assert (journey.product, journey.started_on, journey.lead_id) == (case.product, case.contacted_on, journey.lead_id)
    assert figures(client, period) == before
    event = AccessEvent.objects.get(action=Action.DESTROY)
    assert (event.user, event.family) == (personas.administrator, case.public_id)
    # The team no longer finds it.
    client.force_login(personas.triagist)
    assert client.get(reverse("intake:registration", args=[case.public_id])).status_code == 404
    client.force_login(personas.professional)
    assert client.get(reverse("trajectories:detail", args=[journey.public_id])).status_code == 404
    assert "Gezin De Boer" not in client.get(reverse("trajectories:mine")).text


def test_files_past_their_retention_are_destroyed_by_the_daily_task(personas, settings):
    """Who destroys: the system, in the access log (when: tests/test_retention.py)."""
    old = factories.trajectory(personas.team, family_label="Gezin Oud")
    recent = factories.trajectory(personas.team, family_label="Gezin Recent")
    Registration._base_manager.filter(pk=old.registration_id).update(
        last_changed_at=timezone.now() - timedelta(days=365 * 20 + 10))
    assert settings.RETENTION_YEARS == 20

    out = io.StringIO()
    call_command("destroy_expired_files", stdout=out)
    assert out.getvalue().splitlines() == [
        "Destroyed 1 file(s) past their retention of 20 years.",
        f"  destroyed: aanmelding {old.registration.public_id}",
    ]

    destroyed = set(Registration.objects.exclude(destroyed_at=None).values_list("pk", flat=True))
    assert destroyed == {old.registration_id}
    assert Registration.objects.get(pk=recent.registration_id).family_label == "Gezin Recent"
    system = {e.user.username for e in AccessEvent.objects.filter(action=Action.DESTROY)}
    assert system == {SYSTEM_USER}
