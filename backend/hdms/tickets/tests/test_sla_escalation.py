"""Escalation before the breach (DESIGN §10, issue 16 item 8): ``sla.warning`` at the admin-set
share of each target (75 % by default) and ``sla.breached``, each once per ticket and target, to the
assignee and the moderators, stored once as notifications; the share is a desk setting."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hdms.communication.models import Notification
from hdms.testing.factories_tickets import in_progress_ticket
from hdms.tickets import services, tasks
from hdms.tickets.models import SlaPolicy, Ticket

PKT = ZoneInfo("Asia/Karachi")


def at(*args):
    return datetime(*args, tzinfo=PKT)


@pytest.fixture
def working(desk):
    # (A transactional test runs after a flush: the migration's policies may be gone.)
    SlaPolicy.objects.update_or_create(priority="medium", defaults={
        "first_response_minutes": 8 * 60, "resolution_minutes": 8 * 60, "is_active": True})
    with time_machine.travel(at(2027, 1, 11, 8, 0), tick=False):  # Monday, the day starts
        ticket = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    return Ticket.objects.get(id=ticket.id)


def _sla_rows(kind):
    return sorted((str(n.user_id), n.params.get("target")) for n in Notification.objects.filter(kind=kind))


@pytest.mark.django_db(transaction=True)
def test_warning_and_breach_go_once_each_to_the_assignee_and_moderators(desk, working):
    assert working.resolution_warn_at == at(2027, 1, 11, 14, 0)  # 75 % of 8 working hours
    with time_machine.travel(at(2027, 1, 11, 14, 1), tick=False):
        assert tasks.sla_check_all() == 1
        assert tasks.sla_check_all() == 0  # no repeat
    expected = sorted([(str(desk.assignee.id), "resolution"), (str(desk.moderator.id), "resolution")])
    assert _sla_rows("sla.warning") == expected
    assert _sla_rows("sla.breached") == []
    assert not Notification.objects.filter(user=desk.requestor).filter(kind__startswith="sla.").exists()
    with time_machine.travel(at(2027, 1, 11, 16, 1), tick=False):
        assert tasks.sla_check_all() == 1
        assert tasks.sla_check_all() == 0
    assert _sla_rows("sla.breached") == expected
    assert _sla_rows("sla.warning") == expected  # the warning was not sent again
    warning = Notification.objects.filter(kind="sla.warning").first()
    assert warning.params["percent"] == 75 and warning.urgent is False


@pytest.mark.django_db
def test_the_share_is_an_admin_setting_that_moves_running_warnings(desk, api, working):
    settings = api(desk.admin).get("sla/settings").json()
    assert settings["sla_warning_percent"] == 75
    assert api(desk.moderator).patch("sla/settings", {"version": settings["version"],
                                                      "sla_warning_percent": 50}).status_code == 403
    assert api(desk.admin).patch("sla/settings", {"version": settings["version"],
                                                  "sla_warning_percent": 5}).status_code == 422
    changed = api(desk.admin).patch("sla/settings", {"version": settings["version"], "sla_warning_percent": 50})
    assert changed.status_code == 200 and changed.json()["sla_warning_percent"] == 50
    assert services.sla_warnings_recompute() == 1
    moved = Ticket.objects.get(id=working.id)
    assert moved.resolution_warn_at == at(2027, 1, 11, 12, 0)  # 50 % of 8 working hours
    assert moved.resolution_due == working.resolution_due
    assert services.sla_warnings_recompute() == 0
