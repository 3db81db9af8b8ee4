"""A PDF from a template: the same HTML and print CSS the browser prints, through WeasyPrint.

`render_pdf(request, template_name, context)` gives the PDF's bytes, `pdf_response(...)` an
attachment to download. WeasyPrint never fetches anything from the network: its url_fetcher
serves only the register's own static files (a stylesheet, a logo), so a value typed into a
letter cannot make the server request a URL (SSRF) or read a file outside static/.

WeasyPrint needs the Pango library (Debian: libpango-1.0-0, libpangoft2-1.0-0). Where it is
missing (a demo on a bare machine), `PdfUnavailable` is raised: the caller shows a Dutch message
and the print page still works.
"""

import mimetypes
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries (Pango) are not installed."""


def weasyprint():
    """The weasyprint module, or PdfUnavailable when it or Pango cannot be loaded."""
    try:
        import weasyprint as module
    except (ImportError, OSError) as error:  # OSError: libpango not found
        raise PdfUnavailable(str(error)) from error
    return module


def available():
    try:
        weasyprint()
    except PdfUnavailable:
        return False
    return True


def static_fetcher():
    """WeasyPrint's url_fetcher: our static files, and nothing else (no network, no file://)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            prefix = "/" + settings.STATIC_URL.lstrip("/")
            found = ".." not in path and path.startswith(prefix) and finders.find(path[len(prefix):])
            if not found:
                raise ValueError(f"Not fetched: {url!r} is not one of the register's static files")
            with open(found, "rb") as file:
                body = file.read()
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticOnly()


def render_pdf(request, template_name, context):
    """The template rendered as a PDF (bytes)."""
    html = render_to_string(template_name, context, request=request)
    module = weasyprint()
    # base_url: relative links resolve to our own paths, which static_fetcher serves or refuses.
    base_url = request.build_absolute_uri("/") if request is not None else "http://localhost/"
    return module.HTML(string=html, base_url=base_url, url_fetcher=static_fetcher()).write_pdf()


def pdf_response(request, template_name, context, filename):
    """The PDF as a download named `filename`."""
    response = HttpResponse(render_pdf(request, template_name, context), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
