"""What the rows of a long list share, worked out once (per request, or per process where it
depends only on the language or the day) instead of once per row.

The triage queue and a professional's start page list dozens of families at country scale, and
are the pages opened most. Per row, ``get_FOO_display`` translates every choice of the field
again, ``{% url %}`` resolves the pattern again and ``|date`` formats the same few days again;
these helpers do each once (bench/openloop.py measures the pages).

Still worth it (issue 24, bench/speedups.py, 2026-12-06): ten start-page rows' labels, URLs and
dates cost 0.08 ms of CPU this way against 0.67 ms per row with ``get_FOO_display``,
``reverse`` and ``|date``: 0.59 ms a request, ~8 % of the floor view's worker CPU. The queue,
which shares them, measured 1.48–1.53× the floor's CPU at full size without its written-out
query and 1.16–1.18× with it (target ≤ 1.4×, bench/openloop.py): with them.
"""

from functools import cache, lru_cache

from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import get_language

ZERO_ID = "00000000-0000-0000-0000-000000000000"


def labels(choices):
    """{value: translated label} of a TextChoices class, in the active language; translated
    once per language in a process (a queue request translated ~30 labels: 0.15 ms). Shared:
    read it, do not change it."""
    return _labels(choices, get_language())


@cache
def _labels(choices, language):
    return {value: str(label) for value, label in choices.choices}


def url_maker(name):
    """A function public_id -> URL of the named pattern, which takes one UUID."""
    pattern = reverse(name, args=[ZERO_ID])
    return lambda public_id: pattern.replace(ZERO_ID, str(public_id))


class DateWords:
    """Dates in words (``dateformat`` patterns) in the active language, each distinct day
    formatted once per process: the pages list the same few weeks of days request after request."""

    def __init__(self):
        self.language = get_language()

    def __call__(self, day, pattern):
        if day is None:
            return ""
        return _date_words(day, pattern, self.language)


@lru_cache(maxsize=4096)
def _date_words(day, pattern, language):
    return dateformat.format(day, pattern)
