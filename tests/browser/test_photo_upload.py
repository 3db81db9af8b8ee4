"""Plan photos on a slow line (issue 24): on a throttled line (1.6 Mbit/s up, 150 ms, Chromium's
network emulation over the DevTools protocol) a 12 MP phone photo is made smaller on the phone
before it is sent, the stored photo is as large as before, and a failed upload is sent again
with one tap, stored once. How long it takes is measured by bench/photo_upload.py."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from basisjeugdhulp.plans.models import PlanPhoto
from tests import factories
from tests.browser.slow_line import SAVED, open_the_trajectory, phone_photo, upload_on_a_slow_line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_12_mp_photo_is_made_smaller_on_the_phone_and_stored_as_large_as_before(
    browser, live_server, personas, tmp_path, screenshot
):
    journey = factories.trajectory(personas.team, family_label="Gezin Visser")
    photo = phone_photo(tmp_path / "IMG_4032.jpg")
    context, page = open_the_trajectory(browser, live_server, personas.professional.username, "Gezin Visser")
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    figures = upload_on_a_slow_line(context, page, photo)
    print(f"\n12 MP JPEG of {photo.stat().st_size / 1e6:.1f} MB on 1.6 Mbit/s up, 150 ms: {figures['bytes'] / 1e6:.2f} MB "
          f"sent; made smaller in {figures['prepared']:.1f} s, answered after {figures['answered']:.1f} s more, "
          f"saved message after {figures['seconds']:.1f} s")
    assert 0 < figures["bytes"] < photo.stat().st_size / 3  # the smaller photo crossed the line, not the original
    stored = PlanPhoto.objects.get(trajectory=journey)
    assert max(stored.width, stored.height) == settings.PLAN_PHOTO_LONG_SIDE  # as large as today
    assert (stored.width, stored.height) == (2400, 1800)  # landscape kept
    screenshot(page, "phone-plan-photo-slow-line")
    assert violations == [], violations
    context.close()


def test_a_failed_upload_is_sent_again_with_one_tap_and_stored_once(browser, live_server, personas, tmp_path, screenshot):
    """The line drops after the server stored the photo but before its answer arrived: the
    phone offers "Opnieuw versturen"; the retry carries the same one-time submission id, so the
    register keeps one version and says it was already saved."""
    journey = factories.trajectory(personas.team, family_label="Gezin Jansen")
    photo = tmp_path / "IMG_0007.jpg"
    photo.write_bytes(factories.jpeg_bytes(3000, 2000))
    context, page = open_the_trajectory(browser, live_server, personas.professional.username, "Gezin Jansen")
    upload_path = f"/traject/{journey.public_id}/foto/"

    def answer_lost(route):
        route.fetch()  # the register receives and stores the photo ...
        route.abort("connectionreset")  # ... and its answer is lost on the way back

    page.route(lambda url: url.endswith(upload_path), answer_lost)
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Foto van het A3-plan", exact=True).click()
    chooser.value.set_files(photo)
    retry = page.get_by_role("button", name="Opnieuw versturen")
    expect(retry).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("u hoeft de foto niet opnieuw te kiezen")
    screenshot(page, "phone-plan-photo-retry")
    assert PlanPhoto.objects.filter(trajectory=journey).count() == 1

    page.unroute_all()
    retry.click()  # one tap, no photo chosen again
    expect(page.locator(".messages")).to_contain_text("Deze foto's waren al bewaard.")
    assert PlanPhoto.objects.filter(trajectory=journey).count() == 1
    expect(page.locator(".plan-version img").first).to_have_js_property("complete", True)  # before the user goes
    context.close()


def test_without_a_lost_line_the_saved_message_is_the_usual_one(browser, live_server, personas, tmp_path):
    factories.trajectory(personas.team, family_label="Gezin Bos")
    photo = tmp_path / "IMG_0008.jpg"
    photo.write_bytes(factories.jpeg_bytes(1200, 900))
    context, page = open_the_trajectory(browser, live_server, personas.professional.username, "Gezin Bos")
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Foto van het A3-plan", exact=True).click()
    chooser.value.set_files(photo)
    expect(page.locator(".messages")).to_contain_text(SAVED)
    expect(page.get_by_role("button", name="Opnieuw versturen")).to_have_count(0)
    context.close()


def test_an_upload_the_register_is_too_busy_for_keeps_the_photo_for_one_tap(browser, live_server, personas, tmp_path):
    """Overload: the upload waited in the queue past the budget and got the "erg druk" 503; the
    phone keeps the form and its photo and offers "Opnieuw versturen" instead of the busy page."""
    import time

    journey = factories.trajectory(personas.team, family_label="Gezin Druk")
    photo = tmp_path / "IMG_0009.jpg"
    photo.write_bytes(factories.jpeg_bytes(1200, 900))
    context, page = open_the_trajectory(browser, live_server, personas.professional.username, "Gezin Druk")
    upload_path = f"/traject/{journey.public_id}/foto/"

    def queued_too_long(route):  # as the proxy would stamp a request that waited two seconds
        route.continue_(headers={**route.request.headers, "x-request-start": f"t={time.time() - 2:.3f}"})

    page.route(lambda url: url.endswith(upload_path), queued_too_long)
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Foto van het A3-plan", exact=True).click()
    chooser.value.set_files(photo)
    retry = page.get_by_role("button", name="Opnieuw versturen")
    expect(retry).to_be_visible()
    assert not PlanPhoto.objects.filter(trajectory=journey).exists()
    page.unroute_all()
    retry.click()
    expect(page.locator(".messages")).to_contain_text(SAVED)
    assert PlanPhoto.objects.filter(trajectory=journey).count() == 1
    expect(page.locator(".plan-version img").first).to_have_js_property("complete", True)
    context.close()
