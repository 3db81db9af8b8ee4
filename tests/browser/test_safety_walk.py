"""On a phone: make the safety card with the family, share it as a PDF with consent, and find
the handover in the family's "who looked at our file" (issue 29)."""

import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from basisjeugdhulp.safety.models import CardShare, SafetyCard
from tests import factories
from tests.browser.conftest import PHONE, TABLET
from tests.browser.test_login_walk import log_in
from tests.conftest import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_family_worker_makes_the_card_on_a_phone_and_shares_it_as_a_pdf(
    browser, live_server, personas, screenshot
):
    pytest.importorskip("weasyprint")
    journey = factories.trajectory(personas.team, family_label="Gezin Jansen")
    # An earlier version, a month ago: the line over time has two points.
    factories.safety_card(personas.team, case=journey.registration, judgement=2,
                          judged_on=timezone.localdate() - timedelta(days=30))

    context = browser.new_context(viewport=PHONE, locale="nl-NL", has_touch=True, is_mobile=True, accept_downloads=True)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server, personas.professional.username)
    page.get_by_role("link", name="Gezin Jansen").click()
    expect(page.locator("#safety .judgement-number")).to_have_text("2")
    page.get_by_role("link", name="Veiligheidskaart openen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veiligheidskaart")

    page.get_by_label("Zorgen").fill("Mama is bang als papa gedronken heeft.")
    page.get_by_label("Wat goed gaat").fill("Tim gaat elke dag naar school.")
    page.get_by_label("Wat geprobeerd is, en wat niet werkt").fill("Een time-out: werkt niet 's nachts.")
    page.get_by_label("Volgende stappen").fill("Samen met Veilig Thuis op gesprek.")
    page.locator("label", has_text="5").filter(has=page.locator("input[value='5']")).click()
    page.get_by_role("button", name="Kaart opslaan").click()
    expect(page.locator(".messages")).to_contain_text("De veiligheidskaart is opgeslagen: oordeel 5 van 10.")
    expect(page.locator("#current .judgement-number")).to_have_text("5")
    expect(page.locator(".scale-line")).to_have_count(1)
    screenshot(page, "phone-safety-card")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("Specialistische jeugdhulp").check()
    page.get_by_label("Ontvangende organisatie").fill("Jeugd-GGZ Breda")
    page.get_by_label("Het gezin gaf toestemming").check()
    page.get_by_label("Toestemming gegeven door").fill("Mama en Tim (13)")
    page.get_by_label("PDF").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Vastleggen en delen").click()
    pdf = download.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Veiligheidskaart: Gezin Jansen" in text
    assert "Mama is bang als papa gedronken heeft." in text and "Samen met Veilig Thuis op gesprek." in text
    assert download.value.suggested_filename.startswith("veiligheidskaart-")
    handover = CardShare.objects.get()
    assert (handover.organisation, handover.ground, handover.consent_from) == ("Jeugd-GGZ Breda", "consent", "Mama en Tim (13)")
    assert handover.card == SafetyCard.objects.first()
    page.reload()
    expect(page.locator("#shares")).to_contain_text("Jeugd-GGZ Breda")
    # The print page: the same document, A4 on paper, readable on the phone.
    page.get_by_role("link", name="Printpagina").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Veiligheidskaart: Gezin Jansen")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "phone-safety-card-print")
    page.go_back()

    # The card and its scale at tablet size, for the docs.
    page.set_viewport_size(TABLET)
    page.goto(f"{live_server.url}{reverse('trajectories:detail', args=[journey.public_id])}")
    expect(page.locator("#safety .scale-line")).to_have_count(1)
    shutil.copy(screenshot(page, "tablet-trajectory-safety"), DOCS / "safety-card-trajectory-tablet.png")
    page.goto(f"{live_server.url}{reverse('safety:card', args=[journey.registration.public_id])}")
    shutil.copy(screenshot(page, "tablet-safety-card"), DOCS / "safety-card-tablet.png")
    assert violations == [], violations
    context.close()

    # The beheerder answers the family's "who looked at our file": the handover is in it.
    admin = browser.new_context(viewport=TABLET, locale="nl-NL")
    page = admin.new_page()
    log_in(page, live_server, personas.administrator.username)
    page.goto(f"{live_server.url}{reverse('audit:family', args=[journey.registration.public_id])}")
    page.get_by_label("Code uit uw authenticator-app").fill(current_code(personas.administrator))
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie heeft dit dossier ingezien")
    expect(page.locator("main")).to_contain_text(
        "De veiligheidskaart gedeeld: aan Jeugd-GGZ Breda (Specialistische jeugdhulp), het gezin gaf toestemming, PDF"
    )
    screenshot(page, "tablet-audit-family-share")
    admin.close()
