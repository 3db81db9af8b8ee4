"""Each role logs in on a tablet held in portrait and lands on its own start page."""

import pytest
from playwright.sync_api import expect

from basisjeugdhulp.accounts.roles import Role
from tests.browser.conftest import PHONE
from tests.conftest import PASSWORD, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADINGS = {
    Role.TRIAGIST: "Triage · WIJ Noord",
    Role.PROFESSIONAL: "Mijn gezinnen",
    Role.SECOND_READER: "Tweede lezing",
    Role.MUNICIPALITY: "Cijfers",
    Role.ADMINISTRATOR: "Beheer",
}


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_each_role_logs_in_and_sees_its_start_page(
    page, live_server, personas, screenshot, csp_violations, role
):
    user = personas.by_role()[role]
    log_in(page, live_server, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[role])
    screenshot(page, f"tablet-{role.value.replace(' ', '-')}")

    # Tablet-first: every link and button in the header and the page is at least 44 px high.
    for control in page.locator("header a, header button, main a, main button").all():
        box = control.bounding_box()
        assert box["height"] >= 44, f"{control.inner_text()!r} is {box['height']} px high"
    # Portrait: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert csp_violations == []

    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_text("U bent afgemeld.")).to_be_visible()


def test_a_wrong_password_gets_a_dutch_message_and_keeps_the_name(page, live_server, personas, screenshot):
    page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("alice")
    page.get_by_label("Wachtwoord").fill("verkeerd")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("Voer een juiste gebruikersnaam en wachtwoord in")
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("alice")
    screenshot(page, "tablet-wrong-login")


def test_the_start_page_fits_a_phone(page, live_server, personas, screenshot):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, personas.professional.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gezinnen")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-jeugdprofessional")


def test_htmx_runs_under_the_content_security_policy(page, live_server, personas, csp_violations):
    log_in(page, live_server, personas.triagist.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(HEADINGS[Role.TRIAGIST])
    assert page.evaluate("typeof window.htmx") == "object"
    assert csp_violations == []


def test_the_beheerder_works_in_the_admin_under_the_same_policy(
    page, live_server, personas, screenshot, csp_violations
):
    log_in(page, live_server, personas.administrator.username)
    page.get_by_role("link", name="WIJ-teams").last.click()
    # The admin opens only after the code of her authenticator app (accounts/second_factor.py).
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede stap")
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(personas.administrator))
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="WIJ-team toevoegen").click()
    page.get_by_label("Naam").fill("WIJ Oost")
    page.get_by_label("Wijk").fill("Oosterhaven")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("WIJ Oost")
    screenshot(page, "tablet-beheerder-admin")
    assert csp_violations == []


@pytest.mark.django_db(transaction=True)
def test_after_half_an_hour_idle_the_typed_aanmelding_comes_back(page, live_server, personas, csp_violations):
    import time

    from django.contrib.sessions.backends.db import SessionStore

    from basisjeugdhulp.accounts.idle import LAST_SEEN

    log_in(page, live_server, personas.triagist.username)
    page.get_by_role("link", name="Nieuwe aanmelding").click()
    page.get_by_role("radio", name="School").check()
    page.get_by_label("Gezin", exact=True).fill("Gezin Hoekstra")
    page.get_by_label("Vraag in de woorden van het gezin").fill("Hij slaapt slecht sinds de verhuizing.")
    # The tablet lies untouched for half an hour.
    key = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=key)
    session[LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    page.get_by_role("button", name="Aanmelding opslaan").click()
    expect(page.get_by_text("U bent afgemeld na 30 minuten zonder gebruik")).to_be_visible()
    page.get_by_label("Gebruikersnaam").fill(personas.triagist.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_label("Gezin", exact=True)).to_have_value("Gezin Hoekstra")
    expect(page.get_by_label("Vraag in de woorden van het gezin")).to_have_value("Hij slaapt slecht sinds de verhuizing.")
    expect(page.get_by_role("radio", name="School")).to_be_checked()
    assert csp_violations == []
