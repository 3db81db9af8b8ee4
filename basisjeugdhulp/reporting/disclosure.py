"""Disclosure control for the municipality's figures: the cell-key method.

Hiding small cells does not protect a table whose totals, neighbours, overlapping periods and
filtered versions are published too: subtraction gives the hidden numbers back (FIGURES.md,
issue 19). The register therefore uses the cell-key method of ONS (Census 2021), the ABS
(TableBuilder), Destatis and Statistik Austria, for every count the municipality can fetch:

- every aanmelding gets a secret random record key once (Registration.figure_key, 0..255),
  never exported; its trajectory, second checks and matches count with the same key;
- every published count is counted from its units (never as a sum of published cells) and its
  cell key is the sum of its units' record keys modulo 256 — so the same set of families gives
  the same cell key, and the same published number, in every table, filter, period and format;
- the perturbation table below turns (true count, cell key) into the published count: zero
  stays zero, the noise is unbiased and at most MAX_DEVIATION, and a count of 1 to 4 is never
  shown as such (it comes out as 0 or as 5 or more). A difference of two noisy cells stays
  noisy, and asking again gives the same answer, so averaging repeats does not help;
- shares are computed from the published numerator and denominator, and every derived figure
  (share, median, average) is shown only when its published base is at least MIN_BASE.

Parameters (docs/figures.md says why): D = 4 as in ONS-style tables, smallest shown count 5 as
in CBS StatLine's youth-care tables, derived figures from a base of 10.
"""

import secrets
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

KEY_RANGE = 256  # record keys and cell keys are 0..255
MAX_DEVIATION = 4  # no published count differs more than this from the register
SMALLEST_SHOWN = 5  # a published count is 0 or at least this: 1-4 never appear
MIN_BASE = 10  # a share, median or average needs a published base of at least this
TOO_FEW = "x"  # a derived figure on too small a base: CBS's sign for "geheim"

# The noise on a count large enough to move both ways (SMALLEST_SHOWN + MAX_DEVIATION and up):
# slots out of KEY_RANGE for -4..+4, symmetric (unbiased), rare at the edges.
NOISE_SLOTS = (2, 8, 24, 48, 92, 48, 24, 8, 2)


def new_record_key():
    """A record's secret key: uniform over the key range, drawn once, never exported."""
    return secrets.randbelow(KEY_RANGE)


def cell_key(key_sum):
    return int(key_sum) % KEY_RANGE


def _slots(weights):
    """Whole slots out of KEY_RANGE in proportion to `weights` ({published: weight})."""
    total = sum(weights.values())
    slots = {value: int(KEY_RANGE * weight / total) for value, weight in weights.items()}
    # The slots lost to rounding go to the most likely value (for a small count: zero).
    likeliest = max(weights, key=lambda value: weights[value])
    slots[likeliest] += KEY_RANGE - sum(slots.values())
    return slots


@cache
def row(n):
    """The perturbation table's row for a true count n: ((published, slots), …), slots adding up
    to KEY_RANGE, published values in increasing order."""
    if n <= 0:
        return ((0, KEY_RANGE),)
    if n < SMALLEST_SHOWN:
        # 0 or SMALLEST_SHOWN..n+D, equally likely among the shown ones, unbiased:
        # P(shown value) = 2 / (n + 9) each makes the mean n for D = 4 and 5 as the smallest shown.
        shown = range(SMALLEST_SHOWN, n + MAX_DEVIATION + 1)
        each = n / sum(shown)
        slots = {v: int(KEY_RANGE * each) for v in shown}
        # Whole slots lose a little of the mean: give the shown values back what brings the
        # published sum over all cell keys closest to n × KEY_RANGE.
        target = n * KEY_RANGE
        while True:
            total = sum(v * k for v, k in slots.items())
            best = min(shown, key=lambda v: abs(total + v - target))
            if abs(total + best - target) >= abs(total - target):
                break
            slots[best] += 1
        return ((0, KEY_RANGE - sum(slots.values())), *sorted(slots.items()))
    # Symmetric noise, narrowed near the smallest shown count so it never dips below it.
    reach = min(MAX_DEVIATION, n - SMALLEST_SHOWN)
    weights = {n + d: NOISE_SLOTS[d + MAX_DEVIATION] for d in range(-reach, reach + 1)}
    return tuple(sorted(_slots(weights).items()))


def perturb(n, key_sum):
    """The published count for a true count `n` of units whose record keys add up to `key_sum`."""
    key = cell_key(key_sum)
    for published, slots in row(n):
        if key < slots:
            return published
        key -= slots
    raise AssertionError("the perturbation row covers the key range")


def possible_counts(published):
    """The true counts a published count can stand for: what a reader may conclude, no more."""
    if published == 0:
        return range(0, SMALLEST_SHOWN)
    return range(max(1, published - MAX_DEVIATION), published + MAX_DEVIATION + 1)


def shown_base(published_base):
    """Whether a share, median or average on this published base may be shown."""
    return published_base is not None and published_base >= MIN_BASE


def rounded(value, places=1):
    """One rounding for every figure in every form: half up, `places` decimals."""
    if value is None:
        return None
    exponent = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP)


def sentence():
    """What the dashboard and every export say about the protection (Dutch via gettext)."""
    from django.utils.translation import gettext as _

    return _(
        "To protect families, small numbers differ slightly: every number may differ by up to "
        "%(deviation)d from the register, and parts need not add up to their total. "
        "Shares and averages on fewer than %(base)d are not shown (%(mark)s)."
    ) % {"deviation": MAX_DEVIATION, "base": MIN_BASE, "mark": TOO_FEW}


def metadata():
    """The protection as the JSON feed states it, so a consumer can reason about it."""
    return {
        "method": "cell-key",
        "max_deviation": MAX_DEVIATION,
        "smallest_shown": SMALLEST_SHOWN,
        "min_base": MIN_BASE,
        "not_shown": TOO_FEW,
        "note": sentence(),
    }
