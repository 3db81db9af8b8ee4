from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from basisjeugdhulp.cbs import delivery, layout
from basisjeugdhulp.cbs.forms import DeliveryForm, PeriodForm
from basisjeugdhulp.cbs.models import Delivery


def _page(request, form, *, problems=None, message="", status=200):
    """The delivery page: the chosen half year's check, the form, the deliveries made."""
    context = {"form": form, "problems": problems, "message": message, "summary": None,
               "deliveries": Delivery.objects.select_related("made_by", "replaces")[:20]}
    if form.is_bound and form.is_valid() and problems is None and not message:
        try:
            _fields, extract, found = delivery.examine(form.cleaned_data["period"])
        except layout.LayoutError as error:
            context["message"] = str(error)
        else:
            context["problems"] = found
            context["summary"] = {"period": extract.period, "records": len(extract.records),
                                  "families": len(extract.families)}
    return render(request, "cbs/delivery.html", context, status=status)


@never_cache
def page(request):
    """The half-yearly CBS delivery (Beleidsinformatie Jeugd): check a half year, then download."""
    form = DeliveryForm(request.GET or {"period": PeriodForm().fields["period"].initial, "format": "xlsx"})
    return _page(request, form, status=200 if form.is_valid() else 400)


@never_cache
@require_POST
def download(request):
    """The file itself: only when every check passes; its making is logged per family."""
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _made, data, content_type, name = delivery.make(
            form.cleaned_data["period"], form.cleaned_data["format"], request.user, request
        )
    except delivery.NotDeliverable as refused:
        return _page(request, form, problems=refused.problems, message=refused.message, status=400)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
