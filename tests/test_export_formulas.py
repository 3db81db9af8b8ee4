"""A team's name that starts like a formula leaves the register as text, never as a live formula
or link in a spreadsheet (CSV injection, security review issue 20)."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from basisjeugdhulp.reporting import exports
from basisjeugdhulp.reporting.tables import Cell, Row, Table
from basisjeugdhulp.teams.models import Team

HOSTILE = [
    '=HYPERLINK("http://evil.example","klik")',
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "=1;=2",  # the CSV separator inside: still one field
]


@pytest.fixture
def hostile_teams(personas):
    for n, name in enumerate(HOSTILE):
        Team.objects.create(name=name, district=f"Wijk {n}")
    return HOSTILE


def test_the_csv_export_puts_a_quote_before_a_name_that_starts_like_a_formula(client, personas, hostile_teams):
    client.force_login(personas.analyst)
    response = client.get(reverse("reporting:export_csv"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
    labels = {row[1] for row in rows[1:]}
    for name in hostile_teams:
        assert "'" + name in labels
        assert name not in labels
    # No field of the file starts like a formula.
    assert not [field for row in rows for field in row if field.startswith(exports.FORMULA_START)]
    # The ordinary team names are untouched.
    assert "WIJ Noord" in labels


def test_the_xlsx_export_stores_such_a_name_as_plain_text(client, personas, hostile_teams):
    client.force_login(personas.analyst)
    response = client.get(reverse("reporting:export_xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    labels = {cell.value: cell for cell in cells if isinstance(cell.value, str)}
    for name in hostile_teams:
        # The name exactly as the team is called, without a quote (an XML reader turns a
        # carriage return into a line feed, as it does in any text of an XLSX).
        cell = labels[name.replace("\r", "\n")]
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text, even when the cell is edited
    # Read as the XML itself: no <f> (formula) element anywhere in the sheet.
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in archive.read(name) or b"<f " in archive.read(name) for name in sheets)


def test_numbers_stay_numbers_and_only_text_gets_a_quote():
    table = Table("t", "-Tabel", ["=kolom", "Aantal"], [
        Row("-1 (tekst)", [Cell(-3), Cell(None)]),
        Row("Gewoon", [Cell(7), Cell(2.5, kind="decimal")]),
    ])
    tables = {"t": table}
    from types import SimpleNamespace

    scope = SimpleNamespace(period=SimpleNamespace(code="2026"), team=None, product="")
    text = exports.as_csv(scope, tables, ["Tabel", "Rij", "Kolom", "Waarde"])
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert rows[1] == ["'-Tabel", "'-1 (tekst)", "'=kolom", "-3"]
    assert rows[3] == ["'-Tabel", "Gewoon", "'=kolom", "7"]

    sheet = next(iter(load_workbook(io.BytesIO(exports.as_xlsx(scope, tables, ["Tabel", "Rij", "Kolom", "Waarde"])))))
    values = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert [cell.value for cell in values] == ["-Tabel", "-1 (tekst)", "=kolom", -3]
    assert [cell.data_type for cell in values] == ["s", "s", "s", "n"]
    assert values[3].value == -3 and not values[3].quotePrefix


def test_the_file_name_of_a_team_export_holds_no_quote_or_separator():
    from types import SimpleNamespace

    team = SimpleNamespace(name='=HYPERLINK("http://evil.example","klik");x')
    scope = SimpleNamespace(period=SimpleNamespace(code="2026"), team=team, product="")
    name = exports.filename(scope, "csv")
    assert name == "basisjeugdhulp-cijfers-2026-hyperlinkhttpevilexampleklikx.csv"
