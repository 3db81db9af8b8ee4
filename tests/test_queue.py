"""The triagist's five-working-day queue."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.intake import queue
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.intake.routes import Product
from basisjeugdhulp.trajectories.models import Trajectory
from basisjeugdhulp.workdays import add_working_days, working_days_between
from matching.models import Professional
from tests import factories

User = get_user_model()


def section(html, key):
    match = re.search(rf'<section class="card queue-section" id="section-{key}".*?</section>', html, re.S)
    return match.group(0)


def case_due(team, due, **fields):
    """An aanmelding awaiting contact with its deadline on the given day."""
    case = factories.registration(team, "awaiting_contact", **fields)
    case.contact_due = due
    case.save(update_fields=["contact_due"])
    return case


def test_cases_fall_in_the_right_section_with_the_days_in_words(client, personas):
    today = timezone.localdate()
    late = case_due(personas.team, add_working_days(today - timedelta(days=14), 0), family_label="Gezin Laat")
    case_due(personas.team, today, family_label="Gezin Vandaag")
    case_due(personas.team, add_working_days(today, 2), family_label="Gezin Straks")
    case_due(personas.team, add_working_days(today, 4), family_label="Gezin Later")
    factories.registration(personas.team, family_label="Gezin Nieuw")
    factories.registration(personas.other_team, "awaiting_contact", family_label="Gezin Elders")

    client.force_login(personas.triagist)
    html = client.get(reverse("intake:queue")).text
    assert "Gezin Laat" in section(html, "overdue")
    days_late = -working_days_between(today, late.contact_due)
    assert f"{days_late} werkdag{'en' if days_late > 1 else ''} te laat" in section(html, "overdue")
    assert "Gezin Vandaag" in section(html, "today") and "vandaag" in section(html, "today")
    assert "Gezin Straks" in section(html, "soon") and "nog 2 werkdagen" in section(html, "soon")
    assert "Gezin Later" in section(html, "later")
    assert "Gezin Nieuw" in section(html, "triage")
    assert "Gezin Elders" not in html  # another team's family
    assert "1 gezin wacht langer dan vijf werkdagen" in html


def test_the_last_week_names_the_families_contacted_late_and_counts_the_others(client, personas):
    today = timezone.localdate()
    factories.registration(personas.team, "contacted", family_label="Gezin Op Tijd")
    late = factories.registration(personas.team, "contacted", family_label="Gezin Te Laat")
    late.contact_due = add_working_days(today - timedelta(days=6), 0)
    late.contacted_on = add_working_days(late.contact_due, 2)
    late.save()
    long_ago = factories.registration(personas.team, "contacted", family_label="Gezin Vorige Maand")
    long_ago.contacted_on = today - timedelta(days=30)
    long_ago.save()

    client.force_login(personas.triagist)
    contacted = section(client.get(reverse("intake:queue")).text, "contacted")
    assert "Gezin Te Laat" in contacted and "contact 2 werkdagen te laat" in contacted
    assert "Gezin Op Tijd" not in contacted
    assert "1 gezin kreeg op tijd contact in de afgelopen week" in contacted
    assert "Gezin Vorige Maand" not in contacted


def test_the_query_count_does_not_grow_with_the_cases(client, personas):
    client.force_login(personas.triagist)
    today = timezone.localdate()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("intake:queue")).status_code == 200
        return len(captured)

    queries()  # the first request of a session also records when it was last used
    case_due(personas.team, today)
    factories.registration(personas.team)
    factories.registration(personas.team, "contacted")
    few = queries()
    for offset in range(-5, 10):
        case_due(personas.team, today + timedelta(days=offset))
        factories.registration(personas.team, "contacted")
        factories.registration(personas.team, "second_check", by=personas.triagist)
    assert queries() == few


def test_filtering_by_product_updates_the_queue_in_place(client, personas):
    today = timezone.localdate()
    case_due(personas.team, today, family_label="Gezin Individueel", product="ib_middel")
    case_due(personas.team, today, family_label="Gezin Gezin", product="gb_zwaar")
    client.force_login(personas.triagist)
    partial = client.get(reverse("intake:queue"), {"product": "ib_middel"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.text and partial.text.lstrip().startswith('<div id="queue">')
    assert "Gezin Individueel" in partial.text and "Gezin Gezin" not in partial.text
    # Without JavaScript the same link gives the whole page, filtered.
    page = client.get(reverse("intake:queue"), {"product": "ib_middel"})
    assert "<html" in page.text and "Gezin Gezin" not in page.text
    assert "<noscript>" in page.text


def test_the_team_filter_appears_only_for_more_than_one_team(client, personas):
    client.force_login(personas.triagist)
    assert 'name="team"' not in client.get(reverse("intake:queue")).text


def test_a_professional_sees_the_teams_families_awaiting_contact(client, personas):
    case_due(personas.team, timezone.localdate(), family_label="Gezin Wacht")
    client.force_login(personas.professional)
    start = client.get(reverse("trajectories:mine")).text
    assert "Gezin Wacht" not in start and reverse("trajectories:waiting") in start  # behind a link
    assert "Gezin Wacht" in client.get(reverse("trajectories:waiting")).text
    assert "Gezin Wacht" in client.get(reverse("trajectories:waiting"), headers={"HX-Request": "true"}).text
    client.force_login(personas.outsider)
    assert "Gezin Wacht" not in client.get(reverse("trajectories:waiting")).text


def test_contacted_and_closed_cases_leave_the_waiting_sections(client, personas):
    factories.registration(personas.team, "contacted", family_label="Gezin Klaar")
    client.force_login(personas.triagist)
    html = client.get(reverse("intake:queue")).text
    for key in ("overdue", "today", "soon", "later", "triage"):
        assert "Gezin Klaar" not in section(html, key)


def test_a_closure_day_counts_in_the_queue_at_once(client, personas):
    """Closure days are kept per process (config_cache.py); saving one clears the copy."""
    from basisjeugdhulp.intake.models import ClosureDay

    today = timezone.localdate()
    case = case_due(personas.team, add_working_days(today, 4), family_label="Gezin Later")
    client.force_login(personas.triagist)
    assert "nog 4 werkdagen" in section(client.get(reverse("intake:queue")).text, "later")
    closed = ClosureDay.objects.create(date=add_working_days(today, 1), description="Teamdag")
    later = section(client.get(reverse("intake:queue")).text, "later")
    case.refresh_from_db()
    left = working_days_between(today, case.contact_due, {closed.date})
    assert left != working_days_between(today, case.contact_due)  # the closure day lies between
    assert f"nog {left} werkdagen" in later


def test_the_queue_says_where_each_family_is(client, personas):
    """Issue 22: a family proposed for specialist care waits for the tweede lezing, not for
    triage; one triaged but not matched says it has no professional yet."""
    factories.registration(personas.team, family_label="Gezin Nieuw")
    factories.registration(personas.team, "second_check", by=personas.triagist, family_label="Gezin Lezing")
    factories.registration(personas.team, "awaiting_contact", family_label="Gezin Ongekoppeld")
    factories.trajectory(personas.team, state="awaiting_contact", family_label="Gezin Gekoppeld")
    client.force_login(personas.triagist)
    html = client.get(reverse("intake:queue")).text
    assert "Gezin Nieuw" in section(html, "triage") and "Gezin Lezing" not in section(html, "triage")
    assert "Gezin Lezing" in section(html, "second-check")
    assert "Wacht op de tweede lezing" in html
    rows = {name: row for row in re.findall(r'<li>.*?</li>', html, re.S) for name in re.findall(r"Gezin \w+", row)}
    assert "Nog geen professional" in rows["Gezin Ongekoppeld"]
    assert "Nog geen professional" not in rows["Gezin Gekoppeld"]


def test_the_queues_rows_written_in_sql_are_the_rows_the_access_rule_gives(personas):
    """The queue reads its rows with SQL written out on PostgreSQL (queue.cases_sql); they must
    be exactly the rows of the ORM's query through Registration.objects.visible_to (cases_orm),
    with the same count of the week's contacts on time, for every role, team filter (the own
    team, another team, none), product and week."""
    if connection.vendor != "postgresql":
        pytest.skip("the written-out rows are PostgreSQL's")
    today = timezone.localdate()
    lead = Professional.objects.get(user=personas.professional)
    for team in (personas.team, personas.other_team):
        for state in ("new", "awaiting_contact", "contacted", "second_check", "referred", "closed"):
            for product in (Product.FAMILY_MEDIUM, Product.INDIVIDUAL_MEDIUM):
                factories.registration(team, state, product=product, received_on=today - timedelta(days=3))
        factories.registration(team, "contacted", received_on=today - timedelta(days=30))  # outside the week
        late = factories.registration(team, "contacted", family_label="Gezin Te Laat", received_on=today - timedelta(days=3))
        Registration.objects.filter(pk=late.pk).update(contact_due=today - timedelta(days=5))
        undated = factories.registration(team, "contacted", received_on=today - timedelta(days=3))
        Registration.objects.filter(pk=undated.pk).update(contact_due=None)  # counted as on time
        matched = factories.registration(team, "awaiting_contact", family_label="Gezin Gematcht")
        Trajectory.objects.filter(registration=matched).update(lead=lead)
        gone = factories.registration(team, "awaiting_contact", family_label="Gezin Vernietigd")
        Registration.objects.filter(pk=gone.pk).update(destroyed_at=timezone.now())
    shown = set()
    everyone = (personas.triagist, personas.professional, personas.second_reader, personas.analyst,
                personas.administrator, personas.outsider)
    for persona in everyone:
        for team in (None, personas.team, personas.other_team):
            for product in ("", Product.INDIVIDUAL_MEDIUM):
                for since in (None, today - timedelta(days=queue.RECENT_DAYS)):
                    asked = {"team": team, "product": product, "since": since}
                    # A fresh user each time: their teams are remembered on the object.
                    orm, orm_on_time = queue.cases_orm(User.objects.get(pk=persona.pk), **asked)
                    sql, sql_on_time = queue.cases_sql(User.objects.get(pk=persona.pk), **asked)
                    assert sorted(sql, key=lambda row: row["pk"]) == sorted(orm, key=lambda row: row["pk"]), (persona, asked)
                    assert sql_on_time == orm_on_time, (persona, asked)
                    shown |= {(row["family_label"], row["status"], row["trajectory__lead"]) for row in sql}
    labels = {label for label, _status, _lead in shown}
    assert "Gezin Gematcht" in labels and "Gezin Vernietigd" not in labels
    assert {status for _label, status, _lead in shown} == {"new", "awaiting_contact", "contacted", "second_check"}
    assert lead.pk in {lead_ for _label, _status, lead_ in shown}
    assert "Gezin Te Laat" in labels
    week = today - timedelta(days=queue.RECENT_DAYS)
    # The own team's week: four contacted before their day (two since closed) and one without a day,
    # counted; one late, listed.
    rows, on_time = queue.cases_sql(User.objects.get(pk=personas.triagist.pk), since=week)
    assert on_time == 5 and [row["family_label"] for row in rows if row["status"] == "contacted"] == ["Gezin Te Laat"]
