"""A few demo tickets in every state worth seeing (demo mode only; idempotent).

Needs the demo accounts of ``seed_demo`` (users service). Everything goes through the ticket
services, so the history, participants, SLA and approvals are real.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hdms.tickets import selectors, services

DEMO_MARK = "[demo]"


class Command(BaseCommand):
    help = "Create demo tickets (demo mode only; skipped when they exist)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.HDMS_DEMO:
            raise CommandError("Demo tickets are only created in demo mode (HDMS_DEMO=true).")
        User = get_user_model()
        people = {u.employee_code: u for u in User.objects.filter(
            employee_code__in=["admin1", "mod1", "it1", "it2", "mnt1", "fin1", "ceo1", "req1", "req2"])}
        if len(people) < 9:
            raise CommandError("Run seed_demo first (the demo accounts are missing).")
        if selectors.ticket_base_qs().filter(description__startswith=DEMO_MARK).exists():
            self.stdout.write("Demo tickets already exist.")
            return
        req1, req2, mod, it1, mnt1, fin = (people[c] for c in ("req1", "req2", "mod1", "it1", "mnt1", "fin1"))
        it = it1.department
        mnt = mnt1.department

        def new(requestor: Any, title: str, description: str, **kwargs: Any) -> Any:
            return services.ticket_create(requestor=requestor, title=title, submit=True,
                                          description=f"{DEMO_MARK} {description}", **kwargs)

        services.ticket_create(requestor=req1, title="Request a new whiteboard",
                               description=f"{DEMO_MARK} Draft: room 4 needs a whiteboard.")
        new(req1, "Wi-Fi drops in the staff room", "The connection drops every few minutes.", priority="high")
        t = new(req2, "Projector in hall B shows no picture", "Assembly tomorrow at 8.", priority="urgent")
        t = services.ticket_assign(ticket_id=t.id, by=mod, version=t.version, department_id=it.id,
                                   assignee_id=it1.id)
        t = new(req1, "Leaking tap in the staff washroom", "Water on the floor.", priority="medium")
        t = services.ticket_assign(ticket_id=t.id, by=mod, version=t.version, department_id=mnt.id,
                                   assignee_id=mnt1.id)
        services.ticket_start(ticket_id=t.id, by=mnt1, version=t.version)
        t = new(req2, "Laptop battery replacement", "Battery lasts 10 minutes.", priority="low")
        t = services.ticket_assign(ticket_id=t.id, by=mod, version=t.version, department_id=it.id,
                                   assignee_id=it1.id)
        t = services.ticket_start(ticket_id=t.id, by=it1, version=t.version)
        services.ticket_postpone(ticket_id=t.id, by=it1, version=t.version, reason="Battery on order",
                                 until=timezone.now() + timedelta(days=7))
        t = new(req1, "Printer toner for the office", "Out of black toner.")
        t = services.ticket_assign(ticket_id=t.id, by=mod, version=t.version, department_id=it.id,
                                   assignee_id=it1.id)
        t = services.ticket_start(ticket_id=t.id, by=it1, version=t.version)
        services.ticket_resolve(ticket_id=t.id, by=it1, version=t.version, resolution="Toner replaced.")
        t = new(req2, "Science lab equipment purchase", "Microscopes for grade 9.", amount=Decimal("350000"))
        services.ticket_request_approval(ticket_id=t.id, by=mod, version=t.version)
        t = new(req1, "New classroom setup", "Projector, fans and lights for room 12.", priority="high")
        services.ticket_split(ticket_id=t.id, by=mod, version=t.version, items=[
            {"department_id": it.id, "assignee_id": it1.id, "title": "Room 12: projector"},
            {"department_id": mnt.id, "assignee_id": mnt1.id, "title": "Room 12: fans and lights"},
        ])
        self.stdout.write(f"Demo tickets ready (approver: {fin.employee_code}).")
