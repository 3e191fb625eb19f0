"""DESIGN §10 names the SLA escalations ``sla.warning`` and ``sla.breached``; they were stored as
``sla.near_breach`` and ``sla.breach``: stored notifications and per-kind preferences follow."""

from django.db import migrations

RENAMED = {"sla.near_breach": "sla.warning", "sla.breach": "sla.breached"}


def _rename(apps, schema_editor, names):
    Notification = apps.get_model("communication", "Notification")
    NotificationPreference = apps.get_model("communication", "NotificationPreference")
    for old, new in names.items():
        Notification.objects.filter(kind=old).update(kind=new)
    for pref in NotificationPreference.objects.all().iterator():
        changed = False
        for field in ("email_kinds", "in_app_kinds"):
            kinds = dict(getattr(pref, field) or {})
            for old, new in names.items():
                if old in kinds:
                    kinds[new] = kinds.pop(old)
                    changed = True
            setattr(pref, field, kinds)
        if changed:
            pref.save(update_fields=["email_kinds", "in_app_kinds"])


def forwards(apps, schema_editor):
    _rename(apps, schema_editor, RENAMED)


def backwards(apps, schema_editor):
    _rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("communication", "0009_canned_response")]

    operations = [migrations.RunPython(forwards, backwards)]
