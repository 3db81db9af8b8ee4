"""Browser tests: the register served by pytest-django's live server, driven in Debian's
Chromium by Playwright. Screenshots go to test-results/screenshots/ (kept, not committed)."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import need

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"



# Playwright's sync API runs an event loop in the test thread; Django's ORM, used by the tests
# to create the test database and set up data, refuses to run there unless told it is safe (it
# is: one thread). It must be set before the session's database fixture runs, so it is set on
# import; tests that start a subprocess leave it out of the child's environment.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    need(executable is not None, "Chromium is not installed (Debian: apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        # The machine has no network but loopback: keep Chromium from calling home.
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--lang=nl-NL",  # Dutch date inputs, as on the WIJ-team's tablets
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": TABLET, "locale": "nl-NL", "has_touch": True}


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        path = SCREENSHOTS / f"{name}.png"
        # caret="initial": hiding the caret makes Playwright inject a style, which the strict
        # CSP (rightly) blocks and csp_violations would report as the register's fault.
        page.screenshot(path=path, full_page=True, caret="initial")
        return path

    return take


@pytest.fixture
def csp_violations(page):
    """Console messages of the page that report a blocked script or style."""
    seen = []
    page.on(
        "console",
        lambda message: seen.append(message.text)
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
        else None,
    )
    return seen
