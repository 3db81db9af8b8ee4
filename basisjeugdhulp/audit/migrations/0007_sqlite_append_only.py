"""On SQLite too the database itself refuses UPDATE and DELETE on the access log (NEN 7513),
as the trigger of 0004 does on PostgreSQL: `_base_manager`, `bulk_create(update_conflicts=True)`
(its ON CONFLICT DO UPDATE) and raw SQL are refused as well.

SQLite drops a table's triggers when Django rebuilds the table for a later AlterField:
tests/test_access_log.py migrates a fresh SQLite database and tries, so that cannot go unseen.
"""

from django.db import migrations

CREATE = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_accessevent_no_{operation.lower()}
    BEFORE {operation} ON audit_accessevent
    BEGIN
        SELECT RAISE(ABORT, 'the access log is append-only ({operation} refused)');
    END
    """
    for operation in ("UPDATE", "DELETE")
]
DROP = [f"DROP TRIGGER IF EXISTS audit_accessevent_no_{operation}" for operation in ("update", "delete")]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in CREATE:
            schema_editor.execute(sql, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0006_hash_chain")]
    operations = [migrations.RunPython(create, drop)]
