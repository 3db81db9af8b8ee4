"""A triagist records an aanmelding on a tablet in portrait, routes it, and finds it in the queue."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.workdays import add_working_days
from tests.browser.test_login_walk import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Filled:
    """Counts the distinct form inputs the triagist had to fill (a children's row counts as
    one input, 'children', as the design lists them)."""

    def __init__(self):
        self.inputs = set()

    def __call__(self, name):
        self.inputs.add("children" if name.startswith("children-") else name)


def test_a_triagist_records_an_aanmelding_with_two_children_and_routes_it(
    page, live_server, personas, screenshot, csp_violations
):
    filled = Filled()
    log_in(page, live_server, personas.triagist.username)
    page.get_by_role("link", name="Nieuwe aanmelding").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nieuwe aanmelding")

    page.get_by_label("Huisarts / POH-jeugd (ZorgDomein)").check(); filled("channel")
    page.get_by_label("Gezin", exact=True).fill("Gezin Visser"); filled("family_label")
    page.get_by_label("Telefoonnummer").fill("06 1234 5678"); filled("phone")
    page.get_by_label("Postcode").fill("9712 ab"); filled("postcode")
    page.get_by_label("Huisnummer").fill("3"); filled("house_number")
    this_year = timezone.localdate().year
    page.locator("#id_children-0-first_name").fill("Lotte"); filled("children-0-first_name")
    page.locator("#id_children-0-birth_year").fill(str(this_year - 10)); filled("children-0-birth_year")

    # The second child row appears in place (htmx), without losing what was typed.
    page.get_by_role("button", name="Kind toevoegen").click()
    expect(page.locator("#id_children-1-first_name")).to_be_visible()
    expect(page.get_by_label("Gezin", exact=True)).to_have_value("Gezin Visser")
    expect(page.locator("#id_children-0-first_name")).to_have_value("Lotte")
    page.locator("#id_children-1-first_name").fill("Bram"); filled("children-1-first_name")
    page.locator("#id_children-1-birth_year").fill(str(this_year - 7)); filled("children-1-birth_year")

    page.get_by_label("Scheiding").check(); filled("categories")
    page.get_by_label("Gedrag").check()
    page.get_by_label("Vraag in de woorden van het gezin").fill("Sinds de scheiding veel boosheid."); filled("question")
    screenshot(page, "tablet-intake-form")
    assert len(filled.inputs) <= 8, sorted(filled.inputs)

    page.get_by_role("button", name="Aanmelding opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gezin Visser")
    expect(page.get_by_text("Lotte (")).to_be_visible()

    page.get_by_label("Basisjeugdhulp").check()
    page.get_by_label("Gezinsbegeleiding middel").check()
    page.get_by_role("button", name="Besluit opslaan").click()
    expect(page.locator(".messages")).to_contain_text("Eerste contact uiterlijk")
    screenshot(page, "tablet-registration")

    page.get_by_role("link", name="Triage").click()
    due = add_working_days(timezone.localdate(), 5)
    later = page.locator("#section-later")
    expect(later).to_contain_text("Gezin Visser")
    expect(later).to_contain_text("nog 5 werkdagen")
    screenshot(page, "tablet-queue")
    registration = Registration.objects.get()
    assert registration.contact_due == due
    assert registration.children.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert csp_violations == []


def test_bad_input_keeps_everything_typed(page, live_server, personas, screenshot):
    log_in(page, live_server, personas.triagist.username)
    page.goto(f"{live_server.url}/triage/aanmelding/nieuw/")
    page.get_by_label("Zelfmelding bij de WIJ-entree").check()
    page.get_by_label("Gezin", exact=True).fill("Gezin Fout")
    page.get_by_label("Telefoonnummer").fill("12345")
    page.get_by_label("Postcode").fill("12")
    page.get_by_role("button", name="Aanmelding opslaan").click()
    expect(page.get_by_role("alert")).to_contain_text("Nog niet opgeslagen")
    expect(page.locator(".field-error", has_text="Vul een Nederlands telefoonnummer van 10 cijfers in")).to_be_visible()
    expect(page.locator(".field-error", has_text="Vul een postcode in zoals 9712 AB.")).to_be_visible()
    expect(page.get_by_label("Gezin", exact=True)).to_have_value("Gezin Fout")
    expect(page.get_by_label("Zelfmelding bij de WIJ-entree")).to_be_checked()
    screenshot(page, "tablet-intake-errors")
    assert not Registration.objects.exists()


def test_the_queue_filters_in_place(page, live_server, personas):
    from tests.factories import registration

    registration(personas.team, "awaiting_contact", family_label="Gezin IB", product="ib_zwaar")
    registration(personas.team, "awaiting_contact", family_label="Gezin GB", product="gb_middel")
    log_in(page, live_server, personas.triagist.username)
    expect(page.locator("#queue")).to_contain_text("Gezin GB")
    page.get_by_label("Product").select_option("ib_zwaar")
    expect(page.locator("#queue")).not_to_contain_text("Gezin GB")
    expect(page.locator("#queue")).to_contain_text("Gezin IB")
    assert re.search(r"product=ib_zwaar", page.url)  # the filter is in the address, shareable
