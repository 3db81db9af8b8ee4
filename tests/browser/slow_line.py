"""A plan photo sent from a phone on a weak 4G line, in Chromium (issue 24): shared by
tests/browser/test_photo_upload.py (what must happen) and bench/photo_upload.py (how long it
takes, with and without the phone making the photo smaller)."""

import time

from django.core.signals import request_started

from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_login_walk import log_in

# The line: 1.6 Mbit/s up, 150 ms latency (a weak 4G line at a kitchen table); 4 Mbit/s down.
SLOW_4G = {"offline": False, "latency": 150, "uploadThroughput": 1.6e6 / 8, "downloadThroughput": 4e6 / 8}
SAVED = "1 foto toegevoegd aan het plan."


def phone_photo(path, size=(4032, 3024)):
    """A 12 MP JPEG like a phone's photo of a written A3 sheet, saved at a phone camera's
    quality: a few MB."""
    from bench.photo import written_sheet

    written_sheet(size).save(path, "JPEG", quality=95)
    return path


def open_the_trajectory(browser, live_server, username, family_label):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", has_touch=True, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server, username)
    page.get_by_role("link", name=family_label).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(family_label)
    return context, page


def upload_on_a_slow_line(context, page, photo, *, downscale=True):
    """Choose the photo on a throttled line; (seconds from choosing to the saved message, bytes
    of the upload's request body)."""
    if not downscale:  # the page as before: the chosen file is sent as it is
        page.evaluate("document.querySelector('form[data-upload]').removeAttribute('data-long-side')")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Foto van het A3-plan", exact=True).click()
    arrived = []

    def count(sender, environ, **kwargs):  # what reached the register, as its WSGI server saw it
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/foto/"):
            arrived.append(int(environ.get("CONTENT_LENGTH") or 0))

    request_started.connect(count, weak=False)
    with page.expect_request(lambda request: request.method == "POST" and "/foto" in request.url, timeout=120_000) as sent:
        start = time.monotonic()
        chooser.value.set_files(photo)
    prepared = time.monotonic() - start
    expect(page.locator(".messages")).to_contain_text(SAVED, timeout=120_000)
    seconds = time.monotonic() - start
    timing = sent.value.timing
    request_started.disconnect(count)
    cdp.send("Network.emulateNetworkConditions", {**SLOW_4G, "uploadThroughput": -1, "downloadThroughput": -1, "latency": 0})
    return {
        "seconds": seconds,  # from choosing to the saved message
        "prepared": prepared,  # until the upload began (making it smaller)
        "answered": timing["responseEnd"] / 1000 if timing["responseEnd"] > 0 else float("nan"),  # upload + server
        "bytes": sum(arrived),
    }
