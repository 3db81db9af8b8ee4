"""No work lost, no dead end: a form the user sent comes back to them with what they typed.

Most forms of the register are shown on one page and sent to a URL of their own that only takes
POST: the triage and first-contact forms on the family's file go to .../triage/ and
.../eerste-contact/. FORM_PAGES says, for each such URL, on which page its form lives. The one
rule built on it:

- an idle logout (accounts/idle.py), a CSRF failure from our own page (accounts/errors.py) or a
  refused form followed by the language switch keeps the fields in the session, for that user;
- a GET of a form's own URL (the language switch after a refused form, the `next` after logging
  in again) goes to the page with the form instead of a 405;
- that page gives the fields back once, to the same user (the context processor below), and
  static/js/keep.js puts them into that form.

Passwords and codes are never kept.
"""

from django.shortcuts import redirect
from django.urls import Resolver404, get_script_prefix, resolve, reverse

KEPT = "register_kept_form"
REFUSED = "register_refused_form"

# The form's own URL (view name) → (the page it is shown on, whether that page takes the same
# URL arguments). Every view that only takes POST has an entry (tests/test_kept_forms.py).
FORM_PAGES = {
    "intake:triage": ("intake:registration", True),
    "intake:first_contact": ("intake:registration", True),
    "intake:decide": ("intake:second_check", False),
    "trajectories:reopen": ("trajectories:detail", True),
    "plans:upload": ("trajectories:detail", True),
    "matching:assign": ("matching:choose", True),
    "matching:rematch": ("matching:choose", True),
    "audit:destroy": ("audit:family", True),
    "audit:extend_request": ("audit:request", True),
    "audit:answer_request": ("audit:request", True),
    "letters:issue": ("letters:file", True),
    "letters:reconsider": ("letters:file", True),
    "letters:deliver": ("letters:letter", True),
    # The URL names the request, not the file: the tweede lezer's list, which links to it.
    "letters:decide": ("intake:second_check", False),
    "safety:new": ("safety:card", True),
    "safety:share": ("safety:card", True),
    "evaluation:pair_again": ("evaluation:sample", True),
}

# Never written to the session or back into a page: names containing these, and the second
# factor's code.
SECRET_FIELDS = ("csrfmiddlewaretoken", "password", "token", "otp")
SECRET_NAMES = ("code",)


def is_secret(name):
    return name in SECRET_NAMES or any(secret in name.lower() for secret in SECRET_FIELDS)


def page_of(path_info):
    """The page on which the form sent to `path_info` is shown: its own URL unless FORM_PAGES
    names another."""
    try:
        entry = FORM_PAGES.get(resolve(path_info).view_name)
    except Resolver404:
        entry = None
    if entry is None:
        return get_script_prefix() + path_info.lstrip("/")
    match = resolve(path_info)
    name, same_arguments = entry
    return reverse(name, kwargs=match.kwargs if same_arguments else None)


def typed(request, user):
    """What the user sent in this POST, without secrets or files, to give back later."""
    fields = {name: values for name, values in request.POST.lists() if not is_secret(name)}
    return {"user": user.pk, "path": page_of(request.path_info), "action": request.path, "fields": fields}


def kept_form(request):
    """Context processor: the fields kept for this user on this page, once."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or KEPT not in session or user is None or not user.is_authenticated:
        return {}
    kept = session[KEPT]
    if kept["user"] != user.pk:
        del session[KEPT]  # someone else logged in: never show them another's input
        return {}
    if kept["path"] != request.path or request.method != "GET":
        return {}
    del session[KEPT]
    return {"kept_form": {"action": kept["action"], "fields": kept["fields"]}}


class FormPageMiddleware:
    """Applies the rule above to every request (after the access policy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if request.method == "GET" and user.is_authenticated and REFUSED in request.session:
            refused = request.session[REFUSED]
            if refused["action"] == request.path and refused["user"] == user.pk:
                # Back to a refused form (the language switch, a reload): with what was typed.
                request.session[KEPT] = request.session.pop(REFUSED)
        response = self.get_response(request)
        if request.method == "POST" and user.is_authenticated and request.resolver_match is not None:
            refused = request.session.get(REFUSED)
            if response.status_code in (200, 400, 409, 422) and "HX-Request" not in request.headers:
                if request.resolver_match.view_name not in ("set_language", "login", "logout"):
                    request.session[REFUSED] = typed(request, user)
            elif refused and refused["action"] == request.path:
                del request.session[REFUSED]  # saved after all
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD") and request.resolver_match.view_name in FORM_PAGES:
            return redirect(page_of(request.path_info))
        return None
