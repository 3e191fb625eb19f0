"""Search of articles on PostgreSQL (``hdms.kb.search``): the ``pg_trgm`` extension for
``word_similarity`` (Roman Urdu spelled many ways), a GIN index on the ``simple`` text-search
vectors of ``search_text`` and ``search_keys`` (the expressions ``search.ranked`` uses) and a trigram GIN index on it.
SQLite (the embedded default) searches by substring and needs none of them."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS kb_article_search_fts ON kb_article "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS kb_article_keys_fts ON kb_article "
            "USING gin (to_tsvector('simple'::regconfig, search_keys))"
        )
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS kb_article_search_trgm ON kb_article USING gin (search_text gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS kb_article_search_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS kb_article_keys_fts")
        schema_editor.execute("DROP INDEX IF EXISTS kb_article_search_fts")


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
