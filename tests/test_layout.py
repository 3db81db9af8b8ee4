"""The base layout: Dutch, navigation by role, strict CSP, htmx from our own static files."""

import re

import pytest
from django.urls import reverse

from basisjeugdhulp.accounts.roles import Role

NAV_LABELS = {
    Role.TRIAGIST: ["Triage", "Caseload", "Mijn profiel", "Gesprekken"],
    Role.PROFESSIONAL: ["Mijn gezinnen", "Mijn profiel", "Gesprekken"],
    Role.SECOND_READER: ["Tweede lezing", "Caseload", "Mijn profiel", "Gesprekken"],
    Role.MUNICIPALITY: ["Cijfers"],
    Role.ADMINISTRATOR: ["Evaluatiesteekproef", "Cijfers", "Beheer", "Toegangslog", "Verzoeken tot vernietiging", "CBS-levering"],
}


def _nav(html):
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    return re.findall(r">([^<]+)</a>", nav)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_the_navigation_shows_only_what_the_role_may_use(client, personas, role):
    client.force_login(personas.by_role()[role])
    response = client.get(reverse("start"), follow=True)
    assert _nav(response.text) == NAV_LABELS[role]


def test_pages_carry_a_strict_content_security_policy(client, personas):
    client.force_login(personas.triagist)
    response = client.get(reverse("intake:queue"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    scripts = re.findall(r"<script([^>]*)>", response.text)
    assert scripts, "htmx should be loaded"
    for attributes in scripts:
        assert 'src="/static/' in attributes, "no inline script, only our own static files"
        assert f'nonce="{nonce}"' in attributes
    assert "<style" not in response.text and " style=" not in response.text


def test_htmx_is_served_from_our_own_static_files(client, personas):
    client.force_login(personas.triagist)
    html = client.get(reverse("intake:queue")).text
    src = re.search(r'<script src="(/static/[^"]*htmx[^"]*)"', html).group(1)
    assert client.get(src).status_code == 200


def test_the_user_can_switch_to_english_and_back(client, personas):
    client.force_login(personas.triagist)
    client.post(reverse("set_language"), {"language": "en", "next": "/triage/"})
    assert "<h1>Triage" in client.get("/triage/").text
    assert "families wait longer than five working days" in client.get("/triage/").text
    client.post(reverse("set_language"), {"language": "nl", "next": "/triage/"})
    assert "gezinnen wachten langer dan vijf werkdagen" in client.get("/triage/").text


def test_a_browser_set_to_english_still_gets_dutch(client, personas):
    client.force_login(personas.triagist)
    response = client.get("/triage/", headers={"accept-language": "en-US,en;q=0.9"})
    assert "gezinnen wachten langer dan vijf werkdagen" in response.text


def test_django_messages_are_shown(client, personas):
    client.force_login(personas.triagist)
    response = client.post(reverse("logout"), follow=True)
    assert '<li class="message message-info">U bent afgemeld.</li>' in response.text


def test_a_wrong_password_change_says_what_is_wrong_in_dutch(client, personas):
    client.force_login(personas.administrator)
    response = client.post(
        reverse("password_change"),
        {"old_password": "fout", "new_password1": "kort", "new_password2": "kort"},
    )
    assert response.status_code == 200
    assert "Uw oude wachtwoord is niet juist ingevoerd" in response.text


def test_the_municipality_sees_counts_without_names(client, personas):
    client.force_login(personas.analyst)
    html = client.get(reverse("reporting:dashboard")).text
    assert "WIJ Noord" in html
    for person in ("Alice", "Bob", "Carol", "Oscar"):
        assert person not in html.split('<main id="main">')[1]
