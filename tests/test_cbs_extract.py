"""The half-yearly CBS delivery (issue 27): which trajectories, which records, which codes, both
formats — read back by a reader of its own (the layout CSV through the csv module, the XLSX
through openpyxl), never by the writer's code."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.cbs import delivery, layout
from basisjeugdhulp.cbs.extract import HalfYear
from basisjeugdhulp.cbs.models import Delivery
from basisjeugdhulp.intake.models import Registration
from basisjeugdhulp.trajectories.models import EndReason
from tests import factories

H1_2025 = HalfYear(2025, 1)
TODAY = date(2025, 12, 1)


def read_layout(path=layout.DEFINITION):
    """The test's own reading of the layout table: [(name, heading, start, length)]."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [(row["veld"], row["kolomkop"], int(row["positie"]), int(row["lengte"]))
                for row in csv.DictReader(handle, delimiter=";")]


def read_ascii(data):
    """[{field: value}] from the fixed-width file, by the table's positions; the lines as well."""
    lines = data.decode("ascii").split("\r\n")
    assert lines[-1] == ""  # every line ends in CR LF
    table = read_layout()
    records = [{name: line[start - 1:start - 1 + length].strip() for name, _h, start, length in table}
               for line in lines[:-1]]
    return records, lines[:-1]


def read_xlsx(data):
    sheet = load_workbook(io.BytesIO(data)).active
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    headings = {heading: name for name, heading, _s, _l in read_layout()}
    return rows[0], [{headings[h]: value for h, value in zip(rows[0], row)} for row in rows[1:]]


def helped(team, start, end=None, reason=EndReason.GOAL_REACHED, children=(("Sara", 2015),), postcode="9712 AB"):
    """A family helped from `start` (first contact) to `end`."""
    case = factories.registration(team, "contacted", received_on=start, children=children, postcode=postcode)
    trajectory = case.trajectory
    trajectory.started_on, trajectory.ended_on = start, end
    trajectory.end_reason = reason if end else ""
    trajectory.save()
    return trajectory


@pytest.fixture
def half_year(personas):
    """A hand-built half year around January–June 2025, and trajectories outside it."""
    team = personas.team
    return {
        "before_and_ended_in": helped(team, date(2024, 11, 1), date(2025, 3, 15), EndReason.STOPPED),
        "in_and_running": helped(team, date(2025, 5, 1), children=(("Daan", 2012), ("Noor", 2016))),
        "ended_on_last_day": helped(team, date(2025, 2, 3), date(2025, 6, 30), EndReason.MOVED),
        "ended_on_first_day": helped(team, date(2024, 12, 2), date(2025, 1, 1)),
        "started_on_last_day": helped(team, date(2025, 6, 30)),
        "ended_after": helped(team, date(2025, 4, 1), date(2025, 8, 1), EndReason.REFERRED),
        "ended_before": helped(team, date(2024, 10, 1), date(2024, 12, 31)),
        "started_after": helped(team, date(2025, 7, 1)),
        "without_postcode": helped(team, date(2025, 3, 3), postcode=None),
    }


def by_start(records):
    return {record["datum_aanvang"]: record for record in records}


def test_the_half_year_holds_every_trajectory_started_ended_or_running_in_it(half_year):
    Registration.objects.filter(pk=half_year["without_postcode"].registration_id).update(postcode="")
    _fields, extract, problems = delivery.examine(H1_2025, TODAY)
    assert problems == []
    records = by_start([record.values for record in extract.records])
    assert set(records) == {"20241101", "20250501", "20250203", "20241202", "20250630", "20250401", "20250303"}
    assert len(extract.records) == 8  # the family helped from 1 May has two children: two records

    assert (records["20241101"]["datum_einde"], records["20241101"]["reden_beeindiging"]) == ("20250315", "03")
    assert (records["20250203"]["datum_einde"], records["20250203"]["reden_beeindiging"]) == ("20250630", "05")
    assert (records["20241202"]["datum_einde"], records["20241202"]["reden_beeindiging"]) == ("20250101", "01")
    # Still running on 30 June: no end in this half year's file, though it ended in August.
    assert (records["20250401"]["datum_einde"], records["20250401"]["reden_beeindiging"]) == ("", "")
    assert records["20250501"]["datum_einde"] == ""


def test_without_a_bsn_each_record_carries_the_protocols_defaults(half_year, settings):
    settings.CBS_MUNICIPALITY_CODE = "0014"
    Registration.objects.filter(pk=half_year["without_postcode"].registration_id).update(postcode="")
    _fields, extract, _problems = delivery.examine(H1_2025, TODAY)
    for record in extract.records:
        values = record.values
        assert values["bsn"] == "999999999"
        assert values["geslacht"] == "O"
        assert values["verwijzer"] == "06" and values["hulpvorm"] == "01" and values["crisis"] == "02"
        assert values["geboortedatum"] == f"{record.trajectory.registration.children.get(first_name=record.child).birth_year}0000"
    postcodes = {record.values["datum_aanvang"]: record.values["postcode"] for record in extract.records}
    assert postcodes["20250303"] == "0014"
    assert postcodes["20241101"] == "9712AB"


def test_both_formats_follow_the_layout_table(half_year, client, personas):
    client.force_login(personas.administrator)
    table = read_layout()
    files = {}
    for fmt in ("ascii", "xlsx"):
        response = client.post(reverse("cbs:download"), {"period": "2025-H1", "format": fmt})
        assert response.status_code == 200, response.text[:2000]
        assert "2025-H1" in response["Content-Disposition"]
        files[fmt] = response.content

    records, lines = read_ascii(files["ascii"])
    assert len(lines) == 8
    assert {len(line) for line in lines} == {sum(length for *_x, length in table)} == {60}
    # Each field at the table's position: BSN in 1–9, date of birth in 10–17, and so on.
    for line in lines:
        assert line[0:9] == "999999999" and line[17] == "O" and line[24:26] == "06" and line[26:28] == "01"
    assert by_start(records)["20241101"]["datum_einde"] == "20250315"

    headings, rows = read_xlsx(files["xlsx"])
    assert headings == [heading for _n, heading, _s, _l in table]  # the protocol's order
    assert sorted(rows, key=str) == sorted(records, key=str)
    assert all(isinstance(value, str) for row in rows for value in row.values())  # "01" stays "01"


def test_the_download_is_recorded_and_logged_for_every_family_in_it(half_year, client, personas):
    client.force_login(personas.administrator)
    client.post(reverse("cbs:download"), {"period": "2025-H1", "format": "xlsx"})
    again = client.post(reverse("cbs:download"), {"period": "2025-H1", "format": "ascii"})
    assert again.status_code == 200
    first, second = Delivery.objects.order_by("made_at")
    assert (first.period, first.records, first.families, first.made_by) == ("2025-H1", 8, 7, personas.administrator)
    assert second.replaces == first and second.is_correction
    logged = AccessEvent.objects.filter(action=Action.CBS_EXTRACT, subject=first.public_id)
    in_file = {t.registration.public_id for key, t in half_year.items() if key not in ("ended_before", "started_after")}
    assert set(logged.values_list("family", flat=True)) == in_file
    assert set(logged.values_list("user", flat=True)) == {personas.administrator.pk}
    page = client.get(reverse("cbs:delivery"), {"period": "2025-H1"})
    assert "correctie" in page.text


def test_a_trajectory_without_start_or_ending_before_it_stops_the_whole_file(half_year, client, personas):
    broken = half_year["in_and_running"]
    broken.started_on, broken.ended_on, broken.end_reason = None, date(2025, 3, 1), EndReason.GOAL_REACHED
    broken.save()
    backwards = half_year["ended_on_last_day"]
    backwards.started_on = date(2025, 6, 30)
    backwards.ended_on = date(2025, 6, 1)
    backwards.save()
    client.force_login(personas.administrator)
    response = client.post(reverse("cbs:download"), {"period": "2025-H1", "format": "ascii"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "zonder eerste contact" in response.text
    assert "ligt voor de start" in response.text
    assert reverse("trajectories:detail", args=[broken.public_id]) in response.text  # where to fix it
    assert not Delivery.objects.exists()
    assert not AccessEvent.objects.filter(action=Action.CBS_EXTRACT).exists()


@pytest.mark.parametrize(("period", "message"), [
    ("2099-H1", "in de toekomst"),
    ("nu", "Kies een halfjaar"),
    ("2025-H3", "Kies een halfjaar"),
])
def test_a_period_that_cannot_be_delivered_is_refused_in_dutch(client, personas, period, message):
    client.force_login(personas.administrator)
    response = client.post(reverse("cbs:download"), {"period": period, "format": "xlsx"})
    assert response.status_code == 400 and message in response.text
    assert not Delivery.objects.exists()


def test_the_running_half_year_is_not_delivered_yet(client, personas):
    from django.utils import timezone

    today = timezone.localdate()
    running = HalfYear(today.year, 1 if today.month <= 6 else 2)
    client.force_login(personas.administrator)
    response = client.post(reverse("cbs:download"), {"period": running.code, "format": "xlsx"})
    assert response.status_code == 400 and "nog niet voorbij" in response.text


def test_a_layout_table_with_a_missing_field_is_refused_whole(half_year, tmp_path, monkeypatch, client, personas):
    lines = layout.DEFINITION.read_text(encoding="utf-8").splitlines()
    shortened = tmp_path / "bestandsdefinitie.csv"
    shortened.write_text("\n".join(line for line in lines if not line.startswith("geslacht;")), encoding="utf-8")
    with pytest.raises(layout.LayoutError, match="mist het veld"):
        layout.load(shortened)
    monkeypatch.setattr(layout, "DEFINITION", shortened)
    client.force_login(personas.administrator)
    response = client.post(reverse("cbs:download"), {"period": "2025-H1", "format": "ascii"})
    assert response.status_code == 400 and "mist het veld" in response.text and "geslacht" in response.text
    assert not Delivery.objects.exists()


def test_overlapping_records_with_the_same_key_are_merged(personas):
    """Without BSN and sex, twins of one family have one key: one record (protocol §3.3)."""
    twins = helped(personas.team, date(2025, 2, 3), children=(("Lotte", 2014), ("Lieke", 2014)))
    _fields, extract, problems = delivery.examine(H1_2025, TODAY)
    assert problems == [] and len(extract.records) == 1
    assert extract.records[0].trajectory == twins


def test_the_command_writes_the_same_file_or_nothing(half_year, personas, tmp_path):
    from django.core.management import CommandError, call_command

    target = tmp_path / "levering.txt"
    call_command("cbs_extract", "2025-H1", "--format", "ascii", "--output", str(target), "--user", "bea")
    records, lines = read_ascii(target.read_bytes())
    assert len(lines) == 8
    broken = half_year["ended_after"]
    broken.end_reason = ""
    broken.ended_on = date(2025, 5, 1)
    broken.save()
    target.unlink()
    with pytest.raises(CommandError):
        call_command("cbs_extract", "2025-H1", "--output", str(target), "--user", "bea")
    assert not target.exists()
    with pytest.raises(CommandError, match="beheerder"):
        call_command("cbs_extract", "2025-H1", "--output", str(target), "--user", "alice")


def test_the_file_neutralises_text_that_looks_like_a_formula():
    from basisjeugdhulp.cbs import formats
    from basisjeugdhulp.cbs.extract import Extract, Record

    fields = layout.load()
    values = dict.fromkeys(layout.FIELDS, "") | {"postcode": "=HYPERLINK(1)"}
    data = formats.as_xlsx(Extract(H1_2025, [Record(values, None)]).records, fields, "2025-H1")
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet.cell(row=2, column=[f.name for f in fields].index("postcode") + 1)
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(1)"


def test_only_the_beheerder_gets_the_file(half_year, client, personas):
    from basisjeugdhulp.accounts.roles import Role

    for role, user in personas.by_role().items():
        client.force_login(user)
        response = client.post(reverse("cbs:download"), {"period": "2025-H1", "format": "ascii"})
        assert response.status_code == (200 if role == Role.ADMINISTRATOR else 403), role
    assert Delivery.objects.count() == 1
