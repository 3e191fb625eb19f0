"""The work the desk does on its own, one ticket at a time (called by ``tickets/tasks.py``): the
automatic close of resolved tickets and its warning, reminders of postponed tickets, SLA near-breach
and breach marks. Each takes the row lock without waiting (``skip_locked``: a ticket someone is
changing is picked up by the next run), re-checks under it and returns what it did, so a job run
twice does nothing the second time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from hdms.audit.services import audit_record
from hdms.core.notification_kinds import NotificationKind as Kind
from hdms.tickets import cache as ticket_cache
from hdms.tickets import selectors
from hdms.tickets.models import OPEN_STATUSES, PAUSED_STATUSES, Ticket, TicketStatus
from hdms.tickets.policy import Action
from hdms.tickets.services import base
from hdms.tickets.services.base import TicketId, change_of, moderator_ids, notify, user_ids
from hdms.tickets.services.sla_clock import sla_recompute_dues
from hdms.tickets.services.transitions import apply_close

S = TicketStatus


def _lock_if_free(ticket_id: TicketId) -> Ticket | None:
    return Ticket.objects.select_for_update(skip_locked=True).filter(id=ticket_id).first()


@transaction.atomic
def ticket_auto_close(*, ticket_id: TicketId, now: datetime | None = None) -> bool:
    """Close a ticket resolved ``auto_close_days`` ago; idempotent (False when nothing to do)."""
    now = now or base.now()
    ticket = _lock_if_free(ticket_id)
    days = selectors.desk_settings_get().auto_close_days
    if ticket is None or ticket.status != S.RESOLVED or not ticket.resolved_at \
            or ticket.resolved_at > now - timedelta(days=days):
        return False
    change = change_of(ticket, by=None, action=Action.CLOSE)
    apply_close(change, now)
    notify(user_ids=user_ids(ticket.requestor_id, ticket.assignee_id), kind=Kind.TICKET_CLOSED,
           title=f"{ticket.number} was closed automatically", body=ticket.title, ticket=ticket)
    change.finish(extra_after={"cause": "auto_close", "days": days})
    return True


@transaction.atomic
def ticket_auto_close_warn(*, ticket_id: TicketId, now: datetime | None = None) -> bool:
    """Warn the requestor one day before the automatic close; idempotent."""
    now = now or base.now()
    ticket = _lock_if_free(ticket_id)
    days = selectors.desk_settings_get().auto_close_days
    if ticket is None or ticket.status != S.RESOLVED or ticket.auto_close_warned_at is not None \
            or not ticket.resolved_at or ticket.resolved_at > now - timedelta(days=days - 1):
        return False
    Ticket.objects.filter(id=ticket.id).update(auto_close_warned_at=now)
    notify(user_ids=[ticket.requestor_id], kind=Kind.TICKET_AUTO_CLOSE_WARNING,
           title=f"{ticket.number} closes automatically tomorrow",
           body="Reopen it if the problem is not solved.", ticket=ticket)
    return True


@transaction.atomic
def ticket_postponed_remind(*, ticket_id: TicketId, now: datetime | None = None) -> bool:
    """Remind the assignee (and requestor) of a ticket postponed for ``reminder_days``; idempotent."""
    now = now or base.now()
    ticket = _lock_if_free(ticket_id)
    days = selectors.desk_settings_get().reminder_days
    if ticket is None or ticket.status != S.POSTPONED or (
            ticket.last_reminder_at and ticket.last_reminder_at > now - timedelta(days=days)):
        return False
    Ticket.objects.filter(id=ticket.id).update(last_reminder_at=now)
    notify(user_ids=user_ids(ticket.assignee_id or ticket.owner_id, ticket.requestor_id),
           kind=Kind.TICKET_POSTPONED_REMINDER, title=f"{ticket.number} is still postponed",
           body=f"Until {ticket.postponed_until:%Y-%m-%d}: {ticket.postponed_reason}" if ticket.postponed_until
           else ticket.postponed_reason, ticket=ticket)
    return True


@transaction.atomic
def ticket_sla_check(*, ticket_id: TicketId, now: datetime | None = None) -> list[str]:
    """Mark and announce SLA warnings (at the desk's share of the target, DESIGN §10) and breaches
    of one open ticket, each once per ticket and target, to its assignee (or owner) and the
    moderators; idempotent. Not urgent: the email follows each person's batching and digest like any
    other notification (the in-app notification is live). Paused tickets (postponed, pending
    approval) are skipped: their clock is stopped."""
    now = now or base.now()
    ticket = _lock_if_free(ticket_id)
    if ticket is None or ticket.sla_started_at is None or ticket.status in PAUSED_STATUSES \
            or ticket.status not in OPEN_STATUSES:
        return []
    events: list[str] = []
    changed: dict[str, Any] = {}
    if ticket.first_responded_at is None:
        if ticket.first_response_due and now >= ticket.first_response_due and not ticket.first_response_breached:
            changed.update(first_response_breached=True, sla_breached=True, first_response_near_notified=True)
            events.append("first_response_breached")
        elif (ticket.first_response_warn_at and now >= ticket.first_response_warn_at
              and not ticket.first_response_near_notified and not ticket.first_response_breached):
            changed["first_response_near_notified"] = True
            events.append("first_response_near_breach")
    if ticket.resolution_due and now >= ticket.resolution_due and not ticket.resolution_breached:
        changed.update(resolution_breached=True, sla_breached=True, resolution_near_notified=True)
        events.append("resolution_breached")
    elif (ticket.resolution_warn_at and now >= ticket.resolution_warn_at and not ticket.resolution_near_notified
          and not ticket.resolution_breached):
        changed["resolution_near_notified"] = True
        events.append("resolution_near_breach")
    if not changed:
        return []
    Ticket.objects.filter(id=ticket.id).update(**changed)
    recipients = user_ids(ticket.assignee_id, ticket.owner_id, *moderator_ids())
    percent = round(selectors.sla_warning_share() * 100)
    for event in events:
        breached = event.endswith("_breached")
        target = "first_response" if event.startswith("first") else "resolution"
        what = "first response" if event.startswith("first") else "resolution"
        notify(user_ids=recipients, kind=Kind.SLA_BREACHED if breached else Kind.SLA_WARNING,
               title=f"{ticket.number}: {what} SLA {'breached' if breached else f'at {percent} %'}",
               body=ticket.title, ticket=ticket, urgent=False, params={"target": target, "percent": percent})
        audit_record(action=f"ticket.sla_{'breach' if breached else 'near_breach'}", actor=None,
                     object_type="ticket", object_id=ticket.id, after={"event": event})
    if any(e.endswith("_breached") for e in events):
        transaction.on_commit(ticket_cache.invalidate_dashboards)
    return events


def sla_warnings_recompute(*, batch: int = 500) -> int:
    """Move the warning moments of running tickets to the desk's current share (after an admin
    changed it); the due moments stay. Returns how many tickets it moved."""
    moved = 0
    running = Ticket.objects.filter(status__in=OPEN_STATUSES, sla_started_at__isnull=False).order_by("id")
    last = None
    while True:
        page = list((running if last is None else running.filter(id__gt=last))[:batch])
        if not page:
            return moved
        for ticket in page:
            before = (ticket.first_response_warn_at, ticket.resolution_warn_at)
            sla_recompute_dues(ticket)
            if (ticket.first_response_warn_at, ticket.resolution_warn_at) != before:
                Ticket.objects.filter(id=ticket.id).update(first_response_warn_at=ticket.first_response_warn_at,
                                                           resolution_warn_at=ticket.resolution_warn_at)
                moved += 1
        last = page[-1].id


def ticket_sla_risk_store(*, risks: dict[str, tuple[float, str]]) -> int:
    """Stores the ai service's breach risk of open tickets (DESIGN §12): ``{ticket id: (probability,
    level)}``; every other ticket's stored risk is cleared (closed, paused, or no served model). A
    machine's estimate, not a change of the ticket: no version bump, audit entry or event. Returns
    how many rows changed."""
    with transaction.atomic():
        changed = (Ticket.objects.filter(sla_risk__isnull=False).exclude(id__in=list(risks))
                   .update(sla_risk=None, sla_risk_level=""))
        current = {str(i): (p, level) for i, p, level in
                   Ticket.objects.filter(id__in=list(risks)).values_list("id", "sla_risk", "sla_risk_level")}
        rows = [Ticket(id=ticket_id, sla_risk=probability, sla_risk_level=level)
                for ticket_id, (probability, level) in risks.items()
                if ticket_id in current and current[ticket_id] != (probability, level)]
        Ticket.objects.bulk_update(rows, ["sla_risk", "sla_risk_level"], batch_size=500)
    return changed + len(rows)


def ticket_triage_store(*, ticket_id: Any, triage: dict[str, Any]) -> None:
    """Stores the ai service's latest suggestion for a ticket (DESIGN §12: staff read it in the
    ticket's payload). A machine's advice, not a change of the ticket: no version bump, audit entry
    or event; the people who act on it are audited with the model version by the ai service."""
    Ticket.objects.filter(id=ticket_id).update(triage=triage)
