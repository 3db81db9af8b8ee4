"""The municipality's dashboard at laptop and tablet size: charts drawn, filters in place,
no console errors, no CSP violations."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_login_walk import log_in
from tests.test_reporting import build_city, build_small_team, months_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 900}
TABLET_PORTRAIT = {"width": 768, "height": 1024}


@pytest.mark.parametrize("size", ["laptop", "tablet"])
def test_the_dashboard_draws_its_charts_without_errors(browser, live_server, personas, screenshot, size):
    first = months_ago(2)
    from basisjeugdhulp.workdays import add_working_days

    build_city(personas, (first, add_working_days(first, 1), f"{first:%Y-%m}"))
    build_small_team(personas, (first, None, None))
    context = browser.new_context(
        viewport=LAPTOP if size == "laptop" else TABLET_PORTRAIT, locale="nl-NL", has_touch=size == "tablet"
    )
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" or "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, personas.analyst.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cijfers")
    page.get_by_label("Periode", exact=True).select_option(f"{first:%Y-%m}")
    expect(page).to_have_url(f"{live_server.url}/cijfers/?periode={first:%Y-%m}&team=&product=")
    expect(page.locator(".protection")).to_contain_text("elk getal kan tot 4 verschillen van de registratie")
    expect(page.locator("#table-teams")).to_contain_text("WIJ Zuid")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(4)  # aanmeldingen, on time, hours per product, lump sum
    assert page.locator("svg.chart rect.chart-bar").count() > 0
    assert page.locator("svg.chart circle.chart-point").count() > 0
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box["width"] > 200 and box["height"] > 60
    page.get_by_label("Team", exact=True).select_option(label="WIJ Zuid")
    expect(page.locator(".lead")).to_contain_text("WIJ Zuid")
    expect(page.locator("#table-trajectories")).to_contain_text("Afgesloten in de periode")
    expect(page.locator(".protection")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"{size}-dashboard")
    assert problems == [], problems
    context.close()
