"""Exactly what the page shows, as CSV, XLSX and JSON: the same protected cells, and the same
sentence about the protection (disclosure.py)."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from basisjeugdhulp.reporting import disclosure


def filename(scope, extension):
    parts = ["basisjeugdhulp-cijfers", scope.period.code]
    if scope.team:
        parts.append(scope.team.name.lower().replace(" ", "-"))
    if scope.product:
        parts.append(scope.product)
    return "-".join(parts) + "." + extension


def rows(tables):
    """(table, row, column, value) for every cell, totals included."""
    for table in tables.values():
        lines = [*table.rows, *([table.total] if table.total else [])]
        for line in lines:
            for column, cell in zip(table.columns, line.cells):
                yield table.title, line.label, column, cell.export()


def as_csv(scope, tables, headings):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # Dutch spreadsheets read ; as the separator
    writer.writerow(headings)
    for row in rows(tables):
        writer.writerow(["" if value is None else value for value in row])
    writer.writerow([_("Note"), disclosure.sentence(), "", ""])
    return "\ufeff" + out.getvalue()  # the BOM tells Excel it is UTF-8


def as_xlsx(scope, tables, headings):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(scope.period.code)
    sheet.append(headings)
    for row in rows(tables):
        sheet.append(list(row))
    sheet.append([_("Note"), disclosure.sentence()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_json(scope, tables):
    return {
        "period": {"code": scope.period.code, "start": scope.period.start.isoformat(), "end": scope.period.end.isoformat()},
        "team": scope.team.name if scope.team else None,
        "product": scope.product or None,
        "protection": disclosure.metadata(),
        "tables": [
            {
                "key": table.key,
                "title": table.title,
                "columns": table.columns,
                "rows": [{"key": row.key, "label": row.label, "values": [cell.export() for cell in row.cells]} for row in table.rows],
                "total": [cell.export() for cell in table.total.cells] if table.total else None,
            }
            for table in tables.values()
        ],
    }
