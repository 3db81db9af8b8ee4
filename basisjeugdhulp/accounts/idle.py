"""Shared tablets: a session ends after SESSION_IDLE_MINUTES without use. A form sent just after
that is not lost: its fields are kept (server-side, in the fresh session) and given back to the
same user on the same page after logging in again; anyone else logging in never sees them."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

LAST_SEEN = "register_last_seen"
KEPT = "register_kept_form"


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                return self._expire(request, user)
            if last is None or now - last > 30:  # no session write on every click
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    @staticmethod
    def _expire(request, user):
        kept = None
        if request.method == "POST":
            kept = {
                "user": user.pk,
                "path": request.path,
                "fields": {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"},
            }
        logout(request)
        if kept:
            request.session[KEPT] = kept
        response = redirect_to_login(request.get_full_path() if request.method == "GET" else request.path)
        response["Location"] += "&verlopen=1"
        return response


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
    return {"kept_form": kept["fields"]}
