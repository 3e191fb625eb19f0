"""Full-text index on message bodies, PostgreSQL only (SQLite has no to_tsvector).

The ``simple`` configuration (no stemming, no stop words) suits a desk that writes English,
Urdu and transliterated Urdu side by side. ``message_ticket_ids_matching`` uses exactly this
expression so the planner can use the index.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS message_body_fts ON communication_message "
            "USING gin (to_tsvector('simple'::regconfig, body))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS message_body_fts")


class Migration(migrations.Migration):
    dependencies = [("communication", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
