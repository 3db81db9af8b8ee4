"""The municipality's figures against a small hand-built city, small-number protection in every
form the figures leave the register, and bad questions."""

import csv
import html
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from basisjeugdhulp.intake.models import Registration, SecondCheck
from basisjeugdhulp.intake.routes import Channel
from basisjeugdhulp.reporting import disclosure, exports, figures
from basisjeugdhulp.reporting.models import ApiClient, LumpSum
from basisjeugdhulp.reporting.periods import Period
from basisjeugdhulp.teams.models import Team
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


def published(records):
    """What the municipality must see for exactly these records: their true number, perturbed
    by the sum of their secret keys (disclosure.py). Trajectories count with their aanmelding's key."""
    keys = [r.figure_key if isinstance(r, Registration) else r.registration.figure_key for r in records]
    return disclosure.perturb(len(keys), sum(keys))


def build_city(personas, september):
    """A month with bases large enough (14) that shares and averages are shown."""
    first, triage_day, _code = september
    noord = personas.team
    city = {"school": [], "crises": [], "closed": [], "approved": [], "sent_back": []}
    # 14 aanmeldingen via school, triaged to gezinsbegeleiding middel; 10 contacted on time
    # (2 working days), 4 late (8 working days).
    for n in range(14):
        case = factories.registration(noord, "awaiting_contact", received_on=triage_day, triaged_on=triage_day,
                                      product="gb_middel", channel=Channel.SCHOOL)
        case.contacted_on = add_working_days(triage_day, 2 if n < 10 else 8)
        case.status = "contacted"
        case.save()
        Trajectory.objects.filter(registration=case).update(started_on=case.contacted_on)
        city["school"].append(case)
    # 5 via the GP, all crises.
    for _n in range(5):
        case = factories.registration(noord, "new", received_on=triage_day, channel=Channel.GP)
        case.end_as_crisis(personas.triagist, triage_day)
        case.save()
        city["crises"].append(case)
    # 14 trajectories that started three months earlier and closed on the 2nd: 2.5 hours a week.
    ended = first + timedelta(days=1)
    started = ended - timedelta(days=91)
    for _n in range(14):
        case = factories.registration(noord, "closed", received_on=started, triaged_on=started, product="ib_zwaar")
        Trajectory.objects.filter(registration=case).update(
            started_on=started, ended_on=ended, hours_per_week=Decimal("2.5"), end_reason="goal"
        )
        city["closed"].append(case)
    # 5 proposals for specialist care in the month, approved; 2 rejected and sent back.
    for n in range(7):
        case = factories.registration(noord, "second_check", received_on=triage_day, channel=Channel.VEILIG_THUIS)
        SecondCheck.objects.filter(registration=case).update(
            proposed_at=timezone.make_aware(timezone.datetime.combine(triage_day, timezone.datetime.min.time())),
            approved=n < 5, decided_at=timezone.now(),
        )
        if n >= 5:
            Registration.objects.filter(pk=case.pk).update(route="basic", status="new")
        city["approved" if n < 5 else "sent_back"].append(case)
    for cases in city.values():
        for case in cases:
            case.refresh_from_db()
    return started, ended, city


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
    started, ended, city = build_city(personas, september)
    school, crises, closed, approved, sent_back = (city[k] for k in ("school", "crises", "closed", "approved", "sent_back"))
    LumpSum.objects.create(year=ended.year, budget=Decimal("100000"), hourly_cost=Decimal("100"))
    response = api(client, token, periode=september[2])
    assert response.status_code == 200
    data = response.json()
    month = school + crises + approved + sent_back  # everything received and triaged in the month

    channels, total = values(data, "channels")
    assert channels["School"] == [published(school)]
    assert channels["Huisarts / POH-jeugd (ZorgDomein)"] == [published(crises)]
    assert channels["Veilig Thuis"] == [published(approved + sent_back)]
    assert channels["Zelfmelding bij de WIJ-entree"] == [0]
    assert total == [published(month)]  # counted from the families, not as a sum of the rows

    triage, total = values(data, "triage")
    assert triage["Gezinsbegeleiding middel"] == [published(school)]
    assert triage["Crisis"] == [published(crises)]
    assert triage["Specialistische jeugdhulp"] == [published(approved)]
    assert triage["Teruggestuurd door de tweede lezer, product nog te kiezen"] == [published(sent_back)]
    assert triage["Individuele begeleiding zwaar"] == [0]  # triaged three months earlier
    assert total == [published(month)]  # every decision once, the sent-back families included

    contact, _ = values(data, "contact")
    due, on_time = published(school), published(school[:10])
    assert contact["Deadlines in de periode"] == [due]
    assert contact["Eerste contact binnen vijf werkdagen"] == [on_time]
    # The share rests on the published numbers: share × base gives back only what is shown.
    assert contact["Aandeel op tijd"] == [float(disclosure.rounded(Decimal(100) * min(on_time, due) / due))]
    assert contact["Mediaan werkdagen tot eerste contact"] == [2.0]

    journeys, _ = values(data, "trajectories")
    # The same 14 families: started, still active, and their triage row show one number.
    assert journeys["Actief aan het eind van de periode"] == [published(school)]
    assert journeys["Gestart in de periode"] == [published(school)]
    assert journeys["Afgesloten in de periode"] == [published(closed)]

    reasons, total = values(data, "end_reasons")
    assert reasons["Doel bereikt"] == [published(closed)] and total == [published(closed)]

    products, _ = values(data, "products")
    assert products["Individuele begeleiding zwaar"] == [published(closed), 2.5, 13.0]  # 91 days = 13 weeks
    assert products["Gezinsbegeleiding middel"] == [0, None, None]

    checks, _ = values(data, "second_check")
    assert checks["Voorgesteld"] == [published(approved + sent_back)]
    assert checks["Goedgekeurd"] == [published(approved)]
    assert checks["Afgewezen (terug naar basisjeugdhulp)"] == [published(sent_back)]

    signals, _ = values(data, "signals")
    assert signals["Crises doorgezet naar Spoed voor Jeugd"] == [published(crises)]
    assert signals["Heraanmeldingen binnen 12 maanden"] == [0]

    teams, total = values(data, "teams")
    noord = [published(month), published(month), published(school), published(closed)]
    assert teams["WIJ Noord"] == noord + [2, 1]  # alice and carol HBO, bob MBO: staff, exact
    assert teams["WIJ Zuid"] == [0, 0, 0, 0, 1, 0]
    assert total == noord + [3, 1]

    assert data["protection"]["method"] == "cell-key"
    assert data["protection"]["max_deviation"] == disclosure.MAX_DEVIATION == 4

    # The page shows the same, and the lump sum: 14 × 2.5 h/week over the days inside the year
    # (the 14 running ones have no closed trajectory of their product to estimate from).
    page = _dashboard(client, personas, periode=september[2])
    days_in_year = (ended - max(started, date(ended.year, 1, 1))).days + 1
    expected_hours = 14 * 2.5 * days_in_year / 7
    assert f"{round(expected_hours):,}".replace(",", ".") in page
    assert "Actief aan het eind van de periode" in page
    assert "elk getal kan tot 4 verschillen van de registratie" in page


def _dashboard(client, personas, **query):
    client.force_login(personas.analyst)
    response = client.get(reverse("reporting:dashboard"), query)
    assert response.status_code == 200, response.status_code
    return response.text


def build_small_team(personas, september):
    """WIJ Zuid closed 3 trajectories in the month, WIJ Noord 6."""
    first, _triage_day, _code = september
    closed = {}
    for team, n in ((personas.other_team, 3), (personas.team, 6)):
        closed[team.name] = []
        for _i in range(n):
            case = factories.registration(team, "closed", received_on=first - timedelta(days=60))
            Trajectory.objects.filter(registration=case).update(
                started_on=first - timedelta(days=50), ended_on=first + timedelta(days=3), end_reason="goal",
            )
            closed[team.name].append(case)
    return closed


def page_cells(page, table_key):
    """{row label: [cell text]} of one table on the dashboard page."""
    section = page[page.index(f'id="table-{table_key}"'):]
    section = section[: section.index("</section>")]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", section, re.S):
        rows[html.unescape(row[0])] = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)]
    return rows


def as_text(value):
    """A JSON value as the page writes it (Dutch decimals, grouping, the withheld mark)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


def test_a_small_count_never_shows_as_itself_and_is_the_same_cell_everywhere(client, personas, september, token):
    closed = build_small_team(personas, september)
    code = september[2]
    zuid, noord = closed["WIJ Zuid"], closed["WIJ Noord"]

    data = api(client, token, periode=code).json()
    teams, total = values(data, "teams")
    assert teams["WIJ Zuid"][3] == published(zuid) and teams["WIJ Zuid"][3] not in (1, 2, 3, 4)
    assert teams["WIJ Noord"][3] == published(noord)
    assert total[3] == published(zuid + noord)

    # Through the team filter: the same families, the same number, in every table they are in.
    zuid_only = api(client, token, periode=code, team=str(personas.other_team.public_id)).json()
    journeys, _ = values(zuid_only, "trajectories")
    assert journeys["Afgesloten in de periode"] == [published(zuid)]
    reasons, total = values(zuid_only, "end_reasons")
    assert reasons["Doel bereikt"] == [published(zuid)] and total == [published(zuid)]
    _products, products_total = values(zuid_only, "products")
    assert products_total[0] == published(zuid)

    # The page, the CSV and the Excel file carry exactly the JSON's values, cell by cell.
    page = _dashboard(client, personas, periode=code)
    exported = client.get(reverse("reporting:export_csv"), {"periode": code})
    assert exported["Content-Disposition"] == f'attachment; filename="basisjeugdhulp-cijfers-{code}.csv"'
    csv_rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    workbook = load_workbook(io.BytesIO(client.get(reverse("reporting:export_xlsx"), {"periode": code}).content))
    xlsx_rows = list(workbook[code].iter_rows(values_only=True))
    cells = 0
    for found in data["tables"]:
        # The trend is a chart on the page (its values in the bars' titles), a table in the exports.
        on_page = page_cells(page, found["key"]) if found["key"] != "trend" else None
        lines = [*found["rows"], *([{"label": "Totaal", "values": found["total"]}] if found["total"] else [])]
        for line in lines:
            label = line["label"]
            if on_page is not None:
                assert on_page[label] == [as_text(v) for v in line["values"]], (found["key"], label)
            for column, value in zip(found["columns"], line["values"]):
                expected = "" if value is None else str(value)
                assert [r[3] for r in csv_rows if r[:3] == [found["title"], label, column]] == [expected]
                assert [r[3] for r in xlsx_rows if list(r[:3]) == [found["title"], label, column]] == [value]
                cells += 1
    assert cells > 50
    sentence = data["protection"]["note"]
    assert "Om gezinnen te beschermen" in sentence
    assert any(sentence in row for row in csv_rows) and any(sentence in row for row in xlsx_rows)


def test_no_form_of_the_figures_shows_a_count_of_one_to_four(client, personas, september, token):
    build_small_team(personas, september)
    for query in ({"periode": september[2]}, {"periode": september[2], "team": str(personas.other_team.public_id)},
                  {"periode": str(september[0].year)}):
        data = api(client, token, **query).json()
        for found in data["tables"]:
            columns = range(len(found["columns"]))
            if found["key"] == "teams":
                columns = range(4)  # the professionals are staff, counted exactly
            for line in [*(r["values"] for r in found["rows"]), *([found["total"]] if found["total"] else [])]:
                for index in columns:
                    value = line[index]
                    if isinstance(value, int):
                        assert value == 0 or value >= disclosure.SMALLEST_SHOWN, (found["key"], query)


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
    closed = build_small_team(personas, september)
    code = september[2]
    before = values(api(client, token, periode=code).json(), "teams")[1][3]
    assert before == published(closed["WIJ Zuid"] + closed["WIJ Noord"])
    running = factories.trajectory(personas.team, received_on=first - timedelta(days=40))
    Trajectory.objects.filter(pk=running.pk).update(started_on=first - timedelta(days=30))
    running.refresh_from_db()
    running.close(first + timedelta(days=10), "moved", Decimal("1.5"))  # through the model
    after = api(client, token, periode=code).json()
    assert values(after, "teams")[1][3] == published(closed["WIJ Zuid"] + closed["WIJ Noord"] + [running])
    assert values(after, "end_reasons")[0]["Verhuisd"] == [published([running])]


def test_a_date_moved_out_of_a_month_leaves_that_month_current(client, personas, september, token):
    """Issue 19: moving a date marked only the month it moved to; the month it left kept
    counting the family until the nightly rebuild."""
    first, triage_day, code = september
    cases = [factories.registration(personas.team, received_on=triage_day) for _n in range(12)]
    channels = lambda period: values(api(client, token, periode=period).json(), "channels")[1]  # noqa: E731
    assert channels(code) == [published(cases)]
    later = months_ago(1)
    moved = cases[0]
    moved.received_on = later + timedelta(days=3)
    moved.save()
    assert channels(code) == [published(cases[1:])]
    assert channels(f"{later:%Y-%m}") == [published([moved])]
    # A bulk update (QuerySet.update) and a deletion do the same.
    Registration.objects.filter(pk=cases[1].pk).update(received_on=later + timedelta(days=4))
    cases[2].delete()
    assert channels(code) == [published(cases[3:])]
    assert channels(f"{later:%Y-%m}") == [published([moved, Registration.objects.get(pk=cases[1].pk)])]


def test_a_re_match_is_counted_in_its_month(client, personas, token, settings):
    """The re-match ends the old match with QuerySet.update (no signal): still counted."""
    settings.FIGURES_RUNNING_MONTH_DELAY = 0  # the running month, without its documented delay
    from matching import assignment
    from matching.models import Professional

    journey = factories.trajectory(personas.team)
    assignment.assign(journey, journey.lead, personas.triagist)
    # A key with which one re-match shows (as 5): with most keys a count of 1 shows as 0.
    Registration._base_manager.filter(pk=journey.registration_id).update(figure_key=disclosure.KEY_RANGE - 1)
    journey.registration.refresh_from_db()
    assert published([journey]) == disclosure.SMALLEST_SHOWN
    other = Professional.objects.filter(team=personas.team).exclude(pk=journey.lead_id).first()
    def rematches():
        return next(row["values"] for row in table(api(client, token).json(), "signals")["rows"] if row["key"] == "rematched")

    assert rematches() == [0]
    assignment.rematch(journey, other, personas.triagist, reason="geen_klik")
    assert rematches() == [published([journey])]


def test_families_that_needed_an_interpreter_are_counted(client, personas, token, settings):
    """Issue 23: nobody in the team spoke the family's language when it was matched."""
    settings.FIGURES_RUNNING_MONTH_DELAY = 0
    from matching import assignment

    journey = factories.trajectory(personas.team, state="awaiting_contact", preferred_language="ti")
    lead, journey.lead = journey.lead, None
    journey.save()
    Registration._base_manager.filter(pk=journey.registration_id).update(figure_key=disclosure.KEY_RANGE - 1)
    journey.registration.refresh_from_db()

    def interpreters():
        return next(row["values"] for row in table(api(client, token).json(), "signals")["rows"] if row["key"] == "interpreter")

    assert interpreters() == [0]
    assignment.assign(journey, lead, personas.triagist, interpreter_needed=True)
    assert interpreters() == [published([journey])] and published([journey]) > 0


def test_a_month_counted_before_it_ended_is_counted_again(client, personas, token):
    """Issue 19: November counted on the 20th showed 9 deadlines; on 3 December the register
    had 36. A month is current only when it was counted after its last day."""
    from basisjeugdhulp.reporting import monthly
    from basisjeugdhulp.reporting.models import FigureMonth

    month = months_ago(1)
    halfway = month + timedelta(days=14)
    early = [factories.registration(personas.team, "awaiting_contact", received_on=month, triaged_on=month) for _n in range(9)]
    late = [factories.registration(personas.team, "awaiting_contact", received_on=halfway, triaged_on=halfway) for _n in range(27)]
    monthly.build(month, halfway, force=True)  # counted halfway: only the deadlines until then
    assert FigureMonth.objects.get(month=month).built_on == halfway
    in_month = [c for c in early + late if c.contact_due <= monthly.month_end(month.year, month.month)]
    assert len([c for c in in_month if c.contact_due <= halfway]) < len(in_month)
    contact = values(api(client, token, periode=f"{month:%Y-%m}").json(), "contact")[0]
    assert contact["Deadlines in de periode"] == [published(in_month)]


def test_the_nightly_rebuild_counts_every_month_again(client, personas, september, token):
    from django.core.management import call_command
    from django.db import connection

    closed = build_small_team(personas, september)
    api(client, token, periode=september[2])
    # Raw SQL passes the ORM by: the nightly rebuild picks it up.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE trajectories_trajectory SET end_reason = 'moved' WHERE id = ANY(%s)",
                       [[c.trajectory.pk for c in closed["WIJ Zuid"]]])
    out = io.StringIO()
    call_command("rebuild_figures", stdout=out)
    assert "month(s)" in out.getvalue()
    reasons = values(api(client, token, periode=september[2]).json(), "end_reasons")[0]
    assert reasons["Verhuisd"] == [published(closed["WIJ Zuid"])]


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_a_month_is_counted_is_not_lost(personas):
    """A dashboard counts a month on one connection while a triagist registers a family on
    another and commits before the count is done: the month is counted again, not left at the
    count that missed the family."""
    import threading

    from django.db import connection

    from basisjeugdhulp.reporting import monthly

    today = timezone.localdate()
    month = months_ago(1)
    factories.registration(personas.team, received_on=month)
    counted, go_on = threading.Event(), threading.Event()
    real_facts_for = monthly.facts_for

    def slow_facts_for(month_, today_):
        facts = real_facts_for(month_, today_)
        counted.set()
        go_on.wait(10)
        return facts

    def dashboard():
        try:
            monthly.build(month, today, force=True)
        finally:
            connection.close()

    monthly.facts_for = slow_facts_for
    try:
        worker = threading.Thread(target=dashboard)
        worker.start()
        assert counted.wait(10)
        factories.registration(personas.team, received_on=month + timedelta(days=1))  # commits now
        go_on.set()
        worker.join(10)
    finally:
        monthly.facts_for = real_facts_for
    assert not worker.is_alive()
    received = lambda: sum(f.n for f in monthly.MonthFigure.objects.filter(month=month, measure="received"))  # noqa: E731
    assert received() == 1  # the count that missed the family
    assert monthly.ensure(month, month, today) == 1  # so the month is counted again
    assert received() == 2


def test_the_running_month_is_counted_again_at_most_every_ten_minutes(client, personas):
    """At country scale counting the running month costs up to a second; a dashboard that did
    so after every aanmelding held up everyone's pages (bench/load.py)."""
    from basisjeugdhulp.reporting import monthly
    from basisjeugdhulp.reporting.models import FigureChange, FigureMonth

    today = timezone.localdate()
    client.force_login(personas.analyst)
    received_now = lambda: sum(  # noqa: E731
        row.n for row in monthly.MonthFigure.objects.filter(month=monthly.first_of(today), measure="received")
    )
    factories.registration(personas.team, received_on=today)
    assert client.get(reverse("reporting:dashboard")).status_code == 200
    assert received_now() == 1
    factories.registration(personas.team, received_on=today)
    assert FigureChange.objects.filter(month=monthly.first_of(today)).exists()
    client.get(reverse("reporting:dashboard"))
    assert received_now() == 1  # counted a moment ago: not yet again
    FigureMonth.objects.filter(month=monthly.first_of(today)).update(
        built_at=timezone.now() - monthly.running_month_refresh() - timedelta(seconds=1)
    )
    assert "elke tien minuten" in client.get(reverse("reporting:dashboard")).text
    assert received_now() == 2


def test_hours_resting_on_a_few_families_are_not_shown(client, personas):
    """The lump sum's line gives each month's hours as the difference of two points: a month
    whose help rests on a few families would give their hours away."""
    LumpSum.objects.create(year=timezone.localdate().year, budget=Decimal("100000"), hourly_cost=Decimal("100"))
    journey = factories.trajectory(personas.team, received_on=timezone.localdate() - timedelta(days=3))
    journey.close(timezone.localdate(), "goal", Decimal("7.5"))
    page = _dashboard(client, personas)
    lump = page[page.index('id="lump-sum"'):]
    assert "Te weinig trajecten dit jaar om hun uren te tonen" in lump
    assert 'class="chart' not in lump[: lump.index("</section>")]


def test_sums_over_the_facts_are_kept_until_the_facts_change(personas, settings):
    """figures.Facts keeps its sums under the facts' version: the same question asks the facts
    nothing again, and after a change every published figure equals a recount from scratch."""
    settings.FIGURES_RUNNING_MONTH_DELAY = 0  # the running month counted again at once
    today = timezone.localdate()
    for days_back in (3, 40, 70):
        factories.registration(personas.team, "awaiting_contact", received_on=today - timedelta(days=days_back))
    scope = figures.Scope(Period.parse(str(today.year)))
    published = lambda: exports.as_json(scope, figures.report(scope, today))  # noqa: E731
    first = published()
    with CaptureQueriesContext(connection) as captured:
        assert published() == first
    assert not [q for q in captured if "reporting_monthfigure" in q["sql"]]

    for _ in range(12):  # enough new families that the published count moves
        factories.registration(personas.team, "new", received_on=today)
    after = published()
    cache.clear()
    assert after == published(), "kept sums older than the facts"
    received = lambda figures_: next(t for t in figures_["tables"] if t["key"] == "channels")  # noqa: E731
    assert received(after) != received(first)


def test_the_kept_filter_follows_the_teams_the_language_and_the_question(client, personas):
    """The filter's HTML is kept drawn (templates/reporting/dashboard.html): a team renamed or
    added shows at once, in the language of the one asking, with the choice made selected."""

    def team_options(page):
        select = re.search(r'<select name="team".*?</select>', page, re.S).group(0)
        return re.findall(r"<option[^>]*>([^<]*)</option>", select)

    before = team_options(_dashboard(client, personas))
    personas.team.name = "WIJ Noord-Oost"
    personas.team.save()
    Team.objects.create(name="WIJ Centrum")
    after = team_options(_dashboard(client, personas))
    assert "WIJ Noord-Oost" in after and "WIJ Centrum" in after and "WIJ Noord-Oost" not in before
    assert len(after) == len(before) + 1
    chosen = _dashboard(client, personas, team=str(personas.team.public_id))
    assert re.search(rf'value="{personas.team.public_id}" selected>WIJ Noord-Oost', chosen)
    client.cookies["django_language"] = "en"
    english = _dashboard(client, personas)
    assert team_options(english)[0] == "All teams" and before[0] == "Alle teams"
