"""The evaluation interview on a phone: the interviewer sees the family's contact and nothing of
its file, records the answers; the coordinator's page on a tablet explains the pairing."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from basisjeugdhulp.evaluation import sampling
from basisjeugdhulp.evaluation.models import Interview
from matching.models import Professional
from tests import factories
from tests.browser.conftest import PHONE, TABLET
from tests.browser.test_login_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sample(personas):
    bob = Professional.objects.get(user=personas.professional)
    for n in range(6):
        journey = factories.trajectory(
            personas.team, state="closed", lead=bob, family_label=f"Gezin Veenstra{n}",
            received_on=timezone.localdate() - timedelta(days=100), preferred_language="pl",
        )
    today = timezone.localdate()
    drawn = sampling.draw_sample(personas.administrator, today - timedelta(days=60), today, 6, seed=26)
    assert journey and drawn.interviews.filter(interviewer__user=personas.outsider).exists()
    return drawn


def test_an_interviewer_calls_a_family_and_records_the_answers_on_a_phone(browser, live_server, personas, sample, screenshot):
    context = browser.new_context(viewport=PHONE, locale="nl-NL", has_touch=True, is_mobile=True)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    log_in(page, live_server, personas.outsider.username)
    page.get_by_role("link", name="Gesprekken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn evaluatiegesprekken")
    screenshot(page, "phone-evaluation-list")
    page.locator("main a.button").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluatiegesprek")
    contact = page.locator("section.contact")
    expect(contact).to_contain_text("Gezin Veenstra")
    expect(contact).to_contain_text("0612345678")
    expect(contact).to_contain_text("Pools")
    main = page.locator("main").inner_text()
    for file_detail in ("Veel ruzie thuis", "Sara", "Doel bereikt", "A3", personas.professional.first_name):
        assert file_detail not in main, file_detail
    screenshot(page, "phone-evaluation-contact")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_role("button", name="Vastleggen").click()  # nothing chosen: told what, nothing saved
    expect(page.get_by_text("Geef aan of u het gezin hebt bereikt.")).to_be_visible()
    page.locator("label", has_text="Ja").first.click()
    page.locator("#id_agreed label", has_text="Ja").click()
    page.get_by_label("De jongere").check()
    page.get_by_label("Hoe tevreden bent u over de hulp? (1–10)").fill("8")
    page.get_by_label("Ja: geen hulp meer nodig").check()
    page.get_by_label("Wat wilt u het team nog meegeven?").fill("Fijn dat er iemand naar ons luisterde.")
    screenshot(page, "phone-evaluation-answers")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.locator(".messages")).to_contain_text("Vastgelegd. Dank u wel.")
    screenshot(page, "phone-evaluation-recorded")
    answered = Interview.objects.get(interviewer__user=personas.outsider, reached=True)
    assert answered.satisfaction == 8 and answered.informant == "young" and answered.without_help == "04"
    assert violations == [], violations
    context.close()


def test_the_coordinator_sees_who_interviews_whom_and_why(browser, live_server, personas, sample, screenshot):
    context = browser.new_context(viewport=TABLET, locale="nl-NL", has_touch=True)
    page = context.new_page()
    log_in(page, live_server, personas.administrator.username)
    page.get_by_role("link", name="Evaluatiesteekproef").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluatiesteekproef")
    screenshot(page, "tablet-evaluation-draw")
    page.locator("main ul.plain-list a").first.click()
    expect(page.locator(".interview")).to_have_count(6)
    expect(page.locator(".reasons").first).to_contain_text("nooit aan dit gezin gekoppeld")
    expect(page.locator(".reasons").first).to_contain_text("uit een ander team (WIJ Zuid)")
    assert "Gezin Veenstra" not in page.locator("main").inner_text()
    screenshot(page, "tablet-evaluation-sample")
    context.close()
