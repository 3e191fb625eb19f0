"""A ticket's SLA clock (DESIGN §3): started on submit, paused while the ticket waits (postponed,
pending approval), stopped at the first response and at resolution; dues counted in working time
(``tickets/sla.py``). These only set fields of a ticket the caller has locked and saves."""

from __future__ import annotations

from datetime import datetime

from hdms.tickets import selectors
from hdms.tickets.models import Ticket
from hdms.tickets.sla import add_working_minutes, working_minutes_between


def sla_start(ticket: Ticket, at: datetime) -> None:
    ticket.sla_started_at = at
    ticket.sla_paused_minutes = 0
    ticket.sla_paused_at = None
    sla_recompute_dues(ticket)


def sla_recompute_dues(ticket: Ticket) -> None:
    """Dues = start + target + paused working minutes, all in working time (DESIGN §3)."""
    if ticket.sla_started_at is None:
        return
    policy = selectors.sla_policy_for(ticket.priority)
    if policy is None:
        ticket.first_response_due = ticket.resolution_due = None
        ticket.first_response_warn_at = ticket.resolution_warn_at = None
        return
    calendar = selectors.work_calendar()
    start, paused = ticket.sla_started_at, ticket.sla_paused_minutes
    ticket.first_response_due = add_working_minutes(start, policy.first_response_minutes + paused, calendar)
    share = selectors.sla_warning_share()
    ticket.first_response_warn_at = add_working_minutes(start, policy.first_response_minutes * share + paused, calendar)
    ticket.resolution_due = add_working_minutes(start, policy.resolution_minutes + paused, calendar)
    ticket.resolution_warn_at = add_working_minutes(start, policy.resolution_minutes * share + paused, calendar)


def sla_pause(ticket: Ticket, at: datetime) -> None:
    if ticket.sla_started_at is not None and ticket.sla_paused_at is None:
        ticket.sla_paused_at = at


def sla_resume(ticket: Ticket, at: datetime) -> None:
    if ticket.sla_paused_at is None:
        return
    paused = working_minutes_between(ticket.sla_paused_at, at, selectors.work_calendar())
    ticket.sla_paused_minutes += round(paused)
    ticket.sla_paused_at = None
    sla_recompute_dues(ticket)


def first_response(ticket: Ticket, at: datetime) -> None:
    """The first response stops that clock; after its due it is a breach."""
    if ticket.first_responded_at is None and ticket.sla_started_at is not None:
        ticket.first_responded_at = at
        if ticket.first_response_due and at > ticket.first_response_due:
            ticket.first_response_breached = True
            ticket.sla_breached = True
