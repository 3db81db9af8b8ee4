"""The evaluation interviews in the municipality's figures: response and answers in aggregate,
per period (the month the help ended), team and product, protected like every figure
(reporting/disclosure.py): each count is counted from its own interviews with the sum of their
families' record keys, every share and average rests on a published base of at least 10.
Never an individual answer, never the open answers."""

from statistics import fmean

from django.utils.translation import gettext as _

from basisjeugdhulp.evaluation.models import Interview, WithoutHelp
from basisjeugdhulp.intake.routes import Product
from basisjeugdhulp.reporting.tables import Row, Table, count, derived, share

# "Zonder hulp verder" (CBS §4.4): managing without help now is 03 (not now) and 04 (none needed).
WITHOUT_HELP_NOW = {WithoutHelp.NOT_NOW, WithoutHelp.NO_HELP}


def _row(label, interviews, key=""):
    answered = [i for i in interviews if i["reached"] and i["agreed"]]
    manages = [i for i in answered if i["without_help"] in WITHOUT_HELP_NOW]
    drawn = count(len(interviews), sum(i["figure_key"] for i in interviews))
    answered_cell = count(len(answered), sum(i["figure_key"] for i in answered))
    manages_cell = count(len(manages), sum(i["figure_key"] for i in manages))
    marks = [i["satisfaction"] for i in answered if i["satisfaction"]]
    return Row(label, [
        drawn,
        answered_cell,
        share(answered_cell.value, drawn.value),
        derived(fmean(marks) if marks else None, answered_cell.value),
        share(manages_cell.value, answered_cell.value),
    ], key=key)


def table(scope):
    interviews = Interview.objects.filter(closed_on__gte=scope.period.start, closed_on__lte=scope.period.end)
    if scope.team:
        interviews = interviews.filter(team=scope.team)
    if scope.product:
        interviews = interviews.filter(product=scope.product)
    rows = list(interviews.values("product", "figure_key", "reached", "agreed", "satisfaction", "without_help"))
    by_product = [
        _row(str(label), [i for i in rows if i["product"] == code], key=code) for code, label in Product.choices
    ]
    return Table(
        "evaluation",
        _("Evaluation interviews (help closed in the period)"),
        [_("Drawn"), _("Answered"), _("Response (%)"), _("Average satisfaction (1–10)"), _("Manages without help now (%)")],
        by_product,
        total=_row(_("Total"), rows),
        note=_("Families interviewed by a professional who was not theirs. Response: reached and agreed, of those drawn."),
    )
