"""The family's letter in a real Chromium: made by the triagist, printed on A4, downloaded as PDF
(its text read back), and a reconsideration from request to the new letter."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect
from pypdf import PdfReader

from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.intake.routes import Status
from tests import factories
from tests.browser.conftest import PHONE, TABLET
from tests.browser.test_login_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WHY = "U vertelde dat er thuis veel ruzie is. Daar helpen wij zelf bij, dichtbij huis."


def pdf_pages_as_png(data, name):
    """The PDF's pages as PNG files in docs/screenshots/ (pdftoppm, from poppler-utils)."""
    if shutil.which("pdftoppm") is None:
        return []
    DOCS.mkdir(parents=True, exist_ok=True)
    source = DOCS / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(DOCS / name)], check=True)
    source.unlink()
    return sorted(DOCS.glob(f"{name}-*.png"))


def test_a_triagist_makes_the_letter_prints_it_and_downloads_the_pdf(page, live_server, personas, screenshot, csp_violations):
    case = factories.registration(personas.team, "awaiting_contact", by=personas.triagist, family_label="Gezin Visser")
    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/triage/aanmelding/{case.public_id}/")
    page.get_by_role("link", name="Brief en heroverweging").click()
    page.get_by_label("Waarom, in een paar eenvoudige zinnen voor het gezin").fill(WHY)
    page.get_by_role("button", name="Brief maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat wij met uw aanmelding doen")
    deadline = date_format(case.contact_due, "l j F Y")
    expect(page.locator(".sheet")).to_contain_text(f"uiterlijk op {deadline}")
    screenshot(page, "tablet-letter-print-page")
    # Printed: the toolbar is gone, the sheet is A4.
    page.emulate_media(media="print")
    expect(page.locator(".letter-tools")).to_be_hidden()
    page.pdf(path=str(Path("test-results") / "letter-printed.pdf"), format="A4")
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.get_by_role("link", name="Pdf downloaden").click()
    data = Path(download.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    for expected in ("Gezin Visser", "Wat wij met uw aanmelding doen", WHY, date_format(case.contact_due, "j F Y"),
                     "vertrouwenspersoon", "heroverweging", "klacht"):
        assert expected in text, expected
    assert "Pdf downloaden" not in text
    pages = pdf_pages_as_png(data, "letter-pdf")
    assert pages, "pdftoppm made no page"

    page.get_by_label("Hoe").select_option("print")
    page.get_by_label("Aan wie (een naam, of het e-mailadres dat het gezin opgaf)").fill("moeder, aan de balie")
    page.get_by_role("button", name="Vastleggen / versturen").click()
    expect(page.get_by_text("Vastgelegd: de brief is op papier gegeven aan moeder, aan de balie.")).to_be_visible()
    page.set_viewport_size(PHONE)
    screenshot(page, "phone-letter-print-page")
    page.set_viewport_size(TABLET)
    assert csp_violations == []


def test_a_reconsideration_from_request_to_the_new_letter(page, live_server, personas, screenshot, csp_violations):
    case = factories.registration(personas.team, by=personas.triagist, family_label="Gezin De Vries")
    Registration.objects.filter(pk=case.pk).update(
        route="advice", status=Status.ADVISED, triaged_on=timezone.localdate(), triaged_by=personas.triagist)
    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/brief/aanmelding/{case.public_id}/")
    page.get_by_label("Waar het gezin het niet mee eens is").fill("Wij willen wel hulp van het wijkteam.")
    page.get_by_role("button", name="Verzoek vastleggen").click()
    expect(page.get_by_text("Verzoek vastgelegd. Carol besluit erover.")).to_be_visible()
    screenshot(page, "tablet-reconsideration-recorded")
    page.get_by_role("button", name="Afmelden").click()

    log_in(page, live_server, personas.second_reader.username)
    # The tweede lezer finds the request on the start page, routed to her.
    page.get_by_role("link", name="Gezin De Vries").click()
    page.get_by_label("Gewijzigd: de aanmelding wordt opnieuw getrieerd").check()
    page.get_by_label("Redenen, voor het gezin").fill("De zorgen thuis zijn groter dan eerst gedacht.")
    screenshot(page, "tablet-reconsideration-decision")
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.get_by_text("Besloten: gewijzigd.")).to_be_visible()
    page.get_by_role("button", name="Afmelden").click()

    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/triage/aanmelding/{case.public_id}/")
    page.get_by_label("Basisjeugdhulp").check()
    page.get_by_label("Gezinsbegeleiding middel").check()
    page.get_by_role("button", name="Besluit opslaan").click()
    page.get_by_role("link", name="Brief en heroverweging").click()
    page.get_by_label("Waarom, in een paar eenvoudige zinnen voor het gezin").fill("Na heroverweging helpen wij u zelf.")
    page.get_by_role("button", name="Brief maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw vraag om heroverweging: ons besluit")
    expect(page.locator(".sheet")).to_contain_text("Wij veranderen ons besluit")
    expect(page.locator(".sheet")).to_contain_text("basis jeugdhulp")
    screenshot(page, "tablet-letter-after-reconsideration")
    assert csp_violations == []
