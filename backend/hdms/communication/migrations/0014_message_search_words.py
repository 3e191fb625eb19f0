"""Messages' stored search documents and their words in the search vocabulary, PostgreSQL only
(issue 18; tickets migration 0013).

- ``search_document``: a generated stored ``tsvector`` column (``simple`` configuration) over the
  body, with a GIN index, replacing migration 0002's expression index. A search for a common word
  reads the newest matching messages by scanning until it has enough: with the expression, every
  message passed was parsed again (27 µs each, 132 ms for a page of "printer" among 500,000
  messages); a stored vector is read. Not a model field: only ``hdms.core.search`` reads it.
- A trigger adds the words of every new or edited message to ``search_word``; the words already
  written are added here. Spelling variants are found in that vocabulary, so migration 0012's
  trigram index on every message body (the largest index of the largest table) is dropped.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE communication_message ADD COLUMN IF NOT EXISTS search_document tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED",
    "CREATE INDEX IF NOT EXISTS message_search_document ON communication_message USING gin (search_document)",
    "DROP INDEX IF EXISTS message_body_fts",
    """
    CREATE OR REPLACE FUNCTION hdms_message_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM hdms_search_words_add(NEW.search_document);
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS message_search_words_insert ON communication_message",
    "CREATE TRIGGER message_search_words_insert AFTER INSERT ON communication_message "
    "FOR EACH ROW EXECUTE FUNCTION hdms_message_search_words()",
    "DROP TRIGGER IF EXISTS message_search_words_update ON communication_message",
    "CREATE TRIGGER message_search_words_update AFTER UPDATE ON communication_message FOR EACH ROW "
    "WHEN (OLD.search_document IS DISTINCT FROM NEW.search_document) EXECUTE FUNCTION hdms_message_search_words()",
    "INSERT INTO search_word (word) SELECT word FROM "
    "ts_stat('SELECT search_document FROM communication_message') "
    "WHERE char_length(word) BETWEEN 3 AND 64 ORDER BY word ON CONFLICT DO NOTHING",
    "DROP INDEX IF EXISTS message_body_trgm",
    # Statistics for the new column now, not at autovacuum's leisure: the search reads its most
    # common words to tell a rare word from a common one (hdms.core.search).
    "ANALYZE communication_message",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS message_body_trgm ON communication_message USING gin (body gin_trgm_ops)",
    "DROP TRIGGER IF EXISTS message_search_words_update ON communication_message",
    "DROP TRIGGER IF EXISTS message_search_words_insert ON communication_message",
    "DROP FUNCTION IF EXISTS hdms_message_search_words()",
    "CREATE INDEX IF NOT EXISTS message_body_fts ON communication_message "
    "USING gin (to_tsvector('simple'::regconfig, body))",
    "DROP INDEX IF EXISTS message_search_document",
    "ALTER TABLE communication_message DROP COLUMN IF EXISTS search_document",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("communication", "0013_inbound_mail"), ("tickets", "0013_search_words")]
    operations = [migrations.RunPython(forwards, backwards)]
