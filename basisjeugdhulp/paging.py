"""Pages of a list in one query: the page's own rows say how many rows there are in all.

Django's Paginator asks the database for a COUNT before it reads a page: two queries, and on a
professional's start page at country scale the count alone was a tenth of the page's time
(docs/performance.md). A window count on every row (PostgreSQL and SQLite count the whole list
before the page is cut from it) makes it one.
"""

from django.core.paginator import Paginator
from django.db.models import Count, Window

TOTAL = "rows_in_all"


def with_total(queryset):
    """The queryset with the number of its rows in all on every row (read them with .values():
    CountedPaginator takes the number from the first row's dict)."""
    return queryset.annotate(**{TOTAL: Window(Count("pk"))})


class CountedPaginator(Paginator):
    """A Paginator over with_total(queryset).values(..., TOTAL). Only a page past the last one
    (an old link) is counted and paged the way Paginator does it: it shows the last page."""

    def get_page(self, number):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows and number > 1:
            return super().get_page(number)
        self.count = rows[0][TOTAL] if rows else 0  # what Paginator would have counted
        return self._get_page(rows, number, self)
