"""The outcome fields (issue 27): off by default; on, two optional questions at close that go to
CBS with the record; the close step keeps three required inputs."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.cbs import delivery
from basisjeugdhulp.cbs.extract import HalfYear
from basisjeugdhulp.cbs.models import Outcome
from tests import factories


def close(client, journey, **extra):
    data = {"ended_on": timezone.localdate().isoformat(), "end_reason": "goal", "hours_per_week": "2", "confirm": "1",
            **extra}
    return client.post(reverse("trajectories:close", args=[journey.public_id]), data)


def test_off_by_default_closing_asks_what_it_asked(client, personas):
    journey = factories.trajectory(personas.team)
    client.force_login(personas.professional)
    page = client.get(reverse("trajectories:close", args=[journey.public_id])).text
    assert "satisfaction" not in page and "Rapportcijfer" not in page
    assert close(client, journey, satisfaction="8").status_code == 302
    assert not Outcome.objects.exists()


def test_on_the_answers_go_to_cbs_with_the_record(client, personas, settings):
    settings.CBS_OUTCOMES = True
    from basisjeugdhulp.trajectories.forms import CloseForm

    form = CloseForm(trajectory=None)
    assert sum(field.required for field in form.fields.values()) <= 3
    journey = factories.trajectory(personas.team)
    client.force_login(personas.professional)
    page = client.get(reverse("trajectories:close", args=[journey.public_id])).text
    assert 'name="satisfaction"' in page and 'name="without_help"' in page
    refused = close(client, journey, satisfaction="11")
    assert refused.status_code == 200 and "Een cijfer van 1 tot 10." in refused.text
    assert close(client, journey, satisfaction="8", without_help="04", informant="01").status_code == 302
    journey.refresh_from_db()
    today = timezone.localdate()
    period = HalfYear(today.year, 1 if today.month <= 6 else 2)
    _fields, extract, problems = delivery.examine(period, today + timedelta(days=200))
    assert problems == []
    values = extract.records[0].values
    assert (values["tevredenheid_1"], values["zonder_hulp_verder_1"], values["informant_1"]) == ("08", "04", "01")
    assert values["tevredenheid_2"] == ""


def test_an_unanswered_outcome_is_no_measurement(client, personas, settings):
    settings.CBS_OUTCOMES = True
    journey = factories.trajectory(personas.team)
    client.force_login(personas.professional)
    assert close(client, journey).status_code == 302
    assert not Outcome.objects.exists()


def test_more_than_two_measurements_keep_the_file_back(personas):
    journey = factories.trajectory(personas.team, received_on=date(2025, 2, 3))
    journey.ended_on, journey.end_reason, journey.hours_per_week = date(2025, 5, 1), "goal", 2
    journey.save()
    for mark in (6, 7, 8):
        Outcome.objects.create(trajectory=journey, satisfaction=mark, informant="02")
    _fields, _extract, problems = delivery.examine(HalfYear(2025, 1), date(2025, 12, 1))
    assert [problem.message for problem in problems] == ["Meer dan twee uitkomstmetingen."]
