"""The address of the device a request comes from, as the login lockout (accounts/lockout.py)
and the access log (NEN 7513: the access point) record it.

Behind reverse proxies REMOTE_ADDR is the nearest proxy, the same for every user: a lockout per
address would then lock the whole register at once. Each proxy adds the address it was reached
from to the right of X-Forwarded-For, so with PROXY_COUNT proxies in front the client is the
PROXY_COUNT-th entry from the right. Entries further left are whatever the client sent and are
never trusted (a spoofed address would dodge the lockout)."""

import ipaddress

from django.conf import settings


def client_address(request):
    """The client's IP address, or None when the request has none that is valid."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote  # not through all the proxies (a health check, or a request straight in)
    return _valid(forwarded[-count]) or remote


def _valid(text):
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None
