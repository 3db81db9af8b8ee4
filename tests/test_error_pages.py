"""Every error page Dutch, in the register's layout, with the way back and the crisis line
(issue 22), as the server answers them (DEBUG off, the demo's default too)."""

import pytest
from django.urls import reverse

from tests import factories

CRISIS = "0800-8081"


@pytest.fixture
def server(client):
    client.raise_request_exception = False
    return client


def assert_register_page(page, heading):
    text = page.content.decode()
    assert f"<h1>{heading}</h1>" in text
    assert 'lang="nl"' in text and "css/register.css" in text
    assert CRISIS in text and "Naar mijn startpagina" in text or "Terug naar het formulier" in text


@pytest.mark.django_db
def test_404_is_dutch(server, personas):
    server.force_login(personas.triagist)
    page = server.get("/bestaat-niet/")
    assert page.status_code == 404
    assert_register_page(page, "Pagina niet gevonden")


@pytest.mark.django_db
def test_403_is_dutch(server, personas):
    server.force_login(personas.professional)
    page = server.get(reverse("intake:queue"))
    assert page.status_code == 403
    assert_register_page(page, "Geen toegang")


@pytest.mark.django_db
def test_405_is_dutch(server, personas):
    server.force_login(personas.triagist)
    page = server.get(reverse("logout"))
    assert page.status_code == 405
    assert_register_page(page, "Deze pagina kan zo niet geopend worden")
    assert "POST" in page["Allow"]


@pytest.mark.django_db
def test_a_form_url_opened_directly_leads_to_its_page_not_a_405(server, personas):
    case = factories.registration(personas.team)
    server.force_login(personas.triagist)
    page = server.get(reverse("intake:first_contact", args=[case.public_id]))
    assert page.status_code == 302
    assert page["Location"] == reverse("intake:registration", args=[case.public_id])


@pytest.mark.django_db
def test_400_is_dutch(server, personas):
    page = server.get(reverse("login"), headers={"host": "kwaadwillend.example"})
    assert page.status_code == 400
    assert_register_page(page, "Het verzoek kon niet gelezen worden")


def test_500_is_dutch(rf):
    from basisjeugdhulp.accounts.errors import server_error

    page = server_error(rf.get("/"))
    assert page.status_code == 500
    assert_register_page(page, "Er ging iets mis")


@pytest.mark.django_db
def test_the_admin_speaks_dutch_in_its_headings(client, personas):
    from tests.conftest import with_authenticator

    client.force_login(with_authenticator(personas.administrator))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Inlogblokkades" in page and "Authenticator-apps" in page
    assert ">Axes<" not in page and "OTP_TOTP" not in page and ">Otp_Totp<" not in page
    administration = client.get(reverse("teams:administration")).content.decode()
    assert "Lumpsums" in administration
