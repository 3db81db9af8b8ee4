"""The registration-burden walk: the whole chain as people do it, counted per step.

A triagist records an aanmelding, triages it and matches a professional; the professional
records first contact, photographs the A3 plan and closes with the hours per week. Per step:
inputs filled, taps, page loads and seconds. Every page is checked with axe-core (WCAG 2.1 AA):
no violation of any impact; and every tap target in the page is at least 44×44 CSS px.
Screenshots and counts per step go to test-results/screenshots/walk-* and docs/screenshots/.
"""

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, TABLET
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
# Links, buttons and labelled choices in the page that are visible, and under 44 px either way.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'main a, main button, main summary, main label:has(input[type=checkbox]), main label:has(input[type=radio])')]
    .filter((el) => el.offsetParent !== null)
    .map((el) => [el.textContent.trim().slice(0, 40), Math.round(el.getBoundingClientRect().width),
                  Math.round(el.getBoundingClientRect().height)])
    .filter(([, w, h]) => w < 44 || h < 44)"""
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# The targets per step: at most this many inputs / taps.
TARGETS = {
    "aanmelding": {"inputs": 8},
    "first contact": {"taps": 2},  # one tap for how, plus the (prefilled) date and the button
    "A3 photo": {"taps": 3},
    "close": {"inputs": 3},
}


@dataclass
class Step:
    name: str
    inputs: set = field(default_factory=set)
    taps: int = 0
    loads: int = 0
    seconds: float = 0.0


class Walk:
    def __init__(self, page, screenshot, size):
        self.page, self.screenshot, self.size = page, screenshot, size
        self.steps, self.step, self.problems = [], None, []
        page.on("load", lambda _page: self.step and setattr(self.step, "loads", self.step.loads + 1))

    def begin(self, name):
        self.step = Step(name)
        self.steps.append(self.step)
        self._started = time.perf_counter()

    def end(self):
        self.step.seconds = time.perf_counter() - self._started
        self.check_accessibility()
        self.check_targets()
        shot = self.screenshot(self.page, f"walk-{self.size}-{len(self.steps):02d}-{self.step.name.replace(' ', '-')}")
        shutil.copy(shot, DOCS_SCREENSHOTS / shot.name)  # both sizes, to look at (issue 22)

    def fill(self, locator, value, name):
        locator.fill(value)
        self.step.inputs.add(name)

    def tap(self, locator, name=None):
        locator.click()
        self.step.taps += 1
        if name:
            self.step.inputs.add(name)

    def check_accessibility(self):
        results = AXE.run(self.page, options=WCAG_AA)
        for violation in results.response["violations"]:
            if violation["impact"]:  # any impact (issue 22)
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.problems.append(f"{self.step.name}: {violation['id']} ({violation['impact']}) {targets}")

    def check_targets(self):
        small = self.page.evaluate(SMALL_TARGETS)
        if small:
            self.problems.append(f"{self.step.name}: targets under 44×44 px {small[:5]}")

    def report(self):
        lines = [f"registration-burden walk at {self.size}:",
                 f"  {'step':<14} {'inputs':>6} {'taps':>5} {'loads':>5} {'seconds':>7}"]
        for step in self.steps:
            lines.append(f"  {step.name:<14} {len(step.inputs):>6} {step.taps:>5} {step.loads:>5} {step.seconds:>7.2f}")
        return "\n".join(lines)


def log_in(walk, live_server, username):
    page = walk.page
    page.goto(f"{live_server.url}/")
    walk.fill(page.get_by_label("Gebruikersnaam"), username, "username")
    walk.fill(page.get_by_label("Wachtwoord"), PASSWORD, "password")
    walk.tap(page.get_by_role("button", name="Inloggen"))


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_the_whole_chain_counted_per_step(browser, live_server, personas, screenshot, tmp_path, capsys, size):
    viewport = TABLET if size == "tablet" else PHONE
    context = browser.new_context(viewport=viewport, locale="nl-NL", has_touch=True, is_mobile=size == "phone")
    page = context.new_page()
    walk = Walk(page, screenshot, size)
    photo = tmp_path / "plan.jpg"
    photo.write_bytes(factories.jpeg_bytes(2400, 1700))

    walk.begin("log in")
    log_in(walk, live_server, personas.triagist.username)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Triage")
    walk.end()

    walk.begin("aanmelding")
    walk.tap(page.get_by_role("link", name="Nieuwe aanmelding"))
    walk.tap(page.get_by_role("radio", name="School"), "channel")
    walk.fill(page.get_by_label("Gezin", exact=True), "Gezin Wolters", "family_label")
    walk.fill(page.get_by_label("Telefoonnummer"), "0612345678", "phone")
    walk.fill(page.get_by_label("Postcode"), "9713 AB", "postcode")
    walk.fill(page.get_by_label("Huisnummer"), "8", "house_number")
    walk.fill(page.locator("#id_children-0-first_name"), "Mees", "children")
    walk.fill(page.locator("#id_children-0-birth_year"), str(timezone.localdate().year - 8), "children")
    walk.tap(page.get_by_role("checkbox", name="Gedrag"), "categories")
    walk.fill(page.get_by_label("Vraag in de woorden van het gezin"), "Veel boosheid na school.", "question")
    walk.tap(page.get_by_role("button", name="Aanmelding opslaan"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Gezin Wolters")
    walk.end()

    walk.begin("triage")
    walk.tap(page.get_by_label("Basisjeugdhulp"), "route")
    walk.tap(page.get_by_label("Individuele begeleiding middel"), "product")
    walk.tap(page.get_by_role("button", name="Besluit opslaan"))
    expect(page.locator(".messages")).to_contain_text("Eerste contact uiterlijk")
    walk.end()

    walk.begin("match")
    walk.tap(page.get_by_role("button", name="Kies Bob"))
    expect(page.locator(".messages")).to_contain_text("Bob is nu de vaste professional")
    walk.end()
    walk.tap(page.get_by_role("button", name="Afmelden"))

    walk.begin("log in")
    log_in(walk, live_server, personas.professional.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gezinnen")
    walk.end()

    walk.begin("first contact")
    walk.tap(page.locator(".cases").first.get_by_role("link", name="Gezin Wolters"))
    walk.tap(page.get_by_role("link", name="De aanmelding"))
    walk.tap(page.get_by_label("Telefonisch"), "contact_mode")
    walk.tap(page.get_by_role("button", name="Eerste contact opslaan"))
    expect(page.locator(".messages")).to_contain_text("Eerste contact vastgelegd")
    walk.end()

    walk.begin("A3 photo")
    walk.tap(page.get_by_role("link", name="Traject en A3-plan"))
    with page.expect_file_chooser() as chooser:
        walk.tap(page.get_by_text("Foto van het A3-plan", exact=True), "photo")
    chooser.value.set_files(photo)
    expect(page.locator(".messages")).to_contain_text("1 foto toegevoegd aan het plan.")
    expect(page.locator(".plan-version img").first).to_be_visible()
    walk.end()

    walk.begin("close")  # its own step: the form, then a summary to confirm
    walk.tap(page.get_by_role("link", name="Traject afsluiten…"))
    walk.fill(page.get_by_label("Einddatum"), timezone.localdate().isoformat(), "ended_on")
    walk.tap(page.get_by_label("Doel bereikt"), "end_reason")
    walk.fill(page.get_by_label("Gemiddeld aantal uren per week"), "2,5", "hours_per_week")
    walk.tap(page.get_by_role("button", name="Verder: controleren"))
    walk.tap(page.get_by_role("button", name="Ja, traject afsluiten"))
    expect(page.locator(".messages")).to_contain_text("is afgesloten")
    walk.end()
    context.close()

    with capsys.disabled():
        print("\n" + walk.report())
    (DOCS_SCREENSHOTS / f"walk-{size}-counts.txt").write_text(walk.report() + "\n")
    assert walk.problems == [], "\n".join(walk.problems)
    by_name = {step.name: step for step in walk.steps}
    assert len(by_name["aanmelding"].inputs) <= TARGETS["aanmelding"]["inputs"]
    # First contact: one tap for how it went, the date is today's already; then save.
    assert by_name["first contact"].inputs == {"contact_mode"}
    assert by_name["A3 photo"].taps <= TARGETS["A3 photo"]["taps"]
    assert len(by_name["close"].inputs) <= TARGETS["close"]["inputs"]
