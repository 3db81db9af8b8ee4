"""Every error page Dutch, in the register's layout, with the way back and the crisis line: also
those that must work when the database does not (500, 503), where no context processor may run."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.middleware.csrf import REASON_BAD_ORIGIN
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from basisjeugdhulp.accounts.kept_forms import KEPT, is_secret, page_of, typed
from basisjeugdhulp.intake.routes import CRISIS_LINE


def _database_is_down(error):
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    # psycopg's own errors, wrapped or not.
    return isinstance(error, DatabaseError) and "connection" in str(error).lower()


def server_error(request):
    """handler500: a database outage is a 503 with its own Dutch page, not a 500.

    Rendered without a request context: the context processors would ask the database. The
    503 is served at the URL the form was sent to, and carries what was typed: shown, and
    in a form that sends it again once the database is back (issue 21, point 5).
    """
    _kind, error, _traceback = sys.exc_info()
    context = {"crisis_line": CRISIS_LINE, "start": "/"}
    if error is not None and _database_is_down(error):
        if request.method == "POST" and not request.FILES:
            context["resend"] = request.path
            context["fields"] = [
                (name, value)
                for name, values in request.POST.lists()
                if name == "csrfmiddlewaretoken" or not is_secret(name)
                for value in values
            ]
            context["typed"] = [
                value for name, value in context["fields"]
                if value and name not in ("csrfmiddlewaretoken", "submission_id") and not name.endswith("-TOTAL_FORMS")
                and not name.endswith("_FORMS")
            ]
        response = HttpResponse(loader.render_to_string("503.html", context), status=503, headers={"Retry-After": "60"})
        response["Cache-Control"] = "no-store"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html", context))


def bad_request(request, exception):
    """handler400."""
    return TemplateResponse(request, "400.html", {"crisis_line": CRISIS_LINE}, status=400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form had expired (logged out and in again in another tab, a
    tablet left overnight). Sent from our own page, what was typed is kept for the page with the
    form (accounts/kept_forms.py), and the way back leads there. A post from another site keeps
    nothing: it must not be able to put words into a user's form."""
    back = page_of(request.path_info) if request.method == "POST" else request.get_full_path()
    origin = request.headers.get("Origin") or request.headers.get("Referer") or ""
    ours = reason != REASON_BAD_ORIGIN and origin and url_has_allowed_host_and_scheme(
        origin, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if ours and request.method == "POST" and request.user.is_authenticated:
        request.session[KEPT] = typed(request, request.user)
    return TemplateResponse(request, "403_csrf.html", {"back": back, "crisis_line": CRISIS_LINE}, status=403)


class DutchErrorPagesMiddleware:
    """A bare 405 (a URL opened with the wrong method) gets the register's Dutch page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = TemplateResponse(request, "405.html", {"crisis_line": CRISIS_LINE}, status=405)
            page["Allow"] = response.get("Allow", "")
            return page.render()
        return response
