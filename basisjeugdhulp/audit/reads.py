"""Every read of a family's personal data leaves a row in the access log (NEN 7513).

The rows are written where family data is fetched for display, not in each view: the
access-checked lookups that every page about one family starts with (the intake and matching
`_registration_for`, `trajectory_for`) call `opened`, and the lists that show several families by
name (the five-day queue, a professional's families, the tweede lezer's proposals) call `listed`.
So a page, its htmx partial, a refused form and a 409 re-render of the same data are all
logged by the lookup they share, before anything is rendered; a new view that starts with the
lookup, as every view does, cannot forget it. `tests/test_access_reads.py` walks every URL
pattern as every role and fails on any page showing a family without its row.

One row per family, action and request: a lookup repeated within a request (the 409 page looks
the file up again) writes nothing more, and a list writes all its rows in one INSERT.
"""

from basisjeugdhulp.audit.models import AccessEvent, Action

_LOGGED = "_access_logged"


def record(request, action, families, subject=None):
    """Log `action` for each family (registrations or their public ids) not yet logged with
    this action in this request; returns the families' public ids."""
    seen = request.__dict__.setdefault(_LOGGED, set())
    subject = getattr(subject, "public_id", subject)
    fresh = []
    for family in families:
        public_id = getattr(family, "public_id", family)
        if (action, public_id, subject) not in seen:
            seen.add((action, public_id, subject))
            fresh.append(public_id)
    if fresh:
        AccessEvent.record_many(request, action, fresh, subject=subject)
    return fresh


def opened(request, registration):
    """The family's file (or a page of it) is shown to this user: log it, once per request."""
    record(request, Action.VIEW_FILE, [registration])
    return registration


def listed(request, families):
    """Several families are shown by name in a list: one row each, in one INSERT."""
    return record(request, Action.VIEW_LIST, families)
