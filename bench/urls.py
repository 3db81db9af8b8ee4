"""The register's URLconf plus two reference views, for bench/throughput.py only.

- bench_ok: a bare view that answers "ok" (what a request costs with nothing in it);
- bench_floor: one indexed query for 50 trajectories, rendered in the base layout (what one
  honest database page costs). The register's pages are measured against it.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from basisjeugdhulp.accounts.access import POLICY, PUBLIC, SIGNED_IN
from basisjeugdhulp.trajectories.models import Trajectory
from basisjeugdhulp.urls import urlpatterns as register

POLICY["bench_ok"] = PUBLIC
POLICY["bench_floor"] = SIGNED_IN


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


FLOOR = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<table>{% for pk, product, started in rows %}'
    "<tr><td>{{ pk }}</td><td>{{ product }}</td><td>{{ started }}</td></tr>{% endfor %}</table>{% endblock %}"
)


def floor(request):
    rows = Trajectory.objects.order_by("-pk").values_list("pk", "product", "started_on")[:50]
    return HttpResponse(FLOOR.render({"rows": rows}, request))


urlpatterns = [
    path("bench/ok/", ok, name="bench_ok"),
    path("bench/floor/", floor, name="bench_floor"),
    *register,
]
