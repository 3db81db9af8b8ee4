"""The layout of the CBS delivery, kept as data: `bestandsdefinitie.csv` beside this module.

CBS sends deliverers its *Bestandsdefinitie beleidsinformatie Jeugd* (a spreadsheet, not
public). Both formats are written from this one table: the XLSX columns in its order with its
headings, the fixed-width ASCII fields at its positions and lengths. A new version of CBS's
definition is an edit of the CSV (docs/cbs.md says to compare it before the first delivery).

Columns: veld (the register's name for the field), kolomkop (the spreadsheet heading), positie
(1-based start in the ASCII line), lengte, verplicht (j/n), waarden (the allowed codes,
space-separated; empty for free values), bron (where the rule comes from).

A table that does not fit the extract — a field missing or unknown, positions that overlap or
leave a gap — is refused as a whole with a Dutch message (LayoutError): no file is made from it.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

DEFINITION = Path(__file__).with_name("bestandsdefinitie.csv")

# What the extract fills in (extract.py): the table must name each of these exactly once.
FIELDS = (
    "bsn", "geboortedatum", "geslacht", "postcode", "verwijzer", "hulpvorm", "crisis",
    "datum_aanvang", "datum_einde", "reden_beeindiging",
    "tevredenheid_1", "zonder_hulp_verder_1", "informant_1",
    "tevredenheid_2", "zonder_hulp_verder_2", "informant_2",
)


class LayoutError(ValueError):
    """The layout table cannot be used; the message says why, in Dutch."""


@dataclass(frozen=True)
class Field:
    name: str
    heading: str
    start: int  # 1-based
    length: int
    required: bool
    codes: frozenset  # empty: any value of the right length

    @property
    def end(self):
        return self.start + self.length - 1


def load(path=None):
    """The fields in the table's order, checked against the extract and each other."""
    path = path or DEFINITION
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter=";"))
    except OSError as error:
        raise LayoutError(_("The layout table cannot be read: %(error)s") % {"error": error}) from error
    fields = []
    for number, row in enumerate(rows, start=2):
        try:
            fields.append(Field(
                name=row["veld"].strip(), heading=row["kolomkop"].strip(),
                start=int(row["positie"]), length=int(row["lengte"]),
                required=row["verplicht"].strip().lower() == "j",
                codes=frozenset((row.get("waarden") or "").split()),
            ))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise LayoutError(
                _("Line %(line)s of the layout table is incomplete: it needs veld, kolomkop, positie, lengte and verplicht.")
                % {"line": number}
            ) from None
    names = [field.name for field in fields]
    missing = [name for name in FIELDS if name not in names]
    if missing:
        raise LayoutError(_("The layout table lacks the field(s): %(fields)s.") % {"fields": ", ".join(missing)})
    unknown = [name for name in names if name not in FIELDS]
    if unknown:
        raise LayoutError(_("The layout table has field(s) the register does not fill: %(fields)s.")
                          % {"fields": ", ".join(unknown)})
    doubled = sorted({name for name in names if names.count(name) > 1})
    if doubled:
        raise LayoutError(_("The layout table names a field twice: %(fields)s.") % {"fields": ", ".join(doubled)})
    position = 1
    for field in sorted(fields, key=lambda field: field.start):
        if field.length < 1 or field.start != position:
            raise LayoutError(
                _("In the layout table the field %(field)s starts at position %(start)s, but position %(expected)s is next.")
                % {"field": field.name, "start": field.start, "expected": position}
            )
        position = field.end + 1
    return tuple(fields)


def line_length(fields):
    return sum(field.length for field in fields)
