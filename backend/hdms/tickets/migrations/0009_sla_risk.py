"""SLA risk stored per open ticket by the ai service's refresh job (DESIGN §12), and on PostgreSQL
the index of the moderators' "at risk" ordering (sla_risk DESC NULLS LAST, id DESC); SQLite
(embedded mode) cannot index NULLS LAST and sorts without it."""

from django.db import migrations, models

RISK_INDEX = "ticket_sla_risk_id"


def risk_index() -> models.Index:
    return models.Index(models.F("sla_risk").desc(nulls_last=True), models.F("id").desc(), name=RISK_INDEX)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("tickets", "Ticket"), risk_index())


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("tickets", "Ticket"), risk_index())


class Migration(migrations.Migration):

    dependencies = [
        ("tickets", "0008_report_schedules"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="sla_risk",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="ticket",
            name="sla_risk_level",
            field=models.CharField(blank=True, max_length=8),
        ),
        migrations.RunPython(forwards, backwards),
    ]
