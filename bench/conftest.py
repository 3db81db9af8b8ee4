"""The tests' fixtures (personas, the live server, Chromium) for bench/photo_upload.py, which
runs a browser scenario under pytest."""

from tests.conftest import *  # noqa: F401,F403
from tests.browser.conftest import *  # noqa: F401,F403
