"""Correlated subqueries written out in SQL: a count, a latest date or a short list of rows for
each row of a page's query, in that same query.

Django's ``Subquery(... OuterRef ...)`` builds, resolves and compiles a whole inner query on
every request: 0.4–0.5 ms of a worker's CPU each, as much as a round trip to PostgreSQL and
more than the database needs to answer it (docs/performance.md). Written out, such a subquery
compiles like a column. The SQL here is plain SQL that PostgreSQL and SQLite both read, except
where a JSON function differs by name; table and column names come from this code, never from
input.

Still worth it where used (issue 24, 2026-12-06): the family file's two lists (children,
question categories) compile in 0.47 ms against 0.87 ms as Django's ``ArraySubquery``, which
exists for PostgreSQL only, and the register runs on SQLite too; the matching panel's caseload
counts per professional stay one query whatever the team's size. The start page's plan summary
went back to Django's ``Subquery`` (0.18 ms more on a page at 1.1–1.3× the floor's CPU,
target 1.4×: bench/openloop.py).
"""

from django.db.models import F, Func, IntegerField, JSONField


class Correlated(Func):
    """``(sql)`` with ``{outer}`` standing for the outer row's column ``outer`` (its pk unless
    told otherwise); ``sqlite`` when SQLite needs other SQL; ``params`` for ``%s`` in the SQL."""

    def __init__(self, sql, *, output_field, outer="pk", sqlite=None, params=()):
        super().__init__(F(outer), output_field=output_field)
        self.sql, self.sqlite, self.params = sql, sqlite or sql, tuple(params)

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        sql = self.sqlite if connection.vendor == "sqlite" else self.sql
        return f"({sql.format(outer=column)})", (*column_params, *self.params)


def count_of(table, where, params=(), outer="pk"):
    """The number of rows of ``table`` for which ``where`` holds (which uses ``{outer}``).
    COUNT(*) without GROUP BY always gives one row, 0 when nothing matches."""
    return Correlated(
        f"SELECT COUNT(*) FROM {table} WHERE {where}", params=params, outer=outer, output_field=IntegerField()
    )


def rows_of(table, where, *fields):
    """The rows of ``table`` for which ``where`` holds, as a list of {field: value} in no order;
    None (PostgreSQL) or [] (SQLite) when there are none. JSONB, not JSON, on PostgreSQL: Django
    reads it as text, as it reads a JSONField."""
    pairs = ", ".join(f"'{field}', {field}" for field in fields)
    return Correlated(
        f"SELECT JSONB_AGG(JSONB_BUILD_OBJECT({pairs})) FROM {table} WHERE {where}",
        sqlite=f"SELECT JSON_GROUP_ARRAY(JSON_OBJECT({pairs})) FROM {table} WHERE {where}",
        output_field=JSONField(),
    )
