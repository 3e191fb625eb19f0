"""Time travel (time-machine): reminders, auto-close warning and close, SLA counted in working
hours across a weekend and a holiday, and the clock paused while postponed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hdms.testing.factories_tickets import in_progress_ticket, resolved_ticket, submitted_ticket
from hdms.tickets import services, tasks
from hdms.tickets.models import Holiday, SlaPolicy, Ticket

PKT = ZoneInfo("Asia/Karachi")


def at(*args):
    return datetime(*args, tzinfo=PKT)


def _kinds(published, kind):
    return [p for t, p in published if t == "notification.requested" and p["kind"] == kind]


@pytest.mark.django_db
def test_postponed_ticket_gets_a_reminder_every_three_days(desk, published, django_capture_on_commit_callbacks):
    start = at(2027, 1, 11, 9, 0)
    with time_machine.travel(start, tick=False):
        ticket = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
        services.ticket_postpone(ticket_id=ticket.id, by=desk.assignee, version=ticket.version,
                                 reason="Waiting for the vendor", until=start + timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(start + timedelta(days=2, hours=23), tick=False):
            assert tasks.postponed_reminders() == 0
        with time_machine.travel(start + timedelta(days=3, minutes=1), tick=False):
            assert tasks.postponed_reminders() == 1
            assert tasks.postponed_reminders() == 0  # idempotent: a second run the same moment does nothing
        with time_machine.travel(start + timedelta(days=5), tick=False):
            assert tasks.postponed_reminders() == 0
        with time_machine.travel(start + timedelta(days=6, minutes=2), tick=False):
            assert tasks.postponed_reminders() == 1
    reminders = _kinds(published, "ticket.postponed_reminder")
    assert len(reminders) == 2
    assert str(desk.assignee.id) in reminders[0]["user_ids"]


@pytest.mark.django_db
def test_resolved_ticket_is_warned_a_day_before_and_closed_three_days_after(desk, published,
                                                                           django_capture_on_commit_callbacks):
    start = at(2027, 1, 11, 9, 0)
    with time_machine.travel(start, tick=False):
        ticket = resolved_ticket(desk.requestor, desk.moderator, desk.assignee)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(start + timedelta(days=1, hours=23), tick=False):
            assert tasks.auto_close_resolved() == {"closed": 0, "warned": 0}
        with time_machine.travel(start + timedelta(days=2, minutes=1), tick=False):
            assert tasks.auto_close_resolved() == {"closed": 0, "warned": 1}
        with time_machine.travel(start + timedelta(days=2, hours=5), tick=False):
            assert tasks.auto_close_resolved() == {"closed": 0, "warned": 0}
        assert Ticket.objects.get(id=ticket.id).status == "resolved"
        with time_machine.travel(start + timedelta(days=3, minutes=1), tick=False):
            assert tasks.auto_close_resolved() == {"closed": 1, "warned": 0}
    closed = Ticket.objects.get(id=ticket.id)
    assert closed.status == "closed" and closed.closed_at == start + timedelta(days=3, minutes=1)
    warnings = _kinds(published, "ticket.auto_close_warning")
    assert len(warnings) == 1 and warnings[0]["user_ids"] == [str(desk.requestor.id)]
    assert _kinds(published, "ticket.closed")


@pytest.mark.django_db
def test_sla_breach_is_counted_in_working_hours_across_a_weekend_and_a_holiday(desk, api, published,
                                                                               django_capture_on_commit_callbacks):
    SlaPolicy.objects.filter(priority="high").update(first_response_minutes=4 * 60, resolution_minutes=16 * 60)
    Holiday.objects.create(date=at(2027, 1, 4).date(), name="Bank holiday")  # Monday
    # Saturday 14:00: 2 working hours left that day; Sunday off; Monday a holiday.
    with time_machine.travel(at(2027, 1, 2, 14, 0), tick=False):
        ticket = submitted_ticket(desk.requestor, priority="high")
    ticket = Ticket.objects.get(requestor=desk.requestor)
    assert ticket.first_response_due == at(2027, 1, 5, 10, 0)  # Sat 2 h + Tue 2 h
    assert ticket.resolution_due == at(2027, 1, 6, 14, 0)  # Sat 2 h + Tue 8 h + Wed 6 h
    assert ticket.first_response_warn_at == at(2027, 1, 5, 9, 0)  # 75 % of 4 h (the default share)
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(at(2027, 1, 4, 15, 0), tick=False):  # the holiday: nothing yet
            assert tasks.sla_check_all() == 0
        with time_machine.travel(at(2027, 1, 5, 9, 30), tick=False):
            assert tasks.sla_check_all() == 1
    assert _kinds(published, "sla.warning") and not _kinds(published, "sla.breached")
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(at(2027, 1, 5, 10, 1), tick=False):
        assert tasks.sla_check_all() == 1
        assert tasks.sla_check_all() == 0
    breaches = _kinds(published, "sla.breached")
    # Not urgent: the email follows the person's batching like any other (DESIGN §10, "digests respected").
    assert len(breaches) == 1 and breaches[0]["urgent"] is False
    assert str(desk.moderator.id) in breaches[0]["user_ids"]
    listed = api(desk.moderator).get("tickets", {"sla_breached": "true"}).json()
    assert [item["id"] for item in listed["items"]] == [str(ticket.id)]
    assert api(desk.moderator).get("tickets", {"sla_breached": "false"}).json()["count"] == 0


@pytest.mark.django_db
def test_sla_clock_is_paused_while_postponed(desk, published, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2027, 1, 11, 8, 0), tick=False):  # Monday
        ticket = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    ticket = Ticket.objects.get(id=ticket.id)
    assert ticket.resolution_due == at(2027, 1, 15, 16, 0)  # medium: 40 working hours = Mon..Fri
    with time_machine.travel(at(2027, 1, 11, 10, 0), tick=False):
        ticket = services.ticket_postpone(ticket_id=ticket.id, by=desk.assignee, version=ticket.version,
                                          reason="Part on order", until=at(2027, 2, 1, 8, 0))
    long_past_due = at(2027, 1, 25, 12, 0)
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(long_past_due, tick=False):
        assert tasks.sla_check_all() == 0
    assert not _kinds(published, "sla.breached")
    with time_machine.travel(at(2027, 1, 12, 10, 0), tick=False):
        ticket = services.ticket_resume(ticket_id=ticket.id, by=desk.assignee, version=ticket.version)
    ticket = Ticket.objects.get(id=ticket.id)
    # Paused Mon 10-16 (6 h) + Tue 8-10 (2 h) = 8 working hours: the due moves one working day.
    assert ticket.sla_paused_minutes == 8 * 60
    assert ticket.resolution_due == at(2027, 1, 16, 16, 0)  # Saturday is a working day
    assert not ticket.sla_breached
