"""Logging in and landing on the start page of one's role."""

import re

import pytest
from django.urls import reverse

from basisjeugdhulp.accounts.roles import Role
from tests.conftest import PASSWORD

START_PAGES = {
    Role.TRIAGIST: ("/triage/", "Triage"),
    Role.PROFESSIONAL: ("/mijn-gezinnen/", "Mijn gezinnen"),
    Role.SECOND_READER: ("/triage/tweede-lezing/", "Tweede lezing"),
    Role.MUNICIPALITY: ("/cijfers/", "Cijfers"),
    Role.ADMINISTRATOR: ("/beheer/", "Beheer"),
}


def test_the_login_page_is_dutch(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert "<h1>Inloggen</h1>" in response.text
    assert "Gebruikersnaam" in response.text and "Wachtwoord" in response.text


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_each_role_lands_on_its_start_page(client, personas, role):
    user = personas.by_role()[role]
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    path, heading = START_PAGES[role]
    assert response.redirect_chain[-1][0] == path
    assert f"<h1>{heading}" in response.text


def _without_tokens(html):
    """The page without its per-request CSRF token and CSP nonce."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'"x-csrftoken": "[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_a_wrong_login_gives_a_dutch_message_without_telling_whether_the_user_exists(client, personas):
    wrong_password = client.post(reverse("login"), {"username": "alice", "password": "fout"})
    no_such_user = client.post(reverse("login"), {"username": "alice", "password": "fout"})
    unknown = client.post(reverse("login"), {"username": "niemand", "password": "fout"})
    assert wrong_password.status_code == unknown.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in wrong_password.text
    # The same page for an existing and an unknown user, but for the name typed in.
    assert _without_tokens(unknown.text).replace("niemand", "alice") == _without_tokens(no_such_user.text)
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_cannot_log_in(client, personas):
    personas.triagist.is_active = False
    personas.triagist.save()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logging_out_ends_the_session(client, personas):
    client.force_login(personas.triagist)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("intake:queue")).status_code == 302  # back to the login page


def test_after_login_the_user_returns_to_the_page_asked_for(client, personas):
    response = client.get(reverse("reporting:dashboard"))
    login_url = response["Location"]
    response = client.post(
        login_url, {"username": "gemma", "password": PASSWORD, "next": reverse("reporting:dashboard")}
    )
    assert response["Location"] == reverse("reporting:dashboard")


def test_an_idle_session_ends_with_a_dutch_notice(client, personas, settings):
    from django.contrib.sessions.models import Session
    from django.urls import reverse

    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    client.force_login(personas.triagist)
    assert client.get(reverse("intake:queue")).status_code == 200
    Session.objects.all().delete()  # what 30 minutes without use does to it
    response = client.get(reverse("intake:queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/triage/&verlopen=1"
    page = client.get(response["Location"]).text
    assert "U bent afgemeld na 30 minuten zonder gebruik" in page
    # A first visit, without any session, gets no such notice.
    client.cookies.clear()
    assert "verlopen" not in client.get(reverse("intake:queue"))["Location"]


def test_repeated_wrong_passwords_lock_that_account_on_that_device(client, personas):
    from django.urls import reverse

    for _attempt in range(4):
        response = client.post(reverse("login"), {"username": "alice", "password": "fout"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "alice", "password": "fout"})
    assert response.status_code == 429
    assert "Dit account is op dit apparaat geblokkeerd" in response.text
    # Even the right password waits for the cool-off now.
    locked = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    # A colleague on the same tablet still logs in.
    assert client.post(reverse("login"), {"username": "bob", "password": PASSWORD}).status_code == 302
    # From another device alice is not locked out by someone else's guesses.
    from django.test import Client

    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert elsewhere.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302


def test_a_role_that_requires_a_second_factor_sets_up_the_app_and_enters_its_code(client, personas):
    from django.urls import reverse
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from basisjeugdhulp.accounts.models import SecondFactorRule

    SecondFactorRule.objects.create(role=Role.MUNICIPALITY.value)
    dashboard = reverse("reporting:dashboard")

    def log_in(username):
        client.post(reverse("logout"))
        return client.post(reverse("login"), {"username": username, "password": PASSWORD}, follow=True)

    # First login: the password alone opens nothing; the app is set up first.
    page = log_in("gemma")
    assert "Tweede stap instellen" in page.text and 'src="data:image/svg+xml' in page.text
    assert "xmlns%3D%27http%3A%2F%2Fwww.w3.org%2F2000%2Fsvg" in page.text  # the namespace the image needs to decode (issue 22)
    assert client.get(dashboard)["Location"].startswith(reverse("second_factor_setup"))
    device = TOTPDevice.objects.get(user=personas.analyst)
    refused = client.post(reverse("second_factor_setup"), {"code": "000000"})
    assert "Deze code klopt niet" in refused.text
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try after a wrong code wait a second
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("second_factor_setup"), {"code": code}).status_code == 302
    assert client.get(dashboard).status_code == 200

    # Next login: the app's code.
    page = log_in("gemma")
    assert "Voer de code in die uw authenticator-app nu toont." in page.text
    assert client.get(dashboard).status_code == 302
    device.refresh_from_db()
    device.last_t = -1  # a new time step, as a real phone would show a while later
    device.save()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("second_factor"), {"code": code}).status_code == 302
    assert client.get(dashboard).status_code == 200

    # Roles without the rule log in with their password alone.
    page = log_in("alice")
    assert page.redirect_chain[-1][0] == reverse("intake:queue")


def test_a_form_sent_after_thirty_idle_minutes_comes_back_to_the_same_user_only(client, personas):
    import time

    from django.urls import reverse

    from basisjeugdhulp.accounts.idle import LAST_SEEN
    from basisjeugdhulp.intake.models import Registration
    from tests.test_intake_views import category_ids, form_data

    client.force_login(personas.triagist)
    assert client.get(reverse("intake:new")).status_code == 200
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60  # the tablet lay there for half an hour
    session.save()
    data = form_data(family_label="Gezin Veenstra", question="Zorgen om de oudste.", categories=category_ids("school"))
    response = client.post(reverse("intake:new"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/triage/aanmelding/nieuw/&verlopen=1"
    assert not Registration.objects.exists()

    # Someone else logs in on the tablet: nothing of it shows.
    page = client.post(reverse("login"), {"username": "bob", "password": PASSWORD, "next": "/triage/aanmelding/nieuw/"}, follow=True)
    assert "Gezin Veenstra" not in page.text
    client.post(reverse("logout"))

    # The same person, on the same page: what was typed comes back.
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    client.force_login(personas.triagist)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    client.post(reverse("intake:new"), data)
    page = client.post(reverse("login"), {"username": "alice", "password": PASSWORD, "next": "/triage/aanmelding/nieuw/"}, follow=True)
    assert page.redirect_chain[-1][0] == "/triage/aanmelding/nieuw/"
    assert '<script id="kept-form" type="application/json">' in page.text
    assert "Gezin Veenstra" in page.text and "Zorgen om de oudste." in page.text
    assert "Gezin Veenstra" not in client.get(reverse("intake:new")).text  # given back once
