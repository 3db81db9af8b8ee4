"""Counting rows, and listing a few of them, in a correlated subquery of the row's own query.

Django's ``Count`` inside a subquery's ``values()`` groups by every column of the model, so the
subquery returns one row per counted row instead of one count. A plain ``COUNT(*)`` without
GROUP BY always returns one row (0 when nothing matches), and PostgreSQL can answer it from an
index alone. The same holds for gathering rows into one JSON array: a family's children and
question categories come with the family's own row instead of in two more queries.
"""

from django.db.models import Func, IntegerField, JSONField, Subquery
from django.db.models.functions import JSONObject


def count_of(queryset):
    """An expression for the number of rows of queryset (which refers to OuterRef)."""
    count = Func(function="COUNT", template="COUNT(*)", output_field=IntegerField())
    return Subquery(queryset.order_by().values(n=count), output_field=IntegerField())


class JSONRows(Func):
    """The rows' values gathered into one JSON array, without GROUP BY (like COUNT(*) above).
    JSONB (not JSON) on PostgreSQL, which Django reads as text, as for a JSONField."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def rows_of(queryset, **fields):
    """An expression for the rows of queryset (which refers to OuterRef) as a list of
    {name: value} for the given fields, in no order; None or [] when there are none."""
    rows = JSONRows(JSONObject(**fields))
    return Subquery(queryset.order_by().values(rows=rows), output_field=JSONField())
