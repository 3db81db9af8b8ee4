"""Triage → suggestions → assign → the professional logs in on a phone and sees the family."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from basisjeugdhulp.intake.routes import Category
from matching.models import Professional
from tests import factories
from tests.browser.conftest import PHONE
from tests.browser.test_burden_walk import AXE, WCAG_AA
from tests.browser.test_login_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def htmx_settled(page):
    """Wait until htmx has no request, swap or settle going on."""
    page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def test_the_triagist_matches_a_family_and_the_professional_sees_it(
    browser, page, live_server, personas, screenshot, csp_violations
):
    Professional.objects.filter(user=personas.professional).update(
        languages=["ar"], expertise=[Category.PARENTING]
    )
    case = factories.registration(personas.team, family_label="Gezin El Idrissi", preferred_language="Arabisch")

    log_in(page, live_server, personas.triagist.username)
    page.goto(live_server.url + reverse("intake:registration", args=[case.public_id]))
    page.get_by_label("Basisjeugdhulp").check()
    page.get_by_label("Individuele begeleiding middel").check()
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.locator(".messages")).to_contain_text("Eerste contact uiterlijk")

    panel = page.locator("#matching-panel")
    first = panel.locator(".suggestion").first
    expect(first.locator(".suggestion-name")).to_have_text("Bob")
    expect(first.locator(".reasons")).to_contain_text("spreekt Arabisch")
    expect(first.locator(".reasons")).to_contain_text("MBO past bij individuele begeleiding middel")
    screenshot(page, "tablet-matching-suggestions")

    # Trying a heavier product updates the reasons in place: HBO fits it, MBO no longer does.
    panel.get_by_label("Product").select_option(label="Gezinsbegeleiding zwaar")
    expect(panel.locator(".suggestion").nth(1).locator(".reasons")).to_contain_text(
        "HBO past bij gezinsbegeleiding zwaar"
    )
    expect(panel.locator(".suggestion").first.locator(".reasons")).not_to_contain_text("MBO past bij")
    htmx_settled(page)  # as a person would, change the product again once the panel has settled
    panel.get_by_label("Product").select_option(label="Individuele begeleiding middel")
    expect(panel.locator(".suggestion").first.locator(".reasons")).to_contain_text(
        "MBO past bij individuele begeleiding middel"
    )

    panel.get_by_role("button", name="Kies Bob").click()
    expect(page.locator(".messages")).to_contain_text("Bob is nu de vaste professional van Gezin El Idrissi.")
    expect(page.locator(".current-match")).to_contain_text("Bob")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "tablet-matching-assigned")

    phone = browser.new_context(viewport=PHONE, locale="nl-NL", has_touch=True)
    bob = phone.new_page()
    log_in(bob, live_server, personas.professional.username)
    expect(bob.get_by_role("heading", level=1)).to_have_text("Mijn gezinnen")
    expect(bob.locator(".cases").first).to_contain_text("Gezin El Idrissi")
    expect(bob.locator(".cases").first).to_contain_text("Individuele begeleiding middel")
    screenshot(bob, "phone-professional-new-family")
    assert bob.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.close()
    assert csp_violations == [], "\n".join(csp_violations)


def test_the_panel_explains_itself_at_tablet_size(page, live_server, personas, screenshot, csp_violations):
    """A returning family whose former professional is on leave, a language nobody in the team
    speaks, a colleague with leave ahead, and a heavy product: everything the panel says."""
    from datetime import timedelta

    from django.utils import timezone

    from matching.models import Absence

    today = timezone.localdate()
    alice, bob, carol = (u.professional for u in (personas.triagist, personas.professional, personas.second_reader))
    former = factories.trajectory(personas.team, lead=carol, state="closed", family_label="Gezin Tesfaye (2025)")
    case = factories.registration(
        personas.team, "awaiting_contact", family_label="Gezin Tesfaye", product="gb_zwaar",
        preferred_language="ti",
    )
    case.former_trajectory = former  # a returning family (recognised by its keys in real life)
    case.save()
    Absence.objects.create(professional=carol, starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=40))
    Absence.objects.create(professional=alice, starts_on=case.contact_due + timedelta(days=2), ends_on=case.contact_due + timedelta(days=12))
    Professional.objects.filter(pk=bob.pk).update(expertise=[Category.PARENTING])

    log_in(page, live_server, personas.triagist.username)
    page.goto(live_server.url + reverse("matching:panel", args=[case.public_id]))
    panel = page.locator("#matching-panel")
    first = panel.locator(".suggestion").first
    expect(first.locator(".suggestion-name")).to_have_text("Carol")
    expect(first).to_contain_text("Met verlof tot en met")
    expect(first.get_by_role("button")).to_have_count(0)
    expect(panel.locator(".notice-interpreter")).to_contain_text("Niemand in het team spreekt Tigrinya")
    expect(panel.locator(".warnings").first).to_contain_text("met verlof vanaf")
    expect(panel.locator(".pair").first).to_contain_text("Alice (HBO) met Bob (MBO)")
    panel.locator(".fit-scale summary").click()
    expect(panel.locator(".fit-scale")).to_contain_text("60 procent of meer")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "tablet-matching-panel-explained")
    results = AXE.run(page, options=WCAG_AA)
    serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert csp_violations == [], "\n".join(csp_violations)
