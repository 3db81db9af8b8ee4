"""Periods the figures are asked for: a month ("2026-11"), a quarter ("2026-K4"), a year ("2026")."""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})-[KkQq]([1-4])$")
YEAR = re.compile(r"^(\d{4})$")


def month_end(year, month):
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year
    start: date
    end: date  # inclusive
    code: str

    @classmethod
    def parse(cls, code):
        """A Period, or ValueError for anything else."""
        code = (code or "").strip()
        if match := MONTH.match(code):
            year, month = int(match[1]), int(match[2])
            if not 1 <= month <= 12:
                raise ValueError(code)
            return cls("month", date(year, month, 1), month_end(year, month), f"{year}-{month:02d}")
        if match := QUARTER.match(code):
            year, quarter = int(match[1]), int(match[2])
            first = 3 * (quarter - 1) + 1
            return cls("quarter", date(year, first, 1), month_end(year, first + 2), f"{year}-K{quarter}")
        if match := YEAR.match(code):
            year = int(match[1])
            if year < 2000:
                raise ValueError(code)
            return cls("year", date(year, 1, 1), date(year, 12, 31), str(year))
        raise ValueError(code)

    @property
    def label(self):
        if self.kind == "month":
            return date_format(self.start, "F Y")
        if self.kind == "quarter":
            return _("Q%(quarter)d %(year)d") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return str(self.start.year)

    def months(self):
        """(first day, last day) of each month of the period."""
        day = self.start
        while day <= self.end:
            yield day, month_end(day.year, day.month)
            day = month_end(day.year, day.month) + timedelta(days=1)


def choices(today, years=5):
    """The periods offered in the filter, newest first: months of this and last year,
    quarters and years back to `years` ago. Made once per day and language in a process: the
    dashboard's filter asks twice a request (~50 periods, each with its label in words)."""
    return list(_choices(today, years, get_language()))


@lru_cache(maxsize=16)
def _choices(today, years, language):
    options = []
    for year in range(today.year, today.year - years, -1):
        options.append((str(year), str(year)))
        for quarter in range(4, 0, -1):
            period = Period.parse(f"{year}-K{quarter}")
            if period.start <= today:
                options.append((period.code, period.label))
        if year >= today.year - 1:
            for month in range(12, 0, -1):
                period = Period.parse(f"{year}-{month:02d}")
                if period.start <= today:
                    options.append((period.code, period.label))
    return tuple(options)
