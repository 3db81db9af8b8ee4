"""The delivery's two formats, both from the layout table (layout.py): CBS's standard
spreadsheet (XLSX, one column per field in the table's order, its headings) and CBS's "ASCII
fixed format" (one line per record, each field at its position, left-aligned, padded with
spaces; lines end in CR LF).

Every value is text, so leading zeros stay ("01", "000000000"); text that could start a formula
is neutralised as in the municipality's exports (reporting/exports.py)."""

import io

from openpyxl import Workbook

from basisjeugdhulp.reporting.exports import xlsx_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ASCII_TYPE = "text/plain; charset=us-ascii"
FORMATS = {"xlsx": (XLSX_TYPE, "xlsx"), "ascii": (ASCII_TYPE, "txt")}


def as_ascii(records, fields):
    lines = []
    for record in records:
        line = "".join(record.values.get(field.name, "").ljust(field.length) for field in fields)
        lines.append(line)
    return ("".join(line + "\r\n" for line in lines)).encode("ascii")


def as_xlsx(records, fields, sheet_name):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append([field.heading for field in fields])
    for record in records:
        sheet.append([xlsx_cell(sheet, record.values.get(field.name, "")) for field in fields])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render(fmt, extract, fields):
    """(bytes, content type, file name): the name says the survey and period, nothing of a family."""
    content_type, extension = FORMATS[fmt]
    if fmt == "xlsx":
        data = as_xlsx(extract.records, fields, extract.period.code)
    else:
        data = as_ascii(extract.records, fields)
    return data, content_type, f"cbs-beleidsinformatie-jeugd-{extract.period.code}.{extension}"
