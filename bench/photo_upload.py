"""A plan photo from a phone on a weak 4G line (issue 24): from choosing a 12 MP JPEG to the
register's "1 foto toegevoegd aan het plan" (the photo saved), in headless Chromium with the
line throttled over the DevTools protocol (1.6 Mbit/s up, 4 Mbit/s down, 150 ms latency), with
the phone making the photo smaller first (static/js/upload.js) and without (the original sent),
BENCH_REPEATS times each (default 2). The scenario is tests/browser/slow_line.py; the browser
test asserts what must happen, this prints how long it takes.

Target: ≤ 5 s from choosing to saved, with the stored photo as large as before (2,400 px).

Run: make bench ARGS=bench/photo_upload.py   (about 2 minutes)
"""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REPEATS = int(os.environ.get("BENCH_REPEATS", "2"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("downscale", [True, False], ids=["made smaller on the phone", "original"])
def test_photo_upload_on_a_slow_line(browser, live_server, personas, tmp_path, downscale):
    from playwright.sync_api import expect

    from basisjeugdhulp.plans.models import PlanPhoto
    from tests import factories
    from tests.browser.slow_line import open_the_trajectory, phone_photo, upload_on_a_slow_line

    photo = phone_photo(tmp_path / "IMG_4032.jpg")
    rows = []
    for n in range(REPEATS):
        label = f"Gezin Meting {n}"
        journey = factories.trajectory(personas.team, family_label=label)
        context, page = open_the_trajectory(browser, live_server, personas.professional.username, label)
        figures = upload_on_a_slow_line(context, page, photo, downscale=downscale)
        expect(page.locator(".plan-version img").first).to_have_js_property("complete", True)  # before the user goes
        context.close()
        stored = PlanPhoto.objects.get(trajectory=journey)
        rows.append((figures, stored))
    for figures, stored in rows:
        print(f"\n{'made smaller' if downscale else 'original':<13} {photo.stat().st_size / 1e6:>5.1f} MB chosen, "
              f"{figures['bytes'] / 1e6:>5.2f} MB sent; made smaller {figures['prepared']:>4.1f} s, upload answered "
              f"{figures['answered']:>5.1f} s, saved message {figures['seconds']:>5.1f} s; stored {stored.width}×{stored.height}")


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basisjeugdhulp.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as tests/browser/conftest.py
    import django

    django.setup()  # the test helpers' modules import models
    sys.exit(pytest.main([__file__, "-q", "-s",
                          "-p", "no:cacheprovider", "-W", "ignore"]))
