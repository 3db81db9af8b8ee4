"""On a phone: photograph the A3 plan into the file, see it, and close with 2.5 hours a week."""


import pytest
from django.utils import timezone
from playwright.sync_api import expect

from basisjeugdhulp.trajectories.models import Trajectory
from tests import factories
from tests.browser.conftest import PHONE
from tests.browser.test_login_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_professional_photographs_the_plan_and_closes_the_trajectory(
    browser, live_server, personas, screenshot, tmp_path
):
    journey = factories.trajectory(personas.team, family_label="Gezin Smit")
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(factories.jpeg_bytes(3000, 2000))

    context = browser.new_context(viewport=PHONE, locale="nl-NL", has_touch=True, is_mobile=True)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server, personas.professional.username)
    page.get_by_role("link", name="Gezin Smit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gezin Smit")
    expect(page.get_by_text("Nog geen foto van het plan.")).to_be_visible()
    camera = page.locator("input[type=file][capture]")
    assert camera.get_attribute("capture") == "environment" and camera.get_attribute("multiple") is not None

    with page.expect_file_chooser() as chooser:
        page.get_by_text("Foto van het A3-plan", exact=True).click()
    chooser.value.set_files(photo)
    expect(page.locator(".messages")).to_contain_text("1 foto toegevoegd aan het plan.")
    thumbnail = page.locator(".plan-version img").first
    expect(thumbnail).to_be_visible()
    # Polled from the test: wait_for_function evaluates a string, which the CSP rightly refuses.
    for _ in range(50):
        if thumbnail.evaluate("img => img.complete && img.naturalWidth") == 320:
            break
        page.wait_for_timeout(100)
    assert thumbnail.evaluate("img => img.naturalWidth") == 320
    screenshot(page, "phone-plan-photo")

    # Closing is a step of its own: the form, a summary to confirm, then a way back.
    page.get_by_role("link", name="Traject afsluiten…").click()
    expect(page.get_by_label("Einddatum")).to_have_value("")  # no date filled in blindly
    page.get_by_label("Einddatum").fill(timezone.localdate().isoformat())
    page.get_by_label("Doel bereikt").check()
    page.get_by_label("Gemiddeld aantal uren per week").fill("2,5")
    page.get_by_role("button", name="Verder: controleren").click()
    expect(page.get_by_role("heading", name="Controleren en bevestigen")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("Doel bereikt")
    screenshot(page, "phone-close-confirm")
    assert Trajectory.objects.get(pk=journey.pk).ended_on is None
    page.get_by_role("button", name="Ja, traject afsluiten").click()
    expect(page.locator(".messages")).to_contain_text("Het traject van Gezin Smit is afgesloten.")
    expect(page.get_by_role("heading", name="Per ongeluk afgesloten?")).to_be_visible()
    expect(page.get_by_text("Foto van het A3-plan", exact=True)).to_have_count(0)
    screenshot(page, "phone-trajectory-closed")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    journey = Trajectory.objects.get(pk=journey.pk)
    assert str(journey.hours_per_week) == "2.50" and journey.end_reason == "goal"
    assert journey.photos.count() == 1
    assert violations == [], violations
    context.close()
