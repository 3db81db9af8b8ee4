"""The protocol's rules, checked on every record before a file is made (issue 27).

Independent of how the records were built: required fields, codes the layout table allows,
lengths, ASCII, dates in JJJJMMDD that exist, a start on or before the period's end, an end in
the period and not before the start, a reason exactly when there is an end, no two records with
one key, at most two outcome measurements. One problem keeps the whole file back: CBS replaces a
period's delivery as a whole (§7.6), so a partial file is never sent.
"""

from datetime import date

from django.utils.translation import gettext as _

from basisjeugdhulp.cbs.extract import Problem


def _date(value):
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


def _birth_date_ok(value):
    """JJJJMMDD, JJJJMM00 (day unknown) or JJJJ0000 (month unknown), §2.3."""
    if len(value) != 8 or not value.isdigit():
        return False
    month, day = value[4:6], value[6:]
    if month == "00":
        return day == "00"
    if day == "00":
        return 1 <= int(month) <= 12
    return _date(value) is not None


def check(extract, fields):
    """Problems of the extract's records against the layout `fields` and the protocol."""
    problems = []
    keys = {}
    for record in extract.records:
        values = record.values
        messages = []
        for field in fields:
            value = values.get(field.name, "")
            if field.required and not value:
                messages.append(_("The field %(field)s is empty.") % {"field": field.heading})
            elif value and field.codes and value not in field.codes:
                messages.append(_("The field %(field)s has the code %(code)s, which the layout table does not allow.")
                                % {"field": field.heading, "code": value})
            if len(value) > field.length or not value.isascii():
                messages.append(_("The field %(field)s does not fit in %(length)s positions.")
                                % {"field": field.heading, "length": field.length})
        if not _birth_date_ok(values.get("geboortedatum", "")):
            messages.append(_("The date of birth is not a date."))
        start, end = _date(values.get("datum_aanvang", "")), _date(values.get("datum_einde", ""))
        if start is None or start > extract.period.end:
            messages.append(_("The start of the help does not lie on or before the end of the period."))
        if values.get("datum_einde"):
            if end is None or not extract.period.start <= end <= extract.period.end:
                messages.append(_("The end of the help does not lie in the period."))
            elif start and end < start:
                messages.append(_("The end lies before the start."))
            if not values.get("reden_beeindiging"):
                messages.append(_("An end without an end reason."))
        elif values.get("reden_beeindiging"):
            messages.append(_("An end reason without an end date."))
        measurements = sum(1 for n in (1, 2, 3) if values.get(f"tevredenheid_{n}") or values.get(f"zonder_hulp_verder_{n}"))
        if measurements > 2:
            messages.append(_("More than two outcome measurements."))
        if record.key() in keys:
            messages.append(_("Two records with the same key (same child, start and hulpvorm)."))
        keys[record.key()] = record
        problems += [Problem(record.trajectory, message) for message in messages]
    return problems
