import pytest
from django.core.management import call_command
from django.test import override_settings

from hdms.tickets.models import RequestCategory, Ticket


@pytest.mark.django_db
@override_settings(HDMS_DEMO=True)
def test_seed_demo_tickets_creates_tickets_in_many_states_once():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_tickets", verbosity=0)
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "assigned", "in_progress", "postponed", "resolved", "pending_approval"} <= statuses
    count = Ticket.objects.count()
    call_command("seed_demo_tickets", verbosity=0)
    assert Ticket.objects.count() == count


@pytest.mark.django_db
@override_settings(HDMS_DEMO=True)
def test_seed_demo_creates_the_demo_request_forms_once():
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    forms = {(c.department.code, c.name_en): [f["key"] for f in c.fields]
             for c in RequestCategory.objects.select_related("department")}
    assert forms == {("FIN", "Payment request"): ["amount", "cost_centre"], ("IT", "Device repair"): ["asset_tag"],
                     ("MNT", "Repair in a room"): ["building", "room"]}
