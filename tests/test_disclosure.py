"""The perturbation table of the cell-key method (reporting/disclosure.py): what the municipality
may conclude from a published count, and what it can never see."""

from decimal import Decimal

import pytest

from basisjeugdhulp.reporting import disclosure
from basisjeugdhulp.reporting.tables import count, derived, share

COUNTS = range(0, 300)


def test_each_row_covers_every_cell_key_once():
    for n in COUNTS:
        row = disclosure.row(n)
        assert sum(slots for _value, slots in row) == disclosure.KEY_RANGE, n
        assert all(slots > 0 for _value, slots in row), n


def test_zero_stays_zero_for_every_cell_key():
    assert {disclosure.perturb(0, key) for key in range(disclosure.KEY_RANGE)} == {0}


def test_no_count_of_one_to_four_is_ever_published_and_none_moves_more_than_four():
    for n in COUNTS:
        shown = {disclosure.perturb(n, key) for key in range(disclosure.KEY_RANGE)}
        assert not shown & {1, 2, 3, 4}, n
        assert all(abs(value - n) <= disclosure.MAX_DEVIATION for value in shown), n


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_a_small_count_comes_out_as_zero_or_five_and_more_both_ways(n):
    shown = {disclosure.perturb(n, key) for key in range(disclosure.KEY_RANGE)}
    assert 0 in shown and disclosure.SMALLEST_SHOWN in shown


def test_the_noise_is_unbiased():
    """Averaged over the cell keys, the published count is the true one (up to the slots'
    rounding to 1/256), so sums over many cells stay right."""
    for n in COUNTS:
        mean = sum(disclosure.perturb(n, key) for key in range(disclosure.KEY_RANGE)) / disclosure.KEY_RANGE
        assert mean == pytest.approx(n, abs=0.02), n


def test_large_counts_move_both_ways_but_mostly_not_at_all():
    shown = [disclosure.perturb(100, key) for key in range(disclosure.KEY_RANGE)]
    assert min(shown) == 96 and max(shown) == 104
    assert shown.count(100) / len(shown) > 0.3


def test_what_a_reader_concludes_from_a_published_count_always_holds():
    for n in COUNTS:
        for key in range(disclosure.KEY_RANGE):
            assert n in disclosure.possible_counts(disclosure.perturb(n, key)), (n, key)


def test_every_published_count_could_stand_for_several_true_counts():
    for published in [0, *range(disclosure.SMALLEST_SHOWN, 300)]:
        assert len(disclosure.possible_counts(published)) >= disclosure.SMALLEST_SHOWN


def test_the_same_records_give_the_same_number_and_the_key_wraps_around():
    assert count(7, 300) == count(7, 300 - disclosure.KEY_RANGE)
    assert count(7, 300).value == disclosure.perturb(7, 300 % disclosure.KEY_RANGE)


def test_a_share_rests_on_published_counts_and_a_small_base_is_withheld():
    assert share(10, 40).value == Decimal("25.0")
    assert share(45, 40).value == Decimal("100.0")  # noise put the part over its base
    assert share(5, 9).export() == disclosure.TOO_FEW
    assert share(0, 0).export() is None  # nothing to rest on: no data, not withheld
    assert derived(2.5, 9).export() == disclosure.TOO_FEW
    assert derived(2.5, 10).export() == 2.5


@pytest.mark.parametrize(("value", "shown"), [(2.25, "2.3"), (2.35, "2.4"), (71.42857, "71.4"), (0.05, "0.1"), (12.95, "13.0")])
def test_one_rounding_half_up_for_every_form(value, shown):
    cell = derived(value, 20)
    assert str(disclosure.rounded(value)) == shown
    assert cell.export() == float(shown)
    assert str(cell) == shown.replace(".", ",")  # the page (Dutch decimal comma)
