"""Figures as tables of cells, and the small-number rule that protects the families in them.

The rule (one place, applied before anything is shown or exported):

1. Primary: a cell that counts families and holds 1 to threshold-1 (settings.REPORT_MIN_CELL,
   default 5) shows "<5". Zero is shown: it points to nobody.
2. Derived figures (a percentage, an average, a median) rest on a count of families; when that
   count is 1 to threshold-1, the figure shows "<5" as well.
3. Secondary, so a total cannot give a cell away: in every column with a total, if exactly one
   cell is protected, the smallest other non-zero cell is protected too and shows "×". A total that is
   itself 1 to threshold-1 is protected, which leaves nothing to subtract from.
4. Across filters: a team's (or product's) figure seen through a filter is the same cell as in
   the per-team (per-product) table, with the same protection; when that cell is protected,
   the breakdowns seen through the filter that add up to it are protected as a whole ("×"),
   because summing them would give the protected figure back.

What this does not claim: protection against every combination of two filters at once (team and
product together) — those views show only tables whose every cell passes rule 1 and 3.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import number_format

PRIMARY = "<5"
SECONDARY = "×"


def threshold():
    return getattr(settings, "REPORT_MIN_CELL", 5)


@dataclass
class Cell:
    value: object  # int, float or None (no data)
    kind: str = "count"  # count (of families) | staff (a count of professionals) | percent | decimal
    base: int | None = None  # for derived figures: the families they rest on
    protected: str = ""  # "", PRIMARY or SECONDARY

    @property
    def is_count(self):
        return self.kind == "count"

    def export(self):
        """What CSV, XLSX and JSON carry: the number, or the protection mark."""
        if self.protected:
            return self.protected
        if self.value is None:
            return None
        if self.kind in ("count", "staff"):
            return int(self.value)
        return round(float(self.value), 1)

    def __str__(self):
        if self.protected:
            return self.protected
        if self.value is None:
            return "—"
        if self.kind in ("count", "staff"):
            return number_format(int(self.value), force_grouping=True)
        if self.kind == "percent":
            return f"{number_format(float(self.value), 0)}%"
        return number_format(float(self.value), 1)


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

    def protect_all(self):
        """Rule 4: nothing of this table may be summed back to a protected figure."""
        for row in [*self.rows, *([self.total] if self.total else [])]:
            for cell in row.cells:
                if cell.value and not cell.protected:
                    cell.protected = SECONDARY


def protect(table):
    """Apply rules 1-3 to a table, in place. Returns the table."""
    low = threshold()
    rows = [*table.rows, *([table.total] if table.total else [])]
    for row in rows:
        for cell in row.cells:
            amount = cell.value if cell.is_count else cell.base
            if amount is not None and 0 < amount < low:
                cell.protected = PRIMARY
    if table.total is None:
        return table
    for index, total in enumerate(table.total.cells):
        if not total.is_count:
            continue
        cells = [cell for cell in table.column(index) if cell.is_count]
        if total.protected:
            for cell in cells:
                if cell.value and not cell.protected:
                    cell.protected = SECONDARY
            continue
        hidden = [cell for cell in cells if cell.protected]
        if len(hidden) == 1:
            # A zero beside it would not help: the total minus the rest would still be the cell.
            others = [cell for cell in cells if not cell.protected and cell.value]
            if others:
                min(others, key=lambda cell: cell.value).protected = SECONDARY
    return table
