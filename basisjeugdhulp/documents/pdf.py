"""Documents as PDF: a page's HTML template printed by WeasyPrint.

The HTML is the same template the print page shows (print CSS, A4). WeasyPrint fetches what the
HTML links to — stylesheets, images — through `_StaticOnly`: our own static files, read from
disk through the staticfiles finders; never the network, never a file path outside them, never a
page of the register (a family's photo must go through its access-checked view, not a fetcher).

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0; scripts/with-services.sh
installs them for `make test`). Where it is missing (`make demo` on a bare machine) `pdf_response`
answers a Dutch page instead, and the print page still works.
"""

import logging
import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

# The documents' own base: not a host anyone can reach, so a relative link resolves to a URL the
# fetcher below recognises and nothing else.
BASE_URL = "https://register.invalid/"


class PdfUnavailable(Exception):
    """WeasyPrint or its system libraries (Pango) are not installed here."""


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango's shared library is missing
        raise PdfUnavailable(str(error)) from error
    return weasyprint


def available():
    """Whether PDFs can be made here (a page offers the download only then)."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def _static_only(weasyprint):
    class StaticOnly(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):  # embedded in the page itself (a card's photo): no fetch
                return super().fetch(url, headers)
            parts = urlsplit(url)
            prefix = urlsplit(BASE_URL + settings.STATIC_URL.lstrip("/")).path
            if f"{parts.scheme}://{parts.netloc}/" != BASE_URL or not parts.path.startswith(prefix):
                raise ValueError(f"Not one of our static files: {url}")
            name = unquote(parts.path[len(prefix):])
            found = finders.find(name) if ".." not in name.split("/") else None
            if not found:
                raise ValueError(f"No such static file: {name}")
            with open(found, "rb") as source:
                body = source.read()
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, body=body, headers={"Content-Type": kind})

    return StaticOnly()


def render_pdf(request, template_name, context) -> bytes:
    """The template rendered for `request` and printed as PDF. Raises PdfUnavailable."""
    weasyprint = _weasyprint()
    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_static_only(weasyprint)).write_pdf()


def pdf_response(request, template_name, context, filename):
    """The PDF as a download; where PDFs cannot be made here, a Dutch page (503) saying to print."""
    try:
        data = render_pdf(request, template_name, context)
    except PdfUnavailable as error:
        logger.warning("PDF unavailable: %s", error)
        return TemplateResponse(request, "documents/pdf_unavailable.html", context, status=503)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A family's document: no copy in a shared tablet's cache.
    response["Cache-Control"] = "private, no-store"
    return response


def weasyprint():
    """The weasyprint module, or PdfUnavailable when it or Pango cannot be loaded."""
    return _weasyprint()


def static_fetcher():
    """WeasyPrint's url_fetcher: the register's static files, and nothing else."""
    return _static_only(_weasyprint())
