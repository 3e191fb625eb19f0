"""Trigram index on message bodies, PostgreSQL only (issue 18; docs/decisions.md "Search").

Spelling variants in chats (Roman Urdu "nahi"/"nahin", Urdu script) match through pg_trgm's word
similarity; ``hdms.communication.search`` uses exactly this expression. The full-text side keeps
migration 0002's expression index (messages are not ranked one by one, so a stored vector would
only cost space).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS message_body_trgm ON communication_message USING gin (body gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS message_body_trgm")


class Migration(migrations.Migration):
    dependencies = [("communication", "0011_notification_in_app")]
    operations = [migrations.RunPython(forwards, backwards)]
