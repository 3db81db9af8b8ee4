from datetime import date

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from basisjeugdhulp.audit.models import AccessEvent, Action
from basisjeugdhulp.intake.routes import Product
from basisjeugdhulp.reporting import charts, disclosure, exports, figures
from basisjeugdhulp.reporting.forms import FigureFilter
from basisjeugdhulp.reporting.models import ApiClient
from basisjeugdhulp.reporting.tables import Cell
from basisjeugdhulp.teams.models import Team


def _charts(tables, lump):
    trend = tables["trend"]
    months = [date_format(date.fromisoformat(row.key + "-01"), "b") for row in trend.rows]
    products = tables["products"]
    result = {
        "received": charts.bars(months, trend.column(0)),
        "on_time": charts.line(months, trend.column(1), fixed_top=100),
        "hours": charts.bars([row.label for row in products.rows], products.column(1)),
    }
    if lump["points"]:
        labels = [date_format(date(lump["year"], m, 1), "b") for m, _h in lump["points"]]
        used = [Cell(hours, "decimal") for _m, hours in lump["points"]]  # whole hours, city-wide
        reference = None
        if lump["budget_hours"]:
            reference = [lump["budget_hours"] * m / 12 for m, _h in lump["points"]]
        result["lump_sum"] = charts.line(labels, used, reference=reference)
    return result


@never_cache
def dashboard(request):
    """The municipality's figures for a month, quarter or year: aggregates, never a person."""
    today = timezone.localdate()
    form = FigureFilter(request.GET, today=today)
    template = "reporting/dashboard.html#figures" if request.htmx else "reporting/dashboard.html"
    # What the filter's HTML shows (templates/reporting/dashboard.html keeps it drawn).
    filters_key = repr((today, sorted(request.GET.lists()), list(Team.objects.order_by("name").values_list("public_id", "name"))))
    if not form.is_valid():
        return render(request, template, {"form": form, "filters_key": filters_key}, status=400)
    scope = form.scope()
    tables, lump = figures.dashboard(scope, today)
    context = {
        "form": form,
        "filters_key": filters_key,
        "scope": scope,
        "tables": tables,
        "lump": lump,
        "charts": _charts(tables, lump),
        "query": request.GET.urlencode(),
        "product_label": dict(Product.choices).get(scope.product, ""),
        "protection": disclosure.sentence(),
    }
    return render(request, template, context)


def _headings():
    return [_("Table"), _("Row"), _("Column"), _("Value")]


@never_cache
def export(request, fmt):
    """CSV or XLSX of exactly what the page shows for the same query string."""
    form = FigureFilter(request.GET)
    if not form.is_valid():
        return render(request, "reporting/dashboard.html", {"form": form}, status=400)
    scope = form.scope()
    tables = figures.report(scope)
    AccessEvent.record(request, Action.EXPORT, None)
    if fmt == "csv":
        response = HttpResponse(exports.as_csv(scope, tables, _headings()), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.as_xlsx(scope, tables, _headings()),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(scope, fmt)}"'
    return response


@never_cache
def api(request):
    """The same figures as JSON for the municipality's BI tools: `Authorization: Bearer <token>`."""
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    client = ApiClient.objects.for_token(token)
    if client is None:
        return JsonResponse({"error": _("No valid token: ask the beheerder for one, or for a new one.")}, status=403)
    form = FigureFilter(request.GET)
    if not form.is_valid():
        errors = {field: [str(e) for e in messages] for field, messages in form.errors.items()}
        return JsonResponse({"error": _("The question is not valid."), "fields": errors}, status=400)
    ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    scope = form.scope()
    return JsonResponse(exports.as_json(scope, figures.report(scope)), json_dumps_params={"ensure_ascii": False})
