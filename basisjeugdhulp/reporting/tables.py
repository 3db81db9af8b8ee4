"""Figures as tables of cells, each cell already protected when it is made (disclosure.py).

A count of families or trajectories is made with `count(n, key_sum)`: the cell holds only the
published number, never the register's. A derived figure (share, median, average) is made with
`derived(value, base)` from a published base, and shown only when that base is large enough.
Professionals are counted with `staff(n)`: they are staff, not families, and not perturbed.
Every form (page, CSV, XLSX, JSON) reads the same `Cell.export()`, so a cell has one value.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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
        decimal, grouping, thousands = _separators(get_language())
        if self.kind in ("count", "staff"):
            return numberformat.format(int(self.value), decimal, None, grouping, thousands, force_grouping=True)
        text = numberformat.format(self.value, decimal, 1, grouping, thousands, force_grouping=True)
        return f"{text}%" if self.kind == "percent" else text


@lru_cache(maxsize=8)
def _separators(language):
    """The active language's number format, looked up once: what number_format looks up again
    for every one of a dashboard's ~400 cells (~2 ms of its worker CPU at full size)."""
    return get_format("DECIMAL_SEPARATOR"), get_format("NUMBER_GROUPING"), get_format("THOUSAND_SEPARATOR")


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

    @property
    def cells_html(self):
        """The row's cells as <td>s (templates/reporting/table.html). A year's dashboard has
        ~400 cells; drawn by a template loop each cost ~15 µs of the worker, here ~3 µs."""
        return mark_safe("".join(
            f'<td class="number{" withheld" if cell.withheld else ""}">{conditional_escape(str(cell))}</td>'
            for cell in self.cells
        ))


@dataclass
class Table:
    key: str
    title: str
    columns: list
    rows: list
    total: Row | None = None
    note: str = ""
    chart: dict = field(default_factory=dict)

    @property
    def rows_html(self):
        """The body's rows (templates/reporting/table.html): the per-team table has one per team,
        ~40 at country scale, which a template loop drew in ~1.5 ms of the worker."""
        return mark_safe("".join(
            f'<tr><th scope="row">{conditional_escape(row.label)}</th>{row.cells_html}</tr>' for row in self.rows
        ))

    def column(self, index):
        return [row.cells[index] for row in self.rows]

    def row(self, key):
        return next((row for row in self.rows if row.key == key), None)
