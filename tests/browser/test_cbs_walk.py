"""The CBS delivery page at tablet portrait: the beheerder, after the app's code, checks a half
year, sees what to fix, and downloads the file once it is right."""

from datetime import date

import pytest
from playwright.sync_api import expect

from basisjeugdhulp.cbs.models import Delivery
from tests.browser.test_login_walk import log_in
from tests.conftest import current_code
from tests.test_cbs_extract import half_year  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_beheerder_checks_fixes_and_downloads_a_half_year(page, live_server, personas, half_year, screenshot, csp_violations):  # noqa: F811
    broken = half_year["in_and_running"]
    broken.started_on, broken.ended_on, broken.end_reason = None, date(2025, 3, 1), "goal"
    broken.save()

    log_in(page, live_server, personas.administrator.username)
    page.get_by_role("link", name="CBS-levering").click()
    # The delivery opens only in a session verified with the app's code.
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(personas.administrator))
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CBS-levering: Beleidsinformatie Jeugd")
    page.get_by_label("Halfjaar").select_option("2025-H1")
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("#cbs-problems")).to_contain_text("Afgesloten zonder eerste contact")
    expect(page.get_by_role("button", name="Levering downloaden")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "tablet-cbs-delivery-problems")

    broken.started_on = date(2025, 1, 6)
    broken.save()
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator("#cbs-summary")).to_contain_text("8 records, van 7 gezinnen")
    page.get_by_text("ASCII vast formaat").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Levering downloaden").click()
    assert download.value.suggested_filename == "cbs-beleidsinformatie-jeugd-2025-H1.txt"
    assert Delivery.objects.get().records == 8
    page.reload()
    expect(page.locator("table").last).to_contain_text("2025-H1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "tablet-cbs-delivery")
    assert csp_violations == []


def test_with_bsn_and_sex_on_the_child_row_still_fits_a_tablet(page, live_server, personas, screenshot, csp_violations, settings):
    from cryptography.fernet import Fernet

    settings.CBS_BSN, settings.CBS_ASK_SEX = True, True
    settings.BSN_KEYS = [Fernet.generate_key().decode()]
    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/triage/aanmelding/nieuw/")
    page.get_by_label("BSN (optioneel)").fill("123456789")
    page.get_by_role("button", name="Aanmelding opslaan").click()
    expect(page.locator(".child-row")).to_contain_text("elfproef")
    expect(page.get_by_label("BSN (optioneel)")).to_have_value("123456789")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "tablet-intake-with-bsn")
    assert csp_violations == []
