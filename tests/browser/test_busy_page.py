"""Overload (issue 24): a request that waited in the proxy's queue past the budget gets the
Dutch "Het is nu erg druk" page at once, readable at phone and tablet size."""

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport, name", [(TABLET, "tablet"), (PHONE, "phone")])
def test_a_request_queued_too_long_gets_the_dutch_busy_page(browser, live_server, screenshot, viewport, name):
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    page = context.new_page()
    page.set_extra_http_headers({"X-Request-Start": f"t={time.time() - 2:.3f}"})  # as the proxy wrote it
    response = page.goto(f"{live_server.url}/")
    assert response.status == 503 and response.headers["retry-after"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Het is nu erg druk")
    screenshot(page, f"{name}-busy")
    context.close()
