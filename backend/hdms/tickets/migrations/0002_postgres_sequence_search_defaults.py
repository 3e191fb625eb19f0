"""PostgreSQL-only parts (ticket number sequence, full-text GIN index) and default desk data.

The search index is built from the same ``SearchVector`` expression the list selector filters
with, so PostgreSQL can match it; SQLite (embedded mode) falls back to ``icontains``.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SEARCH_INDEX = "ticket_search_gin"

DEFAULT_POLICIES = {
    # priority: (first response, resolution) in working minutes (a working day is 8 hours)
    "urgent": (60, 8 * 60),
    "high": (4 * 60, 2 * 8 * 60),
    "medium": (8 * 60, 5 * 8 * 60),
    "low": (2 * 8 * 60, 10 * 8 * 60),
}


def search_index() -> GinIndex:
    return GinIndex(SearchVector("title", "description", config="simple"), name=SEARCH_INDEX)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS tickets_ticket_number_seq")
        schema_editor.add_index(apps.get_model("tickets", "Ticket"), search_index())
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    for priority, (first, resolution) in DEFAULT_POLICIES.items():
        SlaPolicy.objects.get_or_create(
            priority=priority, defaults={"first_response_minutes": first, "resolution_minutes": resolution}
        )
    apps.get_model("tickets", "DeskSettings").objects.get_or_create(singleton=True)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("tickets", "Ticket"), search_index())
        schema_editor.execute("DROP SEQUENCE IF EXISTS tickets_ticket_number_seq")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
