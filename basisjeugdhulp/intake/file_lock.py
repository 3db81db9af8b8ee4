"""One rule for every write to a family's file: lock the file, then look again.

A write that decides on what the file holds and then changes it — triage, the second check,
first contact, matching and re-matching, a plan photo, closing, and destruction itself — first
locks the file's own row, the aanmelding, with SELECT ... FOR UPDATE for the rest of its
transaction (`lock_file`), and only then reads the state it decides on. Two writers on one
file therefore run one after the other (issue 21):

- the second finds the state changed and is told so (`FileChanged`): the view answers 409 with
  what changed and what the user typed;
- a writer that comes after destruction finds the file destroyed (`FileDestroyed`): nothing is
  written, and the user reads a Dutch page saying so (`DestroyedFileMiddleware`, 410) — what they
  typed is not shown back, because the family asked for its data to be gone (Jeugdwet art. 7.3.9).

Always the aanmelding first and the trajectory after (`lock_trajectory`): with one order two
writers never wait for each other crosswise (a deadlock). On SQLite select_for_update does
nothing; its writes are serialised by the database's own lock (BEGIN IMMEDIATE, settings.py).
"""

import logging

from django.db import transaction
from django.http import Http404
from django.shortcuts import render

logger = logging.getLogger(__name__)


class FileDestroyed(Exception):
    """The family's file was destroyed: nothing more may be written to it."""


class FileChanged(Exception):
    """The file's state no longer allows the action: someone else was first."""

    def __init__(self, registration, trajectory=None):
        super().__init__(registration.pk)
        self.registration = registration
        self.trajectory = trajectory
        # Raised only under the lock: how often two writers really met (the race tests count it).
        logger.info("A write to file %s was refused under its lock: changed meanwhile",
                    registration.pk)


def lock_file(registration, *, statuses=None):
    """Lock the family's file (an aanmelding or its id) until the transaction ends; the
    aanmelding as it is now. `statuses`: the states that allow the action (else FileChanged)."""
    from basisjeugdhulp.intake.models import Registration

    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("lock_file() needs a transaction")
    pk = getattr(registration, "pk", registration)
    locked = Registration._base_manager.select_for_update().get(pk=pk)
    if locked.destroyed_at is not None:
        logger.info("A write to file %s was refused under its lock: destroyed", pk)
        raise FileDestroyed(pk)
    if statuses is not None and locked.status not in statuses:
        raise FileChanged(locked)
    return locked


def lock_trajectory(trajectory, *, open_only=True):
    """Lock the file of a trajectory, then the trajectory's row; the trajectory as it is now,
    with its aanmelding. `open_only`: a closed trajectory refuses the action (FileChanged)."""
    from basisjeugdhulp.trajectories.models import Trajectory

    rows = Trajectory._base_manager.filter(pk=trajectory.pk)
    registration = lock_file(rows.values_list("registration_id", flat=True).get())
    locked = rows.select_for_update().get()
    locked.registration = registration
    if open_only and locked.is_closed:
        raise FileChanged(registration, locked)
    return locked


def not_found(request, model, **lookup):
    """After a lookup through the user's querysets found nothing: a writer (POST) whose own
    team's file was destroyed meanwhile is told so (FileDestroyed); anything else is a 404."""
    from matching.membership import team_ids_of

    if request.method == "POST":
        path = "" if model._meta.model_name == "registration" else "registration__"
        of_own_teams = {
            f"{path}destroyed_at__isnull": False, f"{path}team_id__in": team_ids_of(request.user),
        }
        destroyed = model._base_manager.filter(**of_own_teams, **lookup)
        if destroyed.exists():
            raise FileDestroyed(lookup)
    raise Http404


class DestroyedFileMiddleware:
    """Every writer that meets a destroyed file gets the same Dutch page: one place, not a
    branch in each view. The view's transaction has rolled back by then: nothing was written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, FileDestroyed):
            return render(request, "intake/destroyed.html", status=410)
        return None
