"""Every entry gets a keyed hash over its content and the entry before it (audit/chain.py);
the entries already there are chained in id order. The moment of an entry is set before it is
hashed (a default instead of auto_now_add; the column does not change).

On PostgreSQL one function takes the chain's lock and then reads the last hash, in one round
trip: a VOLATILE function reads with a fresh snapshot after the lock, so it sees the entry of
whoever held the lock before (audit/chain.py)."""

import basisjeugdhulp.audit.models
from django.db import migrations, models

from basisjeugdhulp.audit import chain


# The advisory lock's key is the number of the norm.
HEAD = """
CREATE OR REPLACE FUNCTION audit_accessevent_chain_head() RETURNS varchar
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7513);
    RETURN (SELECT chain_hash FROM audit_accessevent ORDER BY id DESC LIMIT 1);
END
$$;
"""


def create_head_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(HEAD, params=None)


def drop_head_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_accessevent_chain_head()", params=None)


def chain_existing(apps, schema_editor):
    AccessEvent = apps.get_model("audit", "AccessEvent")
    using = schema_editor.connection.alias
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:  # the append-only trigger of 0004; we run as the table's owner
        schema_editor.execute("ALTER TABLE audit_accessevent DISABLE TRIGGER audit_accessevent_append_only")
    previous, batch = chain.START, []
    for event in AccessEvent.objects.using(using).order_by("id").iterator(chunk_size=2000):
        previous = event.chain_hash = chain.digest(previous, **chain.content_of(event))
        batch.append(event)
        if len(batch) == 1000:
            AccessEvent.objects.using(using).bulk_update(batch, ["chain_hash"])
            batch = []
    AccessEvent.objects.using(using).bulk_update(batch, ["chain_hash"])
    if postgresql:
        schema_editor.execute("ALTER TABLE audit_accessevent ENABLE TRIGGER audit_accessevent_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_alter_accessevent_action")]

    operations = [
        migrations.AlterModelOptions(
            name="accessevent",
            options={
                "base_manager_name": "objects", "ordering": ["-at"],
                "verbose_name": "access event", "verbose_name_plural": "access events",
            },
        ),
        migrations.AlterField(
            model_name="accessevent",
            name="at",
            field=models.DateTimeField(db_index=True, default=basisjeugdhulp.audit.models.now, editable=False),
        ),
        migrations.AddField(
            model_name="accessevent",
            name="chain_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(create_head_function, drop_head_function),
    ]
