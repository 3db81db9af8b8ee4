"""Matching in the pages: suggestions with reasons, assignment, re-match, caseload, profiles."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from basisjeugdhulp.accounts.roles import Role
from basisjeugdhulp.intake import languages
from basisjeugdhulp.intake.routes import Category
from basisjeugdhulp.trajectories.models import Trajectory
from matching import assignment
from matching.models import Absence, DuoFit, Match, MatchingWeights, Professional
from tests import factories
from tests.conftest import make_user


@pytest.fixture
def case(personas):
    return factories.registration(personas.team, "awaiting_contact", family_label="Gezin Bakker", product="gb_zwaar")


@pytest.fixture
def triagist(client, personas):
    client.force_login(personas.triagist)
    return client


def panel_url(case):
    return reverse("matching:panel", args=[case.public_id])


def assign(client, case, **data):
    return client.post(reverse("matching:assign", args=[case.public_id]), data)


def rematch(client, case, **data):
    return client.post(reverse("matching:rematch", args=[case.public_id]), data)


def suggested_names(html):
    return re.findall(r'<span class="suggestion-name">([^<]+)</span>', html)


def panel_of_the_file(client, case):
    """What htmx loads into the family file: the panel its placeholder asks for on load."""
    file = client.get(reverse("intake:registration", args=[case.public_id])).text
    placeholder = re.search(r'<section class="card" id="matching-panel"[^>]*>', file).group(0)
    assert 'hx-trigger="load"' in placeholder and suggested_names(file) == []
    url = re.search(r'hx-get="([^"]+)"', placeholder).group(1)
    assert f'<a href="{url}">Toon suggesties</a>' in file  # without JavaScript, or if loading fails
    return client.get(url, headers={"HX-Request": "true"}).text


def test_the_family_file_shows_ranked_suggestions_with_reasons_in_dutch(triagist, personas, case):
    bob = personas.professional.professional
    bob.languages, bob.expertise = ["ar"], [Category.PARENTING]
    bob.save()
    case.preferred_language = "Arabisch"
    case.save()
    page = panel_of_the_file(triagist, case)
    assert suggested_names(page)[0] == "Bob"
    assert "spreekt Arabisch" in page
    assert "ervaring met opvoeding" in page
    assert "nog 8 plekken vrij" in page
    assert "HBO past bij gezinsbegeleiding zwaar" in page  # alice and carol are HBO


def test_the_panel_updates_in_place_for_another_product(triagist, personas, case):
    response = triagist.get(panel_url(case), {"product": "ib_middel"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card" id="matching-panel"')
    assert "<html" not in response.text
    assert "MBO past bij individuele begeleiding middel" in response.text
    assert suggested_names(response.text)[0] == "Bob"  # the only MBO professional
    # Without htmx the same link gives a whole page.
    assert "<html" in triagist.get(panel_url(case), {"product": "ib_middel"}).text


def test_absent_inactive_and_full_professionals_are_not_suggested(triagist, personas, case):
    today = timezone.localdate()
    Absence.objects.create(professional=personas.professional.professional, starts_on=today, ends_on=today + timedelta(days=3))
    Professional.objects.filter(user=personas.second_reader).update(active=False)
    names = suggested_names(triagist.get(panel_url(case)).text)
    assert names == ["Alice"]
    Professional.objects.filter(user=personas.triagist).update(capacity=0)
    page = triagist.get(panel_url(case)).text
    assert suggested_names(page) == []
    assert "Alle professionals van het team zitten vol." in page  # with the way to override
    # The triagist may override capacity, never absence or activity.
    page = triagist.get(panel_url(case), {"allow_full": "on"}).text
    assert suggested_names(page) == ["Alice"]
    assert "vol: 0 van 0 gezinnen" in page


def test_assigning_makes_the_family_appear_on_the_professionals_start_page(client, triagist, personas, case):
    bob = personas.professional.professional
    response = assign(triagist, case, lead=bob.pk)
    assert response.status_code == 302
    trajectory = Trajectory.objects.get(registration=case)
    assert trajectory.lead == bob and trajectory.duo is None
    assert Match.objects.filter(trajectory=trajectory, professional=bob, ended_at=None).count() == 1
    assert "Bob is nu de vaste professional van Gezin Bakker." in triagist.get(response["Location"]).text

    client.force_login(personas.professional)
    start = client.get(reverse("trajectories:mine")).text
    assert "Gezin Bakker" in start
    client.force_login(personas.outsider)
    assert "Gezin Bakker" not in client.get(reverse("trajectories:mine")).text


def test_a_duo_is_one_hbo_and_one_mbo_professional(triagist, personas, case):
    alice, bob, carol = (u.professional for u in (personas.triagist, personas.professional, personas.second_reader))
    response = assign(triagist, case, lead=alice.pk, duo=carol.pk)
    assert response.status_code == 200
    assert "Een duo is één HBO- en één MBO-professional." in response.text
    assert Trajectory.objects.get(registration=case).lead is None
    assert assign(triagist, case, lead=alice.pk, duo=bob.pk).status_code == 302
    trajectory = Trajectory.objects.get(registration=case)
    assert (trajectory.lead, trajectory.duo) == (alice, bob)
    assert set(Trajectory.objects.of_professional(personas.professional)) == {trajectory}


@pytest.mark.parametrize("how", ["inactive", "absent", "on leave on the contact deadline", "other team", "unknown"])
def test_a_forged_post_for_a_professional_who_cannot_take_the_family_changes_nothing(triagist, personas, case, how):
    today = timezone.localdate()
    target = personas.professional.professional
    if how == "inactive":
        Professional.objects.filter(pk=target.pk).update(active=False)
    elif how == "absent":
        Absence.objects.create(professional=target, starts_on=today - timedelta(days=1), ends_on=today)
    elif how == "on leave on the contact deadline":
        Absence.objects.create(professional=target, starts_on=case.contact_due, ends_on=case.contact_due)
    elif how == "other team":
        target = personas.outsider.professional
    pk = 999_999 if how == "unknown" else target.pk
    response = assign(triagist, case, lead=pk)
    assert response.status_code == 200
    assert "Deze professional kan dit gezin niet nemen (niet actief, afwezig, met verlof op de contactdatum of ander team)." in response.text
    assert Trajectory.objects.get(registration=case).lead is None
    assert not Match.objects.exists()


def test_a_full_professional_needs_a_reason_to_be_assigned(triagist, personas, case):
    bob = personas.professional.professional
    bob.capacity = 1
    bob.save()
    other = factories.registration(personas.team, "awaiting_contact")
    Trajectory.objects.filter(registration=other).update(lead=bob)
    response = assign(triagist, case, lead=bob.pk)
    assert response.status_code == 200
    assert "Bob zit vol (1 van 1 gezinnen). Geef een reden om toch toe te wijzen." in response.text
    assert Trajectory.objects.get(registration=case).lead is None
    assert assign(triagist, case, lead=bob.pk, override_reason="Spreekt Arabisch, enige in team").status_code == 302
    match = Match.objects.get(trajectory__registration=case)
    assert match.override_reason == "Spreekt Arabisch, enige in team"


def test_rematch_needs_a_reason_and_keeps_the_history(triagist, personas, case):
    alice, bob = personas.triagist.professional, personas.professional.professional
    assign(triagist, case, lead=bob.pk)
    assert "<h3>Geschiedenis</h3>" not in panel_of_the_file(triagist, case)  # one lead: nothing to tell
    response = rematch(triagist, case, lead=alice.pk)
    assert response.status_code == 200
    assert "Geef de reden van de herkoppeling." in response.text
    assert Trajectory.objects.get(registration=case).lead == bob

    response = rematch(triagist, case, lead=alice.pk, reason="anders")
    assert "Licht de reden &#x27;anders&#x27; in een paar woorden toe." in response.text
    assert Trajectory.objects.get(registration=case).lead == bob

    response = rematch(triagist, case, lead=bob.pk, reason="geen_klik")
    assert "Kies een andere professional dan de huidige vaste professional." in response.text

    assert rematch(triagist, case, lead=alice.pk, reason="geen_klik").status_code == 302
    trajectory = Trajectory.objects.get(registration=case)
    assert trajectory.lead == alice
    history = list(trajectory.matches.order_by("assigned_at", "pk"))
    assert [(m.professional, m.end_reason, m.ended_at is None) for m in history] == [
        (bob, "geen_klik", False),
        (alice, "", True),
    ]
    assert Match.objects.rematches().count() == 1
    panel = panel_of_the_file(triagist, case)
    assert "<h3>Geschiedenis</h3>" in panel and "vervangen: geen klik" in panel


def test_a_professional_cannot_assign_or_rematch(client, personas, case):
    client.force_login(personas.professional)
    bob = personas.professional.professional
    assert assign(client, case, lead=bob.pk).status_code == 403
    assert rematch(client, case, lead=bob.pk, reason="geen_klik").status_code == 403
    assert client.get(panel_url(case)).status_code == 403
    assert Trajectory.objects.get(registration=case).lead is None


def test_a_triagist_of_another_team_cannot_match_the_family(client, personas, case):
    other = make_user("tom", Role.TRIAGIST, personas.other_team)
    client.force_login(other)
    assert client.get(panel_url(case)).status_code == 404
    assert assign(client, case, lead=other.professional.pk).status_code == 404
    assert Trajectory.objects.get(registration=case).lead is None


@pytest.mark.parametrize("name", ["matching:panel", "matching:assign", "matching:rematch", "matching:caseload", "matching:profile"])
def test_the_municipality_reaches_no_matching_page(client, personas, case, name):
    client.force_login(personas.analyst)
    args = [case.public_id] if name in ("matching:panel", "matching:assign", "matching:rematch") else []
    url = reverse(name, args=args)
    assert client.get(url).status_code == 403
    assert client.post(url, {"lead": personas.professional.professional.pk}).status_code == 403


def test_caseload_shows_each_professionals_families_against_capacity(triagist, personas, case):
    bob = personas.professional.professional
    assign(triagist, case, lead=bob.pk)
    today = timezone.localdate()
    Absence.objects.create(professional=bob, starts_on=today + timedelta(days=7), ends_on=today + timedelta(days=14))
    page = triagist.get(reverse("matching:caseload")).text
    start = page.index('<th scope="row">Bob')
    row = page[start : page.index("</tr>", start)]
    assert '<td class="number">1</td>' in row and '<td class="number">8</td>' in row
    assert "MBO" in row and "–" in row  # the coming absence
    assert "Oscar" not in page  # another team
    mix = page[page.index("HBO-professionals") : page.index("</dl>")]
    assert "<dd>2</dd>" in mix and "<dd>1</dd>" in mix


def test_a_professional_keeps_affinity_only_with_consent(client, personas):
    client.force_login(personas.professional)
    url = reverse("matching:profile")
    page = client.get(url).text
    assert "bijzonder persoonsgegeven onder de AVG" in page
    response = client.post(url, {"languages": ["ar", "tr"], "expertise": ["trauma"], "affinity": "Islamitisch"})
    assert response.status_code == 200
    assert "Geef uw toestemming, of laat de verwantschap leeg." in response.text
    bob = Professional.objects.get(user=personas.professional)
    assert bob.affinity == "" and bob.languages == []
    response = client.post(url, {"languages": ["ar"], "expertise": ["trauma"], "affinity": "Islamitisch", "affinity_consent": "on"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.languages, bob.expertise, bob.affinity) == (["ar"], ["trauma"], "Islamitisch")
    assert bob.affinity_consent_on == timezone.localdate()
    # Withdrawn: the affinity and the consent go.
    client.post(url, {"languages": ["ar"], "expertise": [], "affinity": ""})
    bob.refresh_from_db()
    assert (bob.affinity, bob.affinity_consent_on) == ("", None)


def test_affinity_is_used_only_when_the_family_asks_and_never_shown_in_the_caseload(triagist, personas, case):
    Professional.objects.filter(user=personas.professional).update(affinity="Islamitisch", affinity_consent_on=timezone.localdate())
    assert "Islamitisch" not in triagist.get(reverse("matching:caseload")).text
    page = triagist.get(panel_url(case), {"background": "islamitisch", "product": "gb_middel"}).text
    assert suggested_names(page)[0] == "Bob"
    assert "past bij de achtergrond waar het gezin om vroeg" in page


# Beheerder: profiles, absences and weights in the admin, with the bad input refused.


def admin_change(client, professional, **fields):
    data = {
        "user": professional.user_id,
        "team": professional.team_id,
        "education": professional.education,
        "active": "on",
        "capacity": professional.capacity,
        "languages": professional.languages,
        "expertise": professional.expertise,
        "absences-TOTAL_FORMS": "0",
        "absences-INITIAL_FORMS": "0",
        "absences-MIN_NUM_FORMS": "0",
        "absences-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    return client.post(reverse("admin:matching_professional_change", args=[professional.pk]), data)


def test_capacity_below_the_current_load_is_refused(client, personas, case):
    bob = personas.professional.professional
    for _ in range(2):
        Trajectory.objects.filter(lead=None).update(lead=bob)
        factories.registration(personas.team, "awaiting_contact")
    client.force_login(personas.administrator)
    response = admin_change(client, bob, capacity="1")
    assert response.status_code == 200
    assert "De capaciteit (1) is lager dan het aantal gezinnen dat deze professional nu heeft (2)." in response.text
    bob.refresh_from_db()
    assert bob.capacity == 8
    assert admin_change(client, bob, capacity="2").status_code == 302
    bob.refresh_from_db()
    assert bob.capacity == 2


def test_an_absence_that_ends_before_it_starts_is_refused(client, personas):
    bob = personas.professional.professional
    client.force_login(personas.administrator)
    response = admin_change(
        client, bob,
        **{"absences-TOTAL_FORMS": "1", "absences-0-starts_on": "2026-12-10", "absences-0-ends_on": "2026-12-01"},
    )
    assert response.status_code == 200
    assert "De afwezigheid kan niet eindigen voordat ze begint." in response.text
    assert not Absence.objects.exists()


def test_a_weight_out_of_range_is_refused_and_a_valid_one_changes_the_ranking(client, triagist, personas, case):
    weights = MatchingWeights.current()
    client.force_login(personas.administrator)
    url = reverse("admin:matching_matchingweights_change", args=[weights.pk])
    values = {f: getattr(weights, f) for f in ("expertise", "language", "preference", "education", "load", "continuity", "leave", "leave_horizon_days")}
    response = client.post(url, {**values, "education": "11"})
    assert response.status_code == 200
    assert "Zorg ervoor dat deze waarde hoogstens 10 is." in response.text
    weights.refresh_from_db()
    assert weights.education == 2

    client.force_login(personas.triagist)
    assert suggested_names(client.get(panel_url(case)).text)[-1] == "Bob"  # MBO does not fit gb_zwaar
    Professional.objects.filter(user=personas.professional).update(expertise=[Category.PARENTING])
    client.force_login(personas.administrator)
    assert client.post(url, {**values, "education": "0", "expertise": "10"}).status_code == 302
    client.force_login(personas.triagist)
    assert suggested_names(client.get(panel_url(case)).text)[0] == "Bob"


def test_every_question_category_is_an_expertise():
    from matching.models import Expertise

    assert {c for c, _ in Category.choices} <= {c for c, _ in Expertise.choices}


def test_the_choose_page_offers_every_available_professional_of_the_team(triagist, personas, case):
    Professional.objects.filter(user=personas.second_reader).update(active=False)
    page = triagist.get(reverse("matching:choose", args=[case.public_id])).text
    lead = page[page.index('name="lead"') : page.index("</select>", page.index('name="lead"'))]
    assert "Alice (HBO)" in lead and "Bob (MBO)" in lead
    assert "Carol" not in lead and "Oscar" not in lead
    assert 'name="duo"' in page
    # Once there is a lead, the same page re-matches, with a reason.
    assign(triagist, case, lead=personas.professional.professional.pk)
    page = triagist.get(reverse("matching:choose", args=[case.public_id])).text
    assert 'name="reason"' in page and 'name="duo"' not in page
    assert "Bob is nu de vaste professional." in page


# Issue 23: what a team leader reads in the panel.


def returning(personas, case, lead):
    """Make `case` a returning family whose former trajectory `lead` led."""
    former = factories.trajectory(personas.team, lead=lead, state="closed", family_label="Gezin Bakker (2025)")
    case.former_trajectory = former
    case.save()


def test_the_professional_who_knew_the_family_is_on_top_even_on_leave_with_why(triagist, personas, case):
    bob = personas.professional.professional
    returning(personas, case, bob)
    page = triagist.get(panel_url(case)).text
    assert suggested_names(page)[0] == "Bob"
    assert re.search(r'suggestion-name">Bob</span>.*?<ul class="reasons"[^>]*><li>kende het gezin al</li>', page, re.S)
    back = timezone.localdate() + timedelta(days=20)
    Absence.objects.create(professional=bob, starts_on=timezone.localdate() - timedelta(days=2), ends_on=back)
    page = triagist.get(panel_url(case)).text
    assert suggested_names(page)[0] == "Bob"  # still on top
    assert f"Met verlof tot en met {back.day} " in page
    assert "nu niet te kiezen" in page
    assert 'value="%d"' % bob.pk not in page  # no button to choose him
    Absence.objects.all().delete()
    Professional.objects.filter(pk=bob.pk).update(capacity=2)
    factories.trajectory(personas.team, lead=bob)
    factories.trajectory(personas.team, lead=bob)
    page = triagist.get(panel_url(case)).text
    assert suggested_names(page)[0] == "Bob" and "Caseload vol (2 van 2)." in page


def test_leave_ahead_is_a_warning_in_words_and_ranks_lower(triagist, personas, case):
    alice, carol = personas.triagist.professional, personas.second_reader.professional
    before = suggested_names(triagist.get(panel_url(case)).text)
    assert before[:2] == ["Alice", "Carol"]  # equal: by name
    start = case.contact_due + timedelta(days=3)
    Absence.objects.create(professional=alice, starts_on=start, ends_on=start + timedelta(days=13))
    page = triagist.get(panel_url(case)).text
    assert suggested_names(page)[:2] == ["Carol", "Alice"]
    assert f"met verlof vanaf {start.day} " in page
    # Leave on the contact deadline: not suggested at all.
    Absence.objects.create(professional=carol, starts_on=case.contact_due, ends_on=case.contact_due)
    assert "Carol" not in suggested_names(triagist.get(panel_url(case)).text)


def test_the_panel_explains_the_fit_in_words_without_a_bare_score(triagist, personas, case):
    page = triagist.get(panel_url(case)).text
    assert "score" not in page.lower()
    assert re.search(r"<meter [^>]*value=\"\d+\"[^>]*></meter> past (goed|matig)?", page)
    assert "Wat betekent 'past goed'?" in page and "60 procent of meer van het best mogelijke" in page


def test_the_family_language_in_any_spelling_and_an_interpreter_when_nobody_speaks_it(triagist, personas, case):
    case.preferred_language = languages.normalise("Tigrinja")
    case.save()
    page = triagist.get(panel_url(case)).text
    assert "Niemand in het team spreekt Tigrinya. Regel een tolk" in page
    Professional.objects.filter(user=personas.professional).update(languages=["ti"])
    page = triagist.get(panel_url(case), {"product": "ib_middel", "language": "ti"}).text
    assert "Regel een tolk" not in page
    assert suggested_names(page)[0] == "Bob" and "spreekt Tigrinya" in page
    # Tried out in the panel with another spelling: the same language.
    page = triagist.get(panel_url(case), {"product": "ib_middel", "language": "Tigrinya (Eritrea)"}).text
    assert "spreekt Tigrinya" in page and "Regel een tolk" not in page


def test_a_language_code_not_on_the_list_is_refused_in_the_profile(client, personas):
    client.force_login(personas.professional)
    response = client.post(reverse("matching:profile"), {"languages": ["ti", "xx"], "expertise": [], "affinity": ""})
    assert response.status_code == 200 and "xx staat niet in de lijst met talen." in response.text
    assert Professional.objects.get(user=personas.professional).languages == []


def test_every_professional_absent_gets_its_own_message(triagist, personas, case):
    today = timezone.localdate()
    for user in (personas.triagist, personas.professional, personas.second_reader):
        Absence.objects.create(professional=user.professional, starts_on=today, ends_on=today + timedelta(days=30))
    page = triagist.get(panel_url(case)).text
    assert suggested_names(page) == []
    assert "Alle professionals van het team zijn nu met verlof of op de contactdatum." in page
    assert "zitten vol" not in page


def test_a_duo_is_suggested_for_a_heavy_product_and_chosen_in_one_action(triagist, personas, case):
    alice, bob = personas.triagist.professional, personas.professional.professional
    page = triagist.get(panel_url(case)).text  # gezinsbegeleiding zwaar: a duo by default
    assert "Duo's" in page
    assert "Alice (HBO) met Bob (MBO)" in page
    assert "HBO en MBO samen, zoals het team dit product doet" in page
    assert "Duo's" not in triagist.get(panel_url(case), {"product": "ib_middel"}).text
    response = assign(triagist, case, lead=alice.pk, duo=bob.pk, product="gb_zwaar")
    assert response.status_code == 302
    trajectory = Trajectory.objects.get(registration=case)
    assert (trajectory.lead, trajectory.duo) == (alice, bob)


def test_a_team_can_have_its_own_duo_setting(triagist, personas, case):
    DuoFit.objects.create(team=personas.team, product="ib_middel", suggest=True)
    assert "Duo's" in triagist.get(panel_url(case), {"product": "ib_middel"}).text
    DuoFit.objects.create(team=personas.team, product="gb_zwaar", suggest=False)
    assert "Duo's" not in triagist.get(panel_url(case)).text


def test_the_domain_refuses_a_bad_re_match_or_duo_and_saves_nothing(personas, case):
    alice, bob, carol = (u.professional for u in (personas.triagist, personas.professional, personas.second_reader))
    trajectory = case.trajectory
    for duo in (alice, carol):  # the same person; the same level
        with pytest.raises(ValidationError):
            assignment.assign(trajectory, alice, personas.triagist, duo=duo)
    assert not Match.objects.exists() and Trajectory.objects.get(pk=trajectory.pk).lead is None
    assignment.assign(trajectory, alice, personas.triagist, duo=bob)
    for reason, note in (("", ""), ("  ", ""), ("onzin", ""), ("anders", " ")):
        with pytest.raises(ValidationError):
            assignment.rematch(trajectory, carol, personas.triagist, reason=reason, note=note)
    with pytest.raises(ValidationError):
        assignment.rematch(trajectory, alice, personas.triagist, reason="geen_klik")  # the lead already
    assert Match.objects.rematches().count() == 0
    assignment.rematch(trajectory, carol, personas.triagist, reason="geen_klik")
    assert Match.objects.rematches().count() == 1
    assert Trajectory.objects.get(pk=trajectory.pk).lead == carol


def test_weights_all_zero_are_refused(client, personas):
    weights = MatchingWeights.current()
    client.force_login(personas.administrator)
    url = reverse("admin:matching_matchingweights_change", args=[weights.pk])
    values = dict.fromkeys(MatchingWeights.FACTORS, "0") | {"leave": "4", "leave_horizon_days": "28"}
    response = client.post(url, values)
    assert response.status_code == 200
    assert "Zet ten minste één gewicht boven nul" in response.text
    weights.refresh_from_db()
    assert weights.expertise == 3


def test_the_beheerder_sets_a_teams_duo_setting_in_the_admin(client, personas, case):
    client.force_login(personas.administrator)
    response = client.post(
        reverse("admin:matching_duofit_add"), {"team": personas.team.pk, "product": "ib_middel", "suggest": "on"}
    )
    assert response.status_code == 302
    client.force_login(personas.triagist)
    assert "Duo's" in client.get(panel_url(case), {"product": "ib_middel"}).text
    client.force_login(personas.administrator)
    # A second setting for the same team and product is refused with a message.
    response = client.post(
        reverse("admin:matching_duofit_add"), {"team": personas.team.pk, "product": "ib_middel", "suggest": ""}
    )
    assert response.status_code == 200 and DuoFit.objects.filter(team=personas.team).count() == 1


def test_a_family_that_needed_an_interpreter_is_kept_with_the_match(triagist, personas, case):
    case.preferred_language = "so"  # Somali: nobody in the team
    case.save()
    assert assign(triagist, case, lead=personas.professional.professional.pk, product="gb_zwaar").status_code == 302
    assert Match.objects.get(trajectory__registration=case).interpreter_needed
    other = factories.registration(personas.team, "awaiting_contact", product="gb_zwaar", preferred_language="nl")
    assign(triagist, other, lead=personas.professional.professional.pk)
    assert not Match.objects.get(trajectory__registration=other).interpreter_needed  # Dutch: never


def test_after_matching_the_panel_shows_the_result_not_the_list(triagist, personas, case):
    assert suggested_names(panel_of_the_file(triagist, case))  # before: the suggestions
    assign(triagist, case, lead=personas.professional.professional.pk)
    page = panel_of_the_file(triagist, case)
    assert suggested_names(page) == []
    assert "Vaste professional: <strong>Bob</strong>" in page and 'class="suggestions"' not in page
    assert "Herkoppelen: een andere vaste professional" in page
