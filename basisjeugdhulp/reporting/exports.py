"""Exactly what the page shows, as CSV, XLSX and JSON: the same protected cells, and the same
sentence about the protection (disclosure.py).

A label is typed by people (a team's name): one that starts like a formula (=, +, -, @, a tab or
a carriage return) must stay text in a spreadsheet, never become a live formula or link (CSV
injection). In CSV it gets a leading single quote, as OWASP advises; in XLSX it is stored as a
plain string, marked "quote prefix" as Excel does for text typed after a ', so the cell shows the
name exactly and stays text even when edited. Numbers stay numbers: a negative count is no text."""

import csv
import io

from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from basisjeugdhulp.reporting import disclosure


# What a spreadsheet may read as the start of a formula (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def starts_like_a_formula(value):
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value):
    """A CSV field: text that starts like a formula behind a single quote; numbers as they are."""
    if value is None:
        return ""
    return "'" + value if starts_like_a_formula(value) else value


def xlsx_cell(sheet, value):
    """An XLSX cell: text that starts like a formula as a plain string (openpyxl would store any
    string starting with = as a formula), with Excel's quote prefix; anything else as it is."""
    if not starts_like_a_formula(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def filename(scope, extension):
    parts = ["basisjeugdhulp-cijfers", scope.period.code]
    if scope.team:
        # Only letters, digits and dashes: a team's name can hold quotes or ; that would end
        # the Content-Disposition header's file name.
        parts.append(slugify(scope.team.name) or "team")
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
    for row in [headings, *rows(tables), [_("Note"), disclosure.sentence(), "", ""]]:
        writer.writerow([csv_text(value) for value in row])
    return "\ufeff" + out.getvalue()  # the BOM tells Excel it is UTF-8


def as_xlsx(scope, tables, headings):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(scope.period.code)
    for row in [headings, *rows(tables), [_("Note"), disclosure.sentence()]]:
        sheet.append([xlsx_cell(sheet, value) for value in row])
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
