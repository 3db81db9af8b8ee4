"""Figures as tables of cells, each cell already protected when it is made (disclosure.py).

A count of families or trajectories is made with `count(n, key_sum)`: the cell holds only the
published number, never the register's. A derived figure (share, median, average) is made with
`derived(value, base)` from a published base, and shown only when that base is large enough.
Professionals are counted with `staff(n)`: they are staff, not families, and not perturbed.
Every form (page, CSV, XLSX, JSON) reads the same `Cell.export()`, so a cell has one value.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format

from basisjeugdhulp.reporting import disclosure


@dataclass
class Cell:
    value: object  # int (a count), Decimal (a rounded figure), or None (no data)
    kind: str = "count"  # count (published, perturbed) | staff | percent | decimal
    withheld: bool = False  # a derived figure on too small a base

    def export(self):
        """What CSV, XLSX and JSON carry: the number, the mark of a withheld figure, or None."""
        if self.withheld:
            return disclosure.TOO_FEW
        if self.value is None:
            return None
        if self.kind in ("count", "staff"):
            return int(self.value)
        return float(self.value)

    @property
    def number(self):
        """The value a chart draws, or None."""
        return None if self.withheld or self.value is None else float(self.value)

    def __str__(self):
        if self.withheld:
            return disclosure.TOO_FEW
        if self.value is None:
            return "—"
        if self.kind in ("count", "staff"):
            return number_format(int(self.value), force_grouping=True)
        text = number_format(self.value, 1, force_grouping=True)
        return f"{text}%" if self.kind == "percent" else text


def count(n, key_sum):
    """A count of families or trajectories: only its published (perturbed) value is kept."""
    return Cell(disclosure.perturb(n or 0, key_sum or 0))


def staff(n):
    return Cell(n or 0, "staff")


def derived(value, base, kind="decimal"):
    """A share, median or average resting on a published count `base`."""
    if not base:
        return Cell(None, kind)
    if not disclosure.shown_base(base):
        return Cell(None, kind, withheld=True)
    return Cell(disclosure.rounded(value), kind)


def share(numerator, base):
    """numerator / base as a percentage, both published counts, so share × base gives back
    only the published numerator. Noise can put the numerator above its base: capped at 100."""
    if not base:
        return derived(None, base, "percent")
    return derived(Decimal(100) * min(numerator, base) / base, base, "percent")


@dataclass
class Row:
    label: str
    cells: list
    key: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list
    total: Row | None = None
    note: str = ""
    chart: dict = field(default_factory=dict)

    def column(self, index):
        return [row.cells[index] for row in self.rows]

    def row(self, key):
        return next((row for row in self.rows if row.key == key), None)
