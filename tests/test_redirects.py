"""After the login and after the second factor the user goes on only to a page of this site,
whatever `next` says (open redirect, security review issue 20)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from basisjeugdhulp.accounts.models import SecondFactorRule
from basisjeugdhulp.accounts.roles import Role
from tests.conftest import PASSWORD

FOREIGN = [
    "https://evil.example/x",
    "http://evil.example/x",
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "https:evil.example",
    "https:/evil.example",
    "HTTPS://EVIL.EXAMPLE/x",
    "HtTpS://evil.example/x",
    "  https://evil.example/x",
    " //evil.example/x",
    "\t//evil.example/x",
    "https://testserver@evil.example/x",
    "https://evil.example\\@testserver/x",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://evil.example/x",
]
LOCAL = f"/cijfers/?periode={timezone.localdate().year}"  # a page of this site with its query


def stays_here(location):
    """A Location a browser follows to this site only: a path without a host (a backslash in it
    percent-encoded, as Django writes it, is part of the path)."""
    return (
        url_has_allowed_host_and_scheme(location, allowed_hosts={"testserver"})
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and not any(char.isspace() or ord(char) < 32 for char in location)
    )


def code_for(device):
    device.refresh_from_db()
    device.throttle_reset()
    device.last_t = -1  # a fresh time step, as a phone shows it a while later
    device.save()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def second_factor_for_the_municipality(personas):
    SecondFactorRule.objects.create(role=Role.MUNICIPALITY.value)


def logged_in_with_password(username):
    client = Client()
    assert client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("target", FOREIGN, ids=repr)
def test_the_login_goes_on_only_to_this_site(personas, target):
    client = Client()
    response = client.post(reverse("login") + "?next=x", {"username": "alice", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    # The same `next` in the query string of the login page.
    client = Client()
    response = client.post(reverse("login") + "?" + _query(target), {"username": "alice", "password": PASSWORD})
    assert response["Location"] == reverse("start")
    # Already logged in, the login page sends one on to the start page, not away.
    assert stays_here(client.get(reverse("login") + "?" + _query(target))["Location"])


@pytest.mark.parametrize("target", FOREIGN, ids=repr)
def test_setting_up_the_second_factor_goes_on_only_to_this_site(personas, second_factor_for_the_municipality, target):
    client = logged_in_with_password("gemma")
    client.get(reverse("second_factor_setup"))  # makes the unconfirmed device the QR code shows
    device = TOTPDevice.objects.get(user=personas.analyst)
    response = client.post(reverse("second_factor_setup") + "?" + _query(target), {"code": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("start")
    assert client.get(reverse("reporting:dashboard")).status_code == 200  # the second step is done


@pytest.mark.parametrize("target", FOREIGN, ids=repr)
def test_the_second_factor_goes_on_only_to_this_site(personas, second_factor_for_the_municipality, target):
    device = TOTPDevice.objects.create(user=personas.analyst, name="app", confirmed=True)
    client = logged_in_with_password("gemma")
    for form in ({}, {"next": target}):  # in the query string, and in the form as well
        response = client.post(reverse("second_factor") + "?" + _query(target), {**form, "code": code_for(device)})
        assert response.status_code == 302
        assert response["Location"] == reverse("start")
        client.post(reverse("logout"))
        client = logged_in_with_password("gemma")


def test_a_page_of_this_site_is_still_where_the_user_goes_on_to(personas, second_factor_for_the_municipality):
    """Through the whole walk: the page asked for, the login, the app set up, and again with
    the code: each time the user ends on the page with its query string."""
    client = Client()
    login = client.get(LOCAL)["Location"]
    assert login == reverse("login") + f"?next=/cijfers/%3Fperiode%3D{timezone.localdate().year}"
    response = client.post(login, {"username": "gemma", "password": PASSWORD, "next": LOCAL})
    assert response["Location"] == LOCAL
    setup = client.get(LOCAL)["Location"]
    assert setup.startswith(reverse("second_factor_setup") + "?next=")
    client.get(setup)
    device = TOTPDevice.objects.get(user=personas.analyst)
    response = client.post(setup, {"code": code_for(device)})
    assert response["Location"] == LOCAL
    assert client.get(LOCAL).status_code == 200

    client.post(reverse("logout"))
    response = client.post(login, {"username": "gemma", "password": PASSWORD, "next": LOCAL})
    verify = client.get(response["Location"])["Location"]
    assert verify.startswith(reverse("second_factor") + "?next=")
    response = client.post(verify, {"code": code_for(device)})
    assert response["Location"] == LOCAL

    # Without the second factor, the login alone honours it too.
    client = Client()
    response = client.post(reverse("login"), {"username": "bea", "password": PASSWORD, "next": "/beheer/?x=1"})
    assert response["Location"] == "/beheer/?x=1"


def test_on_a_secure_request_a_plain_http_address_of_this_site_is_not_followed(personas):
    client = Client()
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": "http://testserver/cijfers/"}, secure=True
    )
    assert response["Location"] == reverse("start")


@pytest.mark.parametrize("path", ["//evil.example/x", "/\\evil.example/x"], ids=repr)
def test_the_idle_logout_sends_back_to_a_page_of_this_site_only(personas, path):
    """The login after an idle logout carries the page that was left (accounts/idle.py); a
    path of this server that reads as another host is not followed after logging in again."""
    import time

    from basisjeugdhulp.accounts.idle import LAST_SEEN

    client = Client()
    client.force_login(personas.triagist)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 31 * 60  # the tablet lay there for half an hour
    session.save()
    login = client.get("/", PATH_INFO=path)["Location"]
    assert login.startswith(reverse("login") + "?next=") and "evil.example" in login
    response = client.post(login, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert stays_here(response["Location"])


def _query(target):
    from urllib.parse import urlencode

    return urlencode({"next": target})
