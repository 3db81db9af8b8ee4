"""Two database roles on PostgreSQL, so the application itself cannot rewrite the access log.

NEN 7513 wants the log complete and tamper-evident; a trigger alone does not do it, because the
owner of a table may TRUNCATE it or DISABLE TRIGGER. So:

- the owner of the tables (MIGRATE_DATABASE_URL) creates and alters them: `manage.py migrate`
  connects as the owner (the project's `migrate` command, in this app);
- the application (DATABASE_URL) connects as a role that owns nothing. After every migrate the
  owner grants it the ordinary rights on every table and sequence (so new tables get them too),
  but only INSERT and SELECT on the access log and SELECT on Django's list of migrations.

Without MIGRATE_DATABASE_URL (the demo on SQLite, the test suite) one URL does both and nothing
is granted.
"""

from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

APPEND_ONLY = ("audit_accessevent",)
READ_ONLY = ("django_migrations",)
# What may differ between the two URLs: who connects, and where (e.g. past a pooler).
OWNER_KEYS = ("USER", "PASSWORD", "HOST", "PORT")


def owner_settings(connection):
    """The connection's settings with the owner's credentials; None with one URL for both."""
    if not settings.MIGRATE_DATABASE_URL:
        return None
    owner = dj_database_url.parse(settings.MIGRATE_DATABASE_URL)
    if owner["USER"] == connection.settings_dict["USER"]:
        return None
    # NAME stays the connection's: the same database (under test, the test database).
    return {**connection.settings_dict, **{key: owner[key] for key in OWNER_KEYS}}


@contextmanager
def as_owner(connection):
    """Connect as the owner for the duration; yields the application's role (or None)."""
    owner = owner_settings(connection)
    if owner is None:
        yield None
        return
    application = connection.settings_dict
    connection.close()
    connection.settings_dict = owner
    try:
        yield application["USER"]
    finally:
        connection.close()
        connection.settings_dict = application


def grant_application_rights(connection, role):
    """As the owner: give `role` what the application needs and no more (see the docstring)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            raise ImproperlyConfigured(f"The role {role} of DATABASE_URL does not exist: create it (CREATE ROLE {role} LOGIN).")
        if found[0]:
            raise ImproperlyConfigured(f"The role {role} of DATABASE_URL is a superuser: the application must run as a role without privileges.")
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
            " AND relowner = %s::regrole ORDER BY relname",
            [role],
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            raise ImproperlyConfigured(
                f"The role {role} of DATABASE_URL owns {', '.join(owned[:5])}: an owner can empty the access log. "
                f"Hand them to the owner of MIGRATE_DATABASE_URL (REASSIGN OWNED BY {role} TO <owner>)."
            )
        cursor.execute("SELECT current_schema()")
        schema, role = quote(cursor.fetchone()[0]), quote(role)
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
        for table, rights in [*((t, "SELECT, INSERT") for t in APPEND_ONLY), *((t, "SELECT") for t in READ_ONLY)]:
            cursor.execute(f"REVOKE ALL ON {quote(table)} FROM {role}")
            cursor.execute(f"GRANT {rights} ON {quote(table)} TO {role}")
