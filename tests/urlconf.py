"""Every URL of the URLconf, with a concrete path to call it by.

Used by the access tests: a new URL pattern is picked up here automatically, so it cannot
escape the policy check.
"""

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLES = {
    "int": "1",
    "uuid": str(uuid.UUID(int=1)),
    "slug": "voorbeeld",
    "str": "voorbeeld",
    "path": "voorbeeld",
}


def _concrete(pattern):
    if isinstance(pattern, RoutePattern):
        return re.sub(
            r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES[m.group(1) or "str"], str(pattern._route)
        )
    assert isinstance(pattern, RegexPattern), pattern
    regex = pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match):
        body = match.group(2)
        if "|" in body:
            return body.split("|")[0]
        return "1" if body in (r"\d+", "[0-9]+") else "voorbeeld"

    return re.sub(r"\(\?P<(\w+)>([^)]*)\)", group, regex)


def _walk(patterns, prefix=""):
    for entry in patterns:
        path = prefix + _concrete(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, path)
        elif isinstance(entry, URLPattern):
            yield "/" + path


def all_urls():
    """[(view name, concrete path)] for every pattern, the admin's included.

    The view name is what the resolver reports for the path, as the access middleware sees it.
    """
    return [(resolve(path).view_name, path) for path in _walk(get_resolver().url_patterns)]
