"""Working days: the unit of the promise of contact within five working days.

A working day is a weekday that is not a public holiday in the sense of the *Algemene
termijnenwet* (art. 3) and not one of the organisation's own closure days. The public holidays
are Nieuwjaarsdag, Goede Vrijdag, Eerste en Tweede Paasdag, Koningsdag (27 April, or 26 April
when the 27th is a Sunday), Bevrijdingsdag (5 May), Hemelvaartsdag, Eerste en Tweede
Pinksterdag, Eerste en Tweede Kerstdag.

They come from the ``holidays`` package, which agrees on all but one: it counts Bevrijdingsdag
only in lustrum years (2025, 2030, …), as many collective labour agreements do, while the
termijnenwet names "de vijfde mei" without condition. That difference is added in
``_public_holidays`` below.

Plain ``datetime.date`` values in and out; closure days are passed in by the caller.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

LIBERATION_DAY = (5, 5)


@lru_cache(maxsize=64)
def _public_holidays(year):
    days = set(holidays.NL(years=year))
    days.add(date(year, *LIBERATION_DAY))  # every year, not only lustrum years (see above)
    return frozenset(days)


def is_public_holiday(day):
    return day in _public_holidays(day.year)


def is_working_day(day, closures=()):
    return day.weekday() < 5 and not is_public_holiday(day) and day not in closures


def add_working_days(start, n, closures=()):
    """The date n working days after ``start``.

    ``start`` itself never counts: the first working day after it is day 1. So a triage on a
    Saturday (or a holiday) counts from the next working day, exactly as a triage on the
    working day before it: triage on Friday or on the Saturday after, day 5 is the next Friday.
    With n = 0 the result is ``start`` when that is a working day, else the next working day:
    a deadline never falls on a day nobody works.
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    closures = frozenset(closures)
    day = start
    if n == 0:
        while not is_working_day(day, closures):
            day += timedelta(days=1)
        return day
    while n:
        day += timedelta(days=1)
        if is_working_day(day, closures):
            n -= 1
    return day


def working_days_between(start, end, closures=()):
    """The number of working days after ``start`` up to and including ``end`` (see
    ``_working_days_between``); counted once per process for the same days and closures: the
    queue asks for the same few dozen spans on every request."""
    return _working_days_between(start, end, frozenset(closures))


@lru_cache(maxsize=8192)
def _working_days_between(start, end, closures):
    """The number of working days after ``start`` up to and including ``end``.

    Negative when ``end`` lies before ``start``: -k means ``start`` is k working days after
    ``end`` (a deadline passed k working days ago). Zero for the same day.
    ``add_working_days(start, working_days_between(start, end)) == end`` for every working
    day ``end`` after ``start``.
    """
    closures = frozenset(closures)
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, closures):
            count += 1
    return sign * count
