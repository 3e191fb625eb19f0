"""One open sub-ticket per department per parent (issue 10 item 11), as a partial unique index.

Parents split before this migration may hold duplicates (parallel splits without a version made
them): the migration stops and names them, for a person to resolve or withdraw the extra ones.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Q

DONE = ("resolved", "closed", "withdrawn", "rejected")


def refuse_existing_duplicates(apps, schema_editor):
    ticket_model = apps.get_model("tickets", "Ticket")
    duplicates = list(
        ticket_model.objects.filter(parent__isnull=False, is_deleted=False).filter(~Q(status__in=DONE))
        .values("parent__number", "department_id").annotate(n=Count("id")).filter(n__gt=1)[:20]
    )
    if duplicates:
        listed = ", ".join(f"{d['parent__number']} ({d['n']} for department {d['department_id']})" for d in duplicates)
        raise RuntimeError("Open sub-tickets share a department on these parents; resolve or withdraw the extra "
                           f"ones, then migrate again: {listed}")


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0002_postgres_sequence_search_defaults'),
        ('users', '0002_employee_code_ci_unique'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_existing_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='ticket',
            constraint=models.UniqueConstraint(condition=models.Q(('is_deleted', False), ('parent__isnull', False), models.Q(('status__in', ('resolved', 'closed', 'withdrawn', 'rejected')), _negated=True)), fields=('parent', 'department'), name='ticket_one_open_subticket_per_department'),
        ),
    ]
