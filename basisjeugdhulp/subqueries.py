"""Counting rows in a correlated subquery.

Django's ``Count`` inside a subquery's ``values()`` groups by every column of the model, so the
subquery returns one row per counted row instead of one count. A plain ``COUNT(*)`` without
GROUP BY always returns one row (0 when nothing matches), and PostgreSQL can answer it from an
index alone.
"""

from django.db.models import Func, IntegerField, Subquery


def count_of(queryset):
    """An expression for the number of rows of queryset (which refers to OuterRef)."""
    count = Func(function="COUNT", template="COUNT(*)", output_field=IntegerField())
    return Subquery(queryset.order_by().values(n=count), output_field=IntegerField())
