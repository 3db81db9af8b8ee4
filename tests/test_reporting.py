"""The municipality's figures against a small hand-built city, small-number protection in every
form the figures leave the register, and bad questions."""

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from basisjeugdhulp.intake.models import Registration, SecondCheck
from basisjeugdhulp.intake.routes import Channel
from basisjeugdhulp.reporting.models import ApiClient, LumpSum
from basisjeugdhulp.trajectories.models import Trajectory
from basisjeugdhulp.workdays import add_working_days
from tests import factories


def months_ago(n):
    today = timezone.localdate()
    year, month = today.year, today.month - n
    while month < 1:
        year, month = year - 1, month + 1 + 11
    return date(year, month, 1)


@pytest.fixture
def september():
    """A whole month two months back (always in the past, always a full month)."""
    first = months_ago(2)
    triage_day = add_working_days(first, 1)  # the first working day after the 1st
    return first, triage_day, f"{first:%Y-%m}"


def build_city(personas, september):
    first, triage_day, _code = september
    noord = personas.team
    # 7 aanmeldingen via school, triaged to gezinsbegeleiding middel; 5 contacted on time
    # (2 working days), 2 late (8 working days).
    for n in range(7):
        case = factories.registration(noord, "awaiting_contact", received_on=triage_day, triaged_on=triage_day,
                                      product="gb_middel", channel=Channel.SCHOOL)
        case.contacted_on = add_working_days(triage_day, 2 if n < 5 else 8)
        case.status = "contacted"
        case.save()
        Trajectory.objects.filter(registration=case).update(started_on=case.contacted_on)
    # 5 via the GP, all crises.
    for _n in range(5):
        case = factories.registration(noord, "new", received_on=triage_day, channel=Channel.GP)
        case.end_as_crisis(personas.triagist, triage_day)
        case.save()
    # 6 trajectories that started three months earlier and closed on the 2nd: 2.5 hours a week.
    ended = first + timedelta(days=1)
    started = ended - timedelta(days=91)
    for _n in range(6):
        case = factories.registration(noord, "closed", received_on=started, triaged_on=started, product="ib_zwaar")
        Trajectory.objects.filter(registration=case).update(
            started_on=started, ended_on=ended, hours_per_week=Decimal("2.5"), end_reason="goal"
        )
    # 5 proposals for specialist care in the month, all approved.
    for _n in range(5):
        case = factories.registration(noord, "second_check", received_on=triage_day, channel=Channel.VEILIG_THUIS)
        SecondCheck.objects.filter(registration=case).update(
            proposed_at=timezone.make_aware(timezone.datetime.combine(triage_day, timezone.datetime.min.time())),
            approved=True, decided_at=timezone.now(),
        )
    return started, ended


def table(data, key):
    return next(t for t in data["tables"] if t["key"] == key)


def values(data, key):
    found = table(data, key)
    return {row["label"]: row["values"] for row in found["rows"]}, found["total"]


@pytest.fixture
def token(db):
    client = ApiClient(name="Power BI gemeente")
    secret = client.issue_token()
    client.save()
    return secret


def api(client, token, **query):
    return client.get(reverse("reporting:api"), query, headers={"Authorization": f"Bearer {token}"})


def test_each_figure_against_the_hand_built_city(client, personas, september, token):
    started, ended = build_city(personas, september)
    LumpSum.objects.create(year=ended.year, budget=Decimal("100000"), hourly_cost=Decimal("100"))
    response = api(client, token, periode=september[2])
    assert response.status_code == 200
    data = response.json()

    channels, total = values(data, "channels")
    assert channels["School"] == [7]
    assert channels["Huisarts / POH-jeugd (ZorgDomein)"] == [5]
    assert channels["Veilig Thuis"] == [5]
    assert channels["Zelfmelding bij de WIJ-entree"] == [0]
    assert total == [17]

    triage, total = values(data, "triage")
    assert triage["Gezinsbegeleiding middel"] == [7]
    assert triage["Crisis"] == [5]
    assert triage["Specialistische jeugdhulp"] == [5]
    assert triage["Individuele begeleiding zwaar"] == [0]  # triaged three months earlier
    assert total == [17]

    contact, _ = values(data, "contact")
    assert contact["Deadlines in de periode"] == [7]
    assert contact["Eerste contact binnen vijf werkdagen"] == [5]
    assert contact["Aandeel op tijd"] == [71.4]
    assert contact["Mediaan werkdagen tot eerste contact"] == [2.0]

    journeys, _ = values(data, "trajectories")
    assert journeys["Actief aan het eind van de periode"] == [7]
    assert journeys["Gestart in de periode"] == [7]
    assert journeys["Afgesloten in de periode"] == [6]

    reasons, total = values(data, "end_reasons")
    assert reasons["Doel bereikt"] == [6] and total == [6]

    products, _ = values(data, "products")
    assert products["Individuele begeleiding zwaar"] == [6, 2.5, 13.0]  # 91 days = 13 weeks
    assert products["Gezinsbegeleiding middel"] == [0, None, None]

    checks, _ = values(data, "second_check")
    assert checks["Voorgesteld"] == [5] and checks["Goedgekeurd"] == [5] and checks["Afgewezen (terug naar basisjeugdhulp)"] == [0]

    signals, _ = values(data, "signals")
    assert signals["Crises doorgezet naar Spoed voor Jeugd"] == [5]
    assert signals["Heraanmeldingen binnen 12 maanden"] == [0]

    teams, total = values(data, "teams")
    assert teams["WIJ Noord"] == [17, 17, 7, 6, 2, 1]  # alice and carol HBO, bob MBO
    assert teams["WIJ Zuid"] == [0, 0, 0, 0, 1, 0]
    assert total == [17, 17, 7, 6, 3, 1]

    # The page shows the same, and the lump sum: 6 × 2.5 h/week over the days inside the year.
    page = _dashboard(client, personas, periode=september[2])
    days_in_year = (ended - max(started, date(ended.year, 1, 1))).days + 1
    expected_hours = 6 * 2.5 * days_in_year / 7
    assert f"{round(expected_hours):,}".replace(",", ".") in page
    assert "Actief aan het eind van de periode" in page


def _dashboard(client, personas, **query):
    client.force_login(personas.analyst)
    response = client.get(reverse("reporting:dashboard"), query)
    assert response.status_code == 200, response.status_code
    return response.text


def build_small_team(personas, september):
    """WIJ Zuid closed 3 trajectories in the month, WIJ Noord 6."""
    first, _triage_day, _code = september
    for team, n in ((personas.other_team, 3), (personas.team, 6)):
        for _i in range(n):
            case = factories.registration(team, "closed", received_on=first - timedelta(days=60))
            Trajectory.objects.filter(registration=case).update(
                started_on=first - timedelta(days=50), ended_on=first + timedelta(days=3), end_reason="goal",
            )


def test_a_team_with_three_closed_trajectories_shows_less_than_five_everywhere(client, personas, september, token):
    build_small_team(personas, september)
    code = september[2]

    data = api(client, token, periode=code).json()
    teams, total = values(data, "teams")
    assert teams["WIJ Zuid"][3] == "<5"
    assert teams["WIJ Noord"][3] == "×"  # else 9 − 6 would give Zuid's 3 away
    assert total[3] == 9

    page = _dashboard(client, personas, periode=code)
    section = page[page.index('id="table-teams"') :]
    zuid = section[section.index("WIJ Zuid") : section.index("</tr>", section.index("WIJ Zuid"))]
    assert '<td class="number protected">&lt;5</td>' in zuid
    noord = section[section.index("WIJ Noord") : section.index("</tr>", section.index("WIJ Noord"))]
    assert ">6<" not in noord

    exported = client.get(reverse("reporting:export_csv"), {"periode": code})
    assert exported["Content-Disposition"] == f'attachment; filename="basisjeugdhulp-cijfers-{code}.csv"'
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    closed = {row[1]: row[3] for row in rows if row[0] == "Per team" and row[2] == "Afgesloten"}
    assert closed == {"WIJ Noord": "×", "WIJ Zuid": "<5", "Totaal": "9"}

    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:export_xlsx"), {"periode": code}).content))
    sheet = workbook[code]
    closed = {row[1]: row[3] for row in sheet.iter_rows(values_only=True) if row[0] == "Per team" and row[2] == "Afgesloten"}
    assert closed == {"WIJ Noord": "×", "WIJ Zuid": "<5", "Totaal": 9}

    # Through the team filter: the same protected cell, and no breakdown that adds up to it.
    zuid_only = api(client, token, periode=code, team=str(personas.other_team.public_id)).json()
    journeys, _ = values(zuid_only, "trajectories")
    assert journeys["Afgesloten in de periode"] == ["<5"]
    reasons, total = values(zuid_only, "end_reasons")
    assert reasons["Doel bereikt"] == ["<5"] and total == ["<5"]
    noord_only = api(client, token, periode=code, team=str(personas.team.public_id)).json()
    journeys, _ = values(noord_only, "trajectories")
    assert journeys["Afgesloten in de periode"] == ["×"]
    reasons, total = values(noord_only, "end_reasons")
    assert 6 not in reasons["Doel bereikt"] and 6 not in total
    # Nothing in the city-wide export gives a 3 next to Zuid.
    assert "3" not in json.dumps(table(data, "teams")["rows"][1]["values"][:4])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"periode": "2999"}, "Deze periode ligt in de toekomst: er zijn nog geen cijfers."),
        ({"periode": "volgend jaar"}, "Dit is geen periode: gebruik bijvoorbeeld 2026, 2026-K3 of 2026-09."),
        ({"periode": "2026-13"}, "Dit is geen periode"),
        ({"team": "00000000-0000-0000-0000-000000000009"}, "Dit team bestaat niet."),
        ({"team": "WIJ Noord"}, "Dit team bestaat niet."),
        ({"product": "alles"}, "Dit product bestaat niet."),
    ],
)
def test_a_bad_question_gets_a_message_not_a_zero(client, personas, token, query, message):
    client.force_login(personas.analyst)
    response = client.get(reverse("reporting:dashboard"), query)
    assert response.status_code == 400
    assert message in response.text and "Voor deze vraag worden geen cijfers getoond." in response.text
    assert 'id="table-' not in response.text
    assert client.get(reverse("reporting:export_csv"), query).status_code == 400
    body = api(client, token, **query)
    assert body.status_code == 400 and message in json.dumps(body.json(), ensure_ascii=False)


def test_the_api_needs_a_valid_unrevoked_token(client, personas, token):
    assert client.get(reverse("reporting:api")).status_code == 403
    assert api(client, "geraden-token").status_code == 403
    response = api(client, token)
    assert response.status_code == 200
    assert ApiClient.objects.get().last_used_at is not None
    ApiClient.objects.get().revoke()
    refused = api(client, token)
    assert refused.status_code == 403
    assert "Geen geldig token" in refused.json()["error"]
    # A logged-in municipal analyst gets no JSON through the session either.
    client.force_login(personas.analyst)
    assert client.get(reverse("reporting:api")).status_code == 403


def test_the_beheerder_makes_and_revokes_tokens_in_the_admin(client, personas):
    client.force_login(personas.administrator)
    response = client.post(reverse("admin:reporting_apiclient_add"), {"name": "BI-team"}, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    token = next(m for m in shown if "BI-team" in m).rsplit(": ", 1)[1]
    assert ApiClient.objects.for_token(token).name == "BI-team"
    assert token not in ApiClient.objects.get().token_hash
    client.post(
        reverse("admin:reporting_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [ApiClient.objects.get().pk]},
    )
    assert ApiClient.objects.for_token(token) is None


def test_the_filters_update_in_place_and_plain_links_work(client, personas, september):
    build_small_team(personas, september)
    client.force_login(personas.analyst)
    partial = client.get(reverse("reporting:dashboard"), {"periode": september[2]}, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.text.lstrip().startswith('<div id="figures"') and "<html" not in partial.text
    assert "<svg" in partial.text and "<script" not in partial.text
    whole = client.get(reverse("reporting:dashboard"), {"periode": september[2]})
    assert "<html" in whole.text and 'value="' + september[2] + '" selected' in whole.text


def test_the_default_period_is_this_year(client, personas):
    page = _dashboard(client, personas)
    assert str(timezone.localdate().year) in page


CANARIES = ["Gezin Kanarie", "0611122233", "9999 ZZ", "Kanariekind", "kanarievraag", "Islamitisch-kanarie"]


def test_the_municipality_reaches_nothing_personal_on_any_url(client, personas, september):
    """Every URL of the URLconf, as the gemeente user, with a family full of canaries."""
    from basisjeugdhulp.accounts.access import TOKEN, rule_for
    from tests.test_access import OBJECT_PAGES
    from tests.urlconf import SAMPLES, all_urls

    journey = factories.trajectory(
        personas.team, family_label=CANARIES[0], children=((CANARIES[3], 2016),), preferred_background=CANARIES[5],
    )
    Registration.objects.filter(pk=journey.registration_id).update(phone=CANARIES[1], postcode=CANARIES[2], question=CANARIES[4])
    factories.plan_photo(personas.team, trajectory_=journey)
    build_small_team(personas, september)
    client.force_login(personas.analyst)
    reached = []
    for name, path in all_urls():
        if name == "logout" or rule_for(name) == TOKEN:
            continue
        if SAMPLES["uuid"] in path:
            if name not in OBJECT_PAGES:
                continue
            path = reverse(name, kwargs={"public_id": OBJECT_PAGES[name](personas.team).public_id})
        response = client.get(path)
        if name.startswith("admin:"):
            assert response.status_code in (302, 403, 404), (path, response.status_code)
            continue
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if path.endswith(".xlsx") and response.status_code == 200:
            workbook = load_workbook(io.BytesIO(body))
            body = repr([list(r) for r in workbook.active.iter_rows(values_only=True)]).encode()
        for canary in CANARIES:
            assert canary.encode() not in body, (path, canary)
        if response.status_code == 200:
            reached.append(name)
    assert sorted(reached) == ["password_change", "password_change_done", "reporting:dashboard", "reporting:export_csv", "reporting:export_xlsx"]


def test_a_change_in_the_register_shows_in_the_next_figures(client, personas, september, token):
    """The monthly facts are counted again for the months a change touches."""
    first = september[0]
    build_small_team(personas, september)
    code = september[2]
    before = values(api(client, token, periode=code).json(), "teams")[1][3]
    assert before == 9
    running = factories.trajectory(personas.team, received_on=first - timedelta(days=40))
    Trajectory.objects.filter(pk=running.pk).update(started_on=first - timedelta(days=30))
    running.refresh_from_db()
    running.close(first + timedelta(days=10), "moved", Decimal("1.5"))  # through the model: signals
    after = api(client, token, periode=code).json()
    assert values(after, "teams")[1][3] == 10
    assert values(after, "end_reasons")[0]["Verhuisd"] == ["<5"]


def test_the_nightly_rebuild_counts_every_month_again(client, personas, september, token):
    from django.core.management import call_command

    build_small_team(personas, september)
    api(client, token, periode=september[2])
    # A bulk update bypasses the signals: the nightly rebuild picks it up.
    Trajectory.objects.filter(registration__team=personas.other_team).update(end_reason="moved")
    out = io.StringIO()
    call_command("rebuild_figures", stdout=out)
    assert "month(s)" in out.getvalue()
    reasons = values(api(client, token, periode=september[2]).json(), "end_reasons")[0]
    assert reasons["Verhuisd"] == ["<5"]


def test_the_running_month_is_counted_again_at_most_every_ten_minutes(client, personas):
    """At country scale counting the running month costs up to a second; a dashboard that did
    so after every aanmelding held up everyone's pages (bench/load.py)."""
    from basisjeugdhulp.reporting import monthly
    from basisjeugdhulp.reporting.models import FigureMonth

    today = timezone.localdate()
    client.force_login(personas.analyst)
    received_now = lambda: sum(  # noqa: E731
        row.n for row in monthly.MonthFigure.objects.filter(month=monthly.first_of(today), measure="received")
    )
    factories.registration(personas.team, received_on=today)
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert received_now() == 1
    factories.registration(personas.team, received_on=today)
    assert FigureMonth.objects.get(month=monthly.first_of(today)).dirty
    client.get(reverse("reporting:dashboard"))
    assert received_now() == 1  # counted a moment ago: not yet again
    FigureMonth.objects.filter(month=monthly.first_of(today)).update(
        built_at=timezone.now() - monthly.RUNNING_MONTH_REFRESH - timedelta(seconds=1)
    )
    assert "elke tien minuten" in client.get(reverse("reporting:dashboard")).text
    assert received_now() == 2
