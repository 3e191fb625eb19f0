"""Stored search documents for tickets, PostgreSQL only (issue 18; docs/decisions.md "Search").

- ``search_document``: a generated ``tsvector`` column (``simple`` configuration: no stemming, no
  stop words, for English, Urdu script and Roman Urdu side by side) over title and description,
  as written and folded (``hdms_search_fold``), kept by PostgreSQL itself on every write, with a
  GIN index. Ranking reads it instead of
  recomputing the vector of every match. It replaces migration 0002's expression index.
- ``ticket_search_trgm``: a trigram GIN index (pg_trgm) on ``title || ' ' || description`` for
  spelling variants (Roman Urdu "kharab"/"kharaab", Urdu script). ``hdms.core.search`` writes the
  same expression, so the planner uses it.

SQLite (embedded mode) has neither; search falls back to substring matching there. The column is
not a model field: Django never writes it, and only ``hdms.core.search`` reads it.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# Spelling folded the way Roman Urdu and Urdu are typed in several ways: doubled vowels ("paani",
# "bijlee", "khoob"), a final h after a vowel ("maslah", "tankhwah"), and the Arabic forms of
# Urdu letters (ي ك ة ە ۀ for ی ک ہ). Immutable, so a generated column can use it.
FOLD = r"""
CREATE OR REPLACE FUNCTION hdms_search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    translate(lower(value), 'يكةەۀ', 'یکہہہ'),
    'a{2,}', 'a', 'g'), '(ee|ii)+', 'i', 'g'), '(oo|uu)+', 'u', 'g'), '([aeiou])h\M', '\1', 'g')
$$
"""

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    FOLD,
    # The words as written and as folded: a folded query word finds either.
    "ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS search_document tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, title || ' ' || description) "
    "|| to_tsvector('simple'::regconfig, hdms_search_fold(title || ' ' || description))) STORED",
    "CREATE INDEX IF NOT EXISTS ticket_search_document ON tickets_ticket USING gin (search_document)",
    "CREATE INDEX IF NOT EXISTS ticket_search_trgm ON tickets_ticket USING gin ((title || ' ' || description) gin_trgm_ops)",
    "DROP INDEX IF EXISTS ticket_search_gin",
]
BACKWARD = [
    "DROP INDEX IF EXISTS ticket_search_trgm",
    "DROP INDEX IF EXISTS ticket_search_document",
    "ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_document",
    "DROP FUNCTION IF EXISTS hdms_search_fold(text)",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)
        # Migration 0002's index, as it made it.
        index = GinIndex(SearchVector("title", "description", config="simple"), name="ticket_search_gin")
        schema_editor.add_index(apps.get_model("tickets", "Ticket"), index)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_sla_warning_percent")]
    operations = [migrations.RunPython(forwards, backwards)]
