"""No work lost, no dead end (issue 22), in Chromium at tablet and phone size: an idle logout on
each form of the register brings the user back, after logging in again, to the page with the
form and what they typed; a refused form and then the language switch is no 405; an idle
logout during an htmx upload loads the login page whole; the second factor's QR code decodes;
a refused form shows its errors at the top, with the focus there."""

import time

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, TABLET
from tests.browser.test_burden_walk import AXE, SMALL_TARGETS, WCAG_AA
from tests.browser.test_login_walk import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"tablet": TABLET, "phone": PHONE}


def send_after_idle(page, settings, button):
    """Send the form once the session has run out: the idle timeout shortened to nothing."""
    settings.SESSION_IDLE_SECONDS = 0
    time.sleep(1.1)  # the last use is stored in whole seconds
    button.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert "verlopen=1" in page.url
    settings.SESSION_IDLE_SECONDS = 30 * 60


def log_in_again(page, user):
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def no_axe_violations(page):
    found = [f"{v['id']} ({v['impact']})" for v in AXE.run(page, options=WCAG_AA).response["violations"]]
    assert found == [], found


def triage(page, personas, live_server):
    case = factories.registration(personas.team, family_label="Gezin Bakker")
    user = personas.triagist
    url = f"/triage/aanmelding/{case.public_id}/"

    def fill():
        page.get_by_label("Specialistische jeugdhulp").check()
        page.get_by_label("Motivering voor de tweede lezer").fill("Zorgen om de veiligheid thuis.")
        return page.get_by_role("button", name="Besluit opslaan")

    def restored():
        expect(page.get_by_label("Specialistische jeugdhulp")).to_be_checked()
        expect(page.get_by_label("Motivering voor de tweede lezer")).to_have_value("Zorgen om de veiligheid thuis.")
        expect(page.get_by_label("Motivering voor de tweede lezer")).to_be_visible()

    return user, url, fill, restored


def first_contact(page, personas, live_server):
    case = factories.registration(personas.team, "awaiting_contact", family_label="Gezin Dijkstra")
    user = personas.triagist
    url = f"/triage/aanmelding/{case.public_id}/"

    def fill():
        page.get_by_label("Huisbezoek").check()
        return page.get_by_role("button", name="Eerste contact opslaan")

    def restored():
        expect(page.get_by_label("Huisbezoek")).to_be_checked()

    return user, url, fill, restored


def decide(page, personas, live_server):
    factories.registration(personas.team, "second_check", by=personas.triagist, family_label="Gezin Meijer")
    factories.registration(personas.team, "second_check", by=personas.triagist, family_label="Gezin Visser")
    user = personas.second_reader
    url = "/triage/tweede-lezing/"
    proposal = page.locator("article.proposal", has_text="Gezin Visser")

    def fill():
        proposal.get_by_label("Toelichting").fill("Akkoord: de zorgen zijn ernstig.")
        return proposal.get_by_role("button", name="Verwijzing goedkeuren")

    def restored():
        expect(proposal.get_by_label("Toelichting")).to_have_value("Akkoord: de zorgen zijn ernstig.")
        # Only the form that was sent: the other family's note stays empty.
        other = page.locator("article.proposal", has_text="Gezin Meijer")
        expect(other.get_by_label("Toelichting")).to_have_value("")

    return user, url, fill, restored


def assign(page, personas, live_server):
    case = factories.registration(personas.team, "awaiting_contact", family_label="Gezin Smit")
    user = personas.triagist
    url = f"/matching/gezin/{case.public_id}/kiezen/"
    chosen = {}

    def fill():
        lead = page.get_by_label("Vaste professional")
        chosen["value"] = lead.locator("option").nth(1).get_attribute("value")
        lead.select_option(chosen["value"])
        return page.get_by_role("button", name="Toewijzen")

    def restored():
        expect(page.get_by_label("Vaste professional")).to_have_value(chosen["value"])

    return user, url, fill, restored


def close(page, personas, live_server):
    journey = factories.trajectory(personas.team, family_label="Gezin Mulder")
    user = personas.professional
    url = f"/mijn-gezinnen/traject/{journey.public_id}/afsluiten/"

    def fill():
        page.get_by_label("Verhuisd").check()
        page.get_by_label("Gemiddeld aantal uren per week").fill("1,75")
        return page.get_by_role("button", name="Verder: controleren")

    def restored():
        expect(page.get_by_label("Verhuisd")).to_be_checked()
        expect(page.get_by_label("Gemiddeld aantal uren per week")).to_have_value("1,75")

    return user, url, fill, restored


FORMS = {"triage": triage, "first contact": first_contact, "tweede lezing": decide, "assign": assign, "close": close}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("form", FORMS)
def test_an_idle_logout_on_each_form_comes_back_with_what_was_typed(
    page, live_server, personas, settings, screenshot, csp_violations, form, size
):
    page.set_viewport_size(SIZES[size])
    user, url, fill, restored = FORMS[form](page, personas, live_server)
    log_in(page, live_server, user.username)
    page.goto(live_server.url + url)
    send_after_idle(page, settings, fill())
    log_in_again(page, user)
    assert page.url == live_server.url + url  # the page with the form, not its POST-only address
    restored()
    screenshot(page, f"{size}-kept-{form.replace(' ', '-')}")
    assert csp_violations == []


def test_a_refused_triage_and_then_the_language_switch_keeps_the_input(page, live_server, personas, screenshot):
    case = factories.registration(personas.team, family_label="Gezin Kok")
    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/triage/aanmelding/{case.public_id}/")
    page.get_by_label("Basisjeugdhulp").check()
    page.get_by_role("button", name="Besluit opslaan").click()  # no product: refused
    expect(page.get_by_text("Kies een van de vier producten.").first).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gezin Kok")
    assert page.url == f"{live_server.url}/triage/aanmelding/{case.public_id}/"
    expect(page.get_by_label("Basis jeugdhulp", exact=True)).to_be_checked()
    expect(page.get_by_role("heading", name="Triage decision")).to_be_visible()
    screenshot(page, "tablet-refused-then-english")


def test_an_idle_logout_during_an_upload_loads_the_login_page_whole(
    page, live_server, personas, settings, tmp_path, csp_violations
):
    journey = factories.trajectory(personas.team, family_label="Gezin Smit")
    photo = tmp_path / "plan.jpg"
    photo.write_bytes(factories.jpeg_bytes(1200, 900))
    log_in(page, live_server, personas.professional.username)
    detail = f"{live_server.url}/mijn-gezinnen/traject/{journey.public_id}/"
    page.goto(detail)
    settings.SESSION_IDLE_SECONDS = 0
    time.sleep(1.1)
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Foto van het A3-plan", exact=True).click()
    chooser.value.set_files(photo)
    # htmx is told to load the login page as a page (HX-Redirect), not to swap it into this one.
    page.wait_for_url("**/inloggen/**")
    settings.SESSION_IDLE_SECONDS = 30 * 60
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    expect(page.locator("form input[name=password]")).to_have_count(1)
    expect(page.get_by_role("heading", name="Gezin Smit")).to_have_count(0)
    log_in_again(page, personas.professional)
    assert page.url == detail
    expect(page.get_by_role("heading", level=1)).to_have_text("Gezin Smit")
    assert csp_violations == []


@pytest.mark.parametrize("size", SIZES)
def test_the_second_factor_setup_shows_a_qr_code_that_decodes(page, live_server, personas, settings, screenshot, size):
    settings.SECOND_FACTOR_REQUIRED = True
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server, personas.triagist.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweede stap instellen")
    qr = page.get_by_role("img", name="QR-code voor de authenticator-app")
    expect(qr).to_be_visible()
    for _ in range(50):  # polled here: wait_for_function evaluates a string, which the CSP refuses
        if qr.evaluate("img => img.complete"):
            break
        page.wait_for_timeout(100)
    assert qr.evaluate("img => img.naturalWidth") > 0
    screenshot(page, f"{size}-second-factor-setup")


@pytest.mark.parametrize("size", SIZES)
def test_a_refused_form_shows_its_errors_at_the_top_with_the_focus_there(
    page, live_server, personas, screenshot, csp_violations, size
):
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/triage/aanmelding/nieuw/")
    page.get_by_label("Gezin", exact=True).fill("Gezin Fout")
    page.get_by_role("button", name="Aanmelding opslaan").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nog niet opgeslagen")
    expect(summary).to_contain_text("Vul het telefoonnummer van de ouder in, bijvoorbeeld 06 12345678.")
    assert summary.evaluate("el => el.getBoundingClientRect().top >= 0 && el.getBoundingClientRect().top < innerHeight")
    screenshot(page, f"{size}-error-summary")
    no_axe_violations(page)
    summary.get_by_role("link", name="Vul het telefoonnummer van de ouder in, bijvoorbeeld 06 12345678.").click()
    expect(page.get_by_label("Telefoonnummer")).to_be_focused()
    expect(page.get_by_label("Gezin", exact=True)).to_have_value("Gezin Fout")
    assert csp_violations == []


@pytest.mark.parametrize("size", SIZES)
def test_triage_shows_the_products_only_for_basis_jeugdhulp(page, live_server, personas, screenshot, size):
    case = factories.registration(personas.team, family_label="Gezin Bos")
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/triage/aanmelding/{case.public_id}/")
    product = page.get_by_label("Gezinsbegeleiding middel")
    motivation = page.get_by_label("Motivering voor de tweede lezer")
    expect(product).to_be_hidden()
    expect(motivation).to_be_hidden()
    page.get_by_label("Basisjeugdhulp").check()
    expect(product).to_be_visible()
    expect(motivation).to_be_hidden()
    screenshot(page, f"{size}-triage-basic")
    page.get_by_label("Specialistische jeugdhulp").check()
    expect(product).to_be_hidden()
    expect(motivation).to_be_visible()
    no_axe_violations(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_error_pages_are_dutch_in_the_register_layout(page, live_server, personas, screenshot, size):
    page.set_viewport_size(SIZES[size])
    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/bestaat-niet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.get_by_text("0800-8081")).to_be_visible()
    expect(page.get_by_role("link", name="Naar mijn startpagina")).to_be_visible()
    screenshot(page, f"{size}-404")
    no_axe_violations(page)





@pytest.mark.parametrize("size", SIZES)
def test_every_target_on_the_working_pages_is_at_least_44_px(page, live_server, personas, size):
    """Issue 22: the phone number, "De aanmelding", the names on the tweede-lezing list, back
    links and checkboxes were under 44×44 CSS px; axe finds nothing on these pages either."""
    page.set_viewport_size(SIZES[size])
    journey = factories.trajectory(personas.team, family_label="Gezin Multiprobleemgezinnen")
    case = factories.registration(personas.team, family_label="Gezin Tegel")
    factories.registration(personas.team, "second_check", by=personas.triagist, family_label="Gezin Lezing")
    log_in(page, live_server, personas.triagist.username)
    pages = [
        f"/triage/aanmelding/{journey.registration.public_id}/",
        f"/triage/aanmelding/{case.public_id}/",
        f"/mijn-gezinnen/traject/{journey.public_id}/",
        f"/matching/gezin/{case.public_id}/kiezen/",
        "/triage/aanmelding/nieuw/",
        "/matching/caseload/",
    ]
    for path in pages:
        page.goto(live_server.url + path)
        assert page.evaluate(SMALL_TARGETS) == [], path
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        no_axe_violations(page)
    page.get_by_role("button", name="Afmelden").click()
    log_in(page, live_server, personas.second_reader.username)
    page.goto(live_server.url + "/triage/tweede-lezing/")
    assert page.evaluate(SMALL_TARGETS) == []
    no_axe_violations(page)


@pytest.mark.parametrize("size", SIZES)
def test_the_figures_and_the_administration_pass_axe_with_their_tables(page, live_server, personas, size):
    """Issue 22: axe's scrollable-region-focusable (serious) on the tables of /cijfers/ and
    /beheer/ at phone size, and empty table headers."""
    page.set_viewport_size(SIZES[size])
    for user, path in ((personas.analyst, "/cijfers/"), (personas.administrator, "/beheer/")):
        log_in(page, live_server, user.username)
        page.goto(live_server.url + path)
        no_axe_violations(page)
        assert page.evaluate(SMALL_TARGETS) == [], path
        page.get_by_role("button", name="Afmelden").click()
