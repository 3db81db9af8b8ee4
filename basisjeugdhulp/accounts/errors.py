"""Error pages that must work when the database does not."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.template import loader
from django.http import HttpResponseServerError, HttpResponse


def _database_is_down(error):
    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    # psycopg's own errors, wrapped or not.
    return isinstance(error, DatabaseError) and "connection" in str(error).lower()


def server_error(request):
    """handler500: a database outage is a 503 with its own Dutch page, not a 500.

    Rendered without a request context: the context processors would ask the database.
    """
    _kind, error, _traceback = sys.exc_info()
    if error is not None and _database_is_down(error):
        return HttpResponse(loader.render_to_string("503.html"), status=503, headers={"Retry-After": "60"})
    return HttpResponseServerError(loader.render_to_string("500.html"))
