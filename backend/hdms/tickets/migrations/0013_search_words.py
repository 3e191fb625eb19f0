"""The search vocabulary, PostgreSQL only (issue 18; docs/decisions.md "Search").

``search_word``: every distinct word of the tickets' search documents (as written and folded) and,
from communication migration 0014, of the chat messages, with a trigram GIN index. A query word
with enough letters is matched by trigram word similarity against this short list of words (tens
of thousands, not millions of texts), and the similar words it finds are then searched in full
text, through the documents' GIN indexes: no row of a ticket or message is compared by trigrams.
PostgreSQL keeps the list on every write (a trigger; words are added in sorted order, so two
writers never wait on each other's words in a cycle). Words are never removed: a word whose tickets
are gone finds nothing. The trigram index on title and description (0007) is dropped: nothing
matches against it any more.
"""

from django.db import migrations

FORWARD = [
    "CREATE TABLE IF NOT EXISTS search_word (word text PRIMARY KEY)",
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    # Words of 3 to 64 characters: shorter ones say little by trigrams, longer ones are not words.
    """
    CREATE OR REPLACE FUNCTION hdms_search_words_add(document tsvector) RETURNS void
    LANGUAGE sql VOLATILE AS $$
    INSERT INTO search_word (word)
    SELECT word FROM unnest(tsvector_to_array(document)) AS word
    WHERE char_length(word) BETWEEN 3 AND 64 ORDER BY word
    ON CONFLICT DO NOTHING
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION hdms_ticket_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM hdms_search_words_add(NEW.search_document);
        RETURN NULL;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS ticket_search_words_insert ON tickets_ticket",
    "CREATE TRIGGER ticket_search_words_insert AFTER INSERT ON tickets_ticket "
    "FOR EACH ROW EXECUTE FUNCTION hdms_ticket_search_words()",
    "DROP TRIGGER IF EXISTS ticket_search_words_update ON tickets_ticket",
    "CREATE TRIGGER ticket_search_words_update AFTER UPDATE ON tickets_ticket FOR EACH ROW "
    "WHEN (OLD.search_document IS DISTINCT FROM NEW.search_document) EXECUTE FUNCTION hdms_ticket_search_words()",
    "INSERT INTO search_word (word) SELECT word FROM ts_stat('SELECT search_document FROM tickets_ticket') "
    "WHERE char_length(word) BETWEEN 3 AND 64 ORDER BY word ON CONFLICT DO NOTHING",
    "DROP INDEX IF EXISTS ticket_search_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS ticket_search_trgm ON tickets_ticket USING gin ((title || ' ' || description) gin_trgm_ops)",
    "DROP TRIGGER IF EXISTS ticket_search_words_update ON tickets_ticket",
    "DROP TRIGGER IF EXISTS ticket_search_words_insert ON tickets_ticket",
    "DROP FUNCTION IF EXISTS hdms_ticket_search_words()",
    "DROP FUNCTION IF EXISTS hdms_search_words_add(tsvector)",
    "DROP TABLE IF EXISTS search_word",
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
    dependencies = [("tickets", "0012_ticket_triage")]
    operations = [migrations.RunPython(forwards, backwards)]
