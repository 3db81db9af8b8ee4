"""Locking out repeated failed logins (django-axes), by two counts over the cool-off period:

- wrong passwords for one username from one address (LOGIN_FAILURE_LIMIT, 5): a typo-prone
  colleague on a shared tablet does not lock the others, and nobody elsewhere can lock them out;
- wrong passwords for any username from one address (LOGIN_ADDRESS_FAILURE_LIMIT, 25): one
  guess each for many usernames (password spraying) is slowed as well.

django-axes 8.3 counts each combination of AXES_LOCKOUT_PARAMETERS but compares them all with the
one AXES_FAILURE_LIMIT; this handler gives the address its own, higher limit. And where axes,
after a good login, would forget every failure of the address (so one valid account would reset
the count of all the guesses made from there), only that user's failures from there are
forgotten."""

from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt

ADDRESS = ["ip_address"]


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None):
        """The number axes compares with LOGIN_FAILURE_LIMIT: this username's failures from this
        address, or at least that limit once the address has reached its own."""
        counts = self.counts(request, credentials)
        own = counts["user"]
        if counts["address"] >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(own, get_failure_limit(request, credentials))
        return own

    def counts(self, request, credentials=None):
        """Failures within the cool-off per kind of AXES_LOCKOUT_PARAMETERS: "address" for
        ["ip_address"] alone, "user" for those with the username."""
        counts = {"user": 0, "address": 0}
        combinations = get_lockout_parameters(request, credentials)
        for parameters, attempts in zip(combinations, self.get_user_attempts(request, credentials)):
            kind = "address" if _as_list(parameters) == ADDRESS else "user"
            counts[kind] = max(counts[kind], _failures(attempts))
        return counts

    def reset_user_attempts(self, request, credentials=None):
        """After a good login: forget this user's failures from this address only."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


def _as_list(parameters):
    return [parameters] if isinstance(parameters, str) else list(parameters)


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def locked_out(request, response=None, credentials=None):
    """The Dutch page of a lockout (AXES_LOCKOUT_CALLABLE), saying which of the two it is."""
    counts = LockoutHandler().counts(request, credentials)
    context = {"by_address": counts["address"] >= settings.LOGIN_ADDRESS_FAILURE_LIMIT}  # the wider of the two
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
