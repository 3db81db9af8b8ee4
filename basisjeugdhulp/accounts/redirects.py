"""Where to go after logging in or after the second factor: the page a `next` parameter asks
for, but only on this site. Anything else (another host, //host, /\\host, javascript:, a URL with
control characters) falls back to a page of our own: an open redirect after the login would
lend the register's name to a phishing page (security review, issue 20)."""

import unicodedata
from urllib.parse import urlsplit

from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

REDIRECT_FIELD = "next"


def safe_next(request, fallback=None):
    """The `next` of the request (POST before GET, as Django's LoginView) when it stays on this
    site; else `fallback` resolved (a view name or URL), or "" when there is none. The check is
    Django's own (url_has_allowed_host_and_scheme, https only on a secure request); control
    characters are refused outright, since browsers drop tabs and newlines from a URL."""
    target = request.POST.get(REDIRECT_FIELD, request.GET.get(REDIRECT_FIELD)) or ""
    target = target.strip()
    safe = (
        target
        and not any(unicodedata.category(char) == "Cc" for char in target)
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    )
    if safe:
        return target
    return resolve_url(fallback) if fallback else ""


def to_login(request, back, *, expired=False):
    """To the login page, and after it back to `back`; "verlopen" makes the login page say the
    session ran out. An htmx request is told to load the login page as a whole page
    (HX-Redirect): swapped into the page, the login form would sit inside the register and
    the user would log in twice."""
    from django.contrib.auth.views import redirect_to_login
    from django_htmx.http import HttpResponseClientRedirect

    htmx = request.headers.get("HX-Request") == "true"
    if htmx:
        # A piece of a page (the matching panel, a filtered queue): back to the whole page.
        current = request.headers.get("HX-Current-URL", "")
        if current and url_has_allowed_host_and_scheme(
            current, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(current)
            back = parts.path + (f"?{parts.query}" if parts.query else "")
    location = redirect_to_login(back)["Location"] + ("&verlopen=1" if expired else "")
    return HttpResponseClientRedirect(location) if htmx else HttpResponseRedirect(location)
