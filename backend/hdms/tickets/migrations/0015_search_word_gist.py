"""The search vocabulary's trigram index becomes a GiST one (PostgreSQL only; issue 18).

A query word's spelling variants are looked up by trigram word similarity (``q <% word``, closest
first: hdms/core/search.py ``spelling_variants``). With the GIN index PostgreSQL compared the word
with every vocabulary word, by a sequential scan or through the index alike: 5 ms a word at 5,200
words (3.3 ms through the GIN index), growing with the vocabulary, which grows with every new name
and code. Through a GiST index the same statement reads a few index pages: 0.3 ms a word
(bench/RESULTS.md). The statement does not change, nor do its results.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS search_word_gist ON search_word USING gist (word gist_trgm_ops)",
    "DROP INDEX IF EXISTS search_word_trgm",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    "DROP INDEX IF EXISTS search_word_gist",
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
    dependencies = [("tickets", "0014_ticket_dept_queue_live")]
    operations = [migrations.RunPython(forwards, backwards)]
