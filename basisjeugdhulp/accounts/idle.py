"""Shared tablets: a session ends after SESSION_IDLE_MINUTES without use. A form sent just after
that is not lost: its fields are kept (server-side, in the fresh session) and given back to the
same user on the page with that form after logging in again (accounts/kept_forms.py); anyone
else logging in never sees them."""

import time

from django.conf import settings
from django.contrib.auth import logout

from basisjeugdhulp.accounts.kept_forms import KEPT, page_of, typed
from basisjeugdhulp.accounts.redirects import to_login

LAST_SEEN = "register_last_seen"


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
        kept = typed(request, user) if request.method == "POST" else None
        logout(request)
        if kept:
            request.session[KEPT] = kept
        # Back to the page the user was on, with the form on it: never to a URL that only
        # takes POST (that would be a 405 after logging in).
        back = page_of(request.path_info) if request.method != "GET" else request.get_full_path()
        return to_login(request, back, expired=True)
