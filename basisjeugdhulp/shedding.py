"""Overload degrades gracefully: a request that waited too long in the queue is answered at once.

Past the rate two sync workers can serve, requests queue up in front of them (in the proxy and
the socket's backlog). Served in order, every one of them would come after its user gave up, and
the queue would keep the register slow for minutes after the load dropped. So a request that has
already waited longer than QUEUE_BUDGET_MS when a worker takes it is not served: it gets the Dutch
"Het is nu erg druk" page (503, Retry-After) in well under a millisecond, before the session, the
user or the database is touched, and the worker goes on with a request that can still be served
in time (docs/configuration.md, "Serving").

When the request was queued is what the proxy in front writes in X-Request-Start when it
received the request (nginx: `proxy_set_header X-Request-Start "t=${msec}";`, seconds with
milliseconds; a value in milliseconds or microseconds since the epoch, as other proxies write,
is read too). Without the header nothing is shed. The proxy must overwrite the header a client
sends: a forged value can only make the sender's own request fail or be served.
"""

import time
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import get_language

HEADER = "HTTP_X_REQUEST_START"


def queued_since(value):
    """Seconds since the epoch from an X-Request-Start value ("t=1733472000.123", or a number in
    seconds, milliseconds or microseconds), or None when it cannot be read."""
    value = value.strip()
    if value.startswith("t="):
        value = value[2:]
    try:
        number = float(value)
    except ValueError:
        return None
    while number > 1e11:  # milliseconds or microseconds since the epoch
        number /= 1000
    return number


@lru_cache(maxsize=8)
def _busy_page(language):
    # Rendered once per language and worker: a shed request must cost next to nothing.
    return loader.render_to_string("busy.html")


def busy_response():
    # X-Register-Busy tells the page's script that nothing was done and the same request may be
    # sent again (static/js/upload.js keeps the chosen photo and offers "Opnieuw versturen").
    return HttpResponse(_busy_page(get_language()), status=503,
                        headers={"Retry-After": "10", "Cache-Control": "no-store", "X-Register-Busy": "1"})


class QueueTimeSheddingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = request.META.get(HEADER)
        budget = settings.QUEUE_BUDGET_MS / 1000
        if start and budget > 0:
            since = queued_since(start)
            if since is not None and time.time() - since > budget:
                return busy_response()
        return self.get_response(request)
