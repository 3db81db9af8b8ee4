"""Failed logins lock per username and address, and per address whatever the usernames
(password spraying, security review issue 20); the address is the device's, not the proxy's."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from basisjeugdhulp.client_address import client_address
from tests.conftest import PASSWORD

ADDRESS_LOCKED = "Vanaf dit netwerkadres zijn te veel verkeerde wachtwoorden ingevoerd"
ACCOUNT_LOCKED = "Dit account is op dit apparaat geblokkeerd"


def spray(client, count, start=0, **extra):
    """One wrong password each for `count` different usernames; the statuses."""
    return [
        client.post(reverse("login"), {"username": f"medewerker{n}", "password": "Zomer2026!"}, **extra).status_code
        for n in range(start, start + count)
    ]


def log_in(client, username, **extra):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD}, **extra)


def test_the_limits_are_five_per_username_and_twenty_five_per_address(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 25
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_one_guess_each_for_many_usernames_locks_the_address(personas, settings):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    sprayer = Client(REMOTE_ADDR="203.0.113.7")
    statuses = spray(sprayer, limit)
    assert statuses == [200] * (limit - 1) + [429]
    # Now even the right password of another user is refused from there, with a Dutch page.
    refused = log_in(sprayer, "bob")
    assert refused.status_code == 429
    assert ADDRESS_LOCKED in refused.text and "15 minuten" in refused.text
    assert "_auth_user_id" not in sprayer.session
    # From another address the same user logs in, and so does a colleague.
    elsewhere = Client(REMOTE_ADDR="198.51.100.9")
    assert log_in(elsewhere, "bob").status_code == 302
    assert log_in(Client(REMOTE_ADDR="198.51.100.10"), "alice").status_code == 302


def test_below_the_address_limit_nothing_is_locked(personas, settings):
    office = Client(REMOTE_ADDR="203.0.113.7")
    assert spray(office, settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1) == [200] * (settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1)
    assert log_in(office, "bob").status_code == 302


def test_a_good_login_forgets_only_that_users_own_failures(personas, settings):
    """An attacker with one account of their own cannot reset the count of their guesses by
    logging in with it now and then (axes on its own forgets every failure of the address)."""
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    sprayer = Client(REMOTE_ADDR="203.0.113.7")
    spray(sprayer, limit - 3)
    assert sprayer.post(reverse("login"), {"username": "bob", "password": "fout"}).status_code == 200
    assert log_in(sprayer, "bob").status_code == 302  # bob's own typo is forgotten, the rest not
    sprayer.post(reverse("logout"))
    assert spray(sprayer, 3, start=100) == [200, 200, 429]


def test_a_user_locked_by_own_typos_still_sees_the_account_message(personas):
    tablet = Client(REMOTE_ADDR="203.0.113.7")
    for _attempt in range(4):
        tablet.post(reverse("login"), {"username": "alice", "password": "fout"})
    locked = tablet.post(reverse("login"), {"username": "alice", "password": "fout"})
    assert locked.status_code == 429
    assert ACCOUNT_LOCKED in locked.text and ADDRESS_LOCKED not in locked.text


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(personas, settings):
    """Through one reverse proxy every request comes from the proxy's address: the client is
    the right-most entry of X-Forwarded-For, and what the client itself put there is ignored."""
    settings.PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    sprayer = Client(**proxy)
    statuses = [
        sprayer.post(
            reverse("login"), {"username": f"medewerker{n}", "password": "Zomer2026!"},
            headers={"X-Forwarded-For": f"192.0.2.{n}, 203.0.113.7"},  # a new spoofed address each time
        ).status_code
        for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429
    refused = log_in(sprayer, "bob", headers={"X-Forwarded-For": "203.0.113.7"})
    assert ADDRESS_LOCKED in refused.text
    # Another client through the same proxy is not locked out.
    colleague = Client(**proxy)
    assert log_in(colleague, "bob", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "", "203.0.113.7"),
        (0, "203.0.113.7", "198.51.100.9", "203.0.113.7"),  # no proxy: the header is the client's own
        (1, "10.0.0.2", "198.51.100.9", "198.51.100.9"),
        (1, "10.0.0.2", "1.2.3.4, 198.51.100.9", "198.51.100.9"),
        (2, "10.0.0.2", "1.2.3.4, 198.51.100.9, 10.0.0.1", "198.51.100.9"),
        (1, "10.0.0.2", "", "10.0.0.2"),  # not through the proxy (a health check)
        (2, "10.0.0.2", "198.51.100.9", "10.0.0.2"),
        (1, "10.0.0.2", "1.2.3.4, not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_client_address(settings, proxies, remote, forwarded, expected):
    settings.PROXY_COUNT = proxies
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers)
    assert client_address(request) == expected


def test_the_access_log_records_the_device_not_the_proxy(client, personas, settings):
    from basisjeugdhulp.audit.models import AccessEvent
    from tests import factories

    settings.PROXY_COUNT = 1
    registration = factories.registration(personas.team, "new")
    client.force_login(personas.triagist)
    response = client.get(
        reverse("intake:registration", args=[registration.public_id]),
        REMOTE_ADDR="10.0.0.2", headers={"X-Forwarded-For": "198.51.100.9"},
    )
    assert response.status_code == 200
    assert AccessEvent.objects.latest("pk").client_address == "198.51.100.9"
