"""A professional's start page (issue 24's product decision): their own families, ten a page;
the team's families awaiting first contact behind a link that htmx opens in place, and that a
browser without JavaScript follows to a page of its own."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, TABLET
from tests.browser.test_login_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport, name", [(TABLET, "tablet"), (PHONE, "phone")])
def test_the_teams_waiting_families_open_in_place(browser, live_server, personas, screenshot, viewport, name):
    factories.trajectory(personas.team, family_label="Gezin Eigen")
    factories.registration(personas.team, "awaiting_contact", family_label="Gezin Wacht")
    context = browser.new_context(viewport=viewport, locale="nl-NL", has_touch=True)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server, personas.professional.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gezinnen")
    expect(page.get_by_text("Gezin Eigen")).to_be_visible()
    expect(page.get_by_text("Gezin Wacht")).to_have_count(0)
    screenshot(page, f"{name}-start-page")
    start = page.url
    page.get_by_role("link", name="Toon de gezinnen die wachten op eerste contact").click()
    expect(page.get_by_role("link", name="Gezin Wacht")).to_be_visible()
    assert page.url == start  # swapped into the start page, not a new page
    expect(page.get_by_role("heading", name="Mijn gezinnen")).to_be_visible()
    screenshot(page, f"{name}-start-page-waiting")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert violations == [], violations
    context.close()


def test_without_javascript_the_link_opens_the_waiting_list_as_a_page(browser, live_server, personas):
    factories.registration(personas.team, "awaiting_contact", family_label="Gezin Wacht")
    context = browser.new_context(viewport=TABLET, locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, personas.professional.username)
    page.get_by_role("link", name="Toon de gezinnen die wachten op eerste contact").click()
    expect(page.get_by_role("link", name="Gezin Wacht")).to_be_visible()
    assert page.url.endswith("/wacht-op-contact/")
    page.get_by_role("link", name="← Mijn gezinnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gezinnen")
    context.close()
