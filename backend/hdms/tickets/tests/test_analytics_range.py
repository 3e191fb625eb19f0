"""Analytics over a range (DESIGN §11): every endpoint takes ``from``/``to`` (dates or date-times,
read like every date-time input: zone-less in the desk's zone; a date alone is that whole day),
an empty, reversed or malformed range is 422 ``validation_error``, trends come in
filled day/week buckets, and the role scoping stays."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket
from hdms.tickets import services
from hdms.tickets.models import Ticket

PKT = ZoneInfo("Asia/Karachi")
ENDPOINTS = ["summary", "volume", "priority-trend", "by-department", "by-status", "resolution-time",
             "sla-compliance", "satisfaction"]
pytestmark = pytest.mark.django_db


def _at(ticket, when):
    Ticket.all_objects.filter(id=ticket.id).update(created_at=when)


def _created(api_client, path, **params):
    response = api_client.get(f"analytics/{path}", params)
    assert response.status_code == 200, (path, response.content[:300])
    data = response.json()
    return {
        "summary": lambda: data["total"],
        "volume": lambda: sum(i["created"] for i in data["items"]),
        "priority-trend": lambda: sum(sum(v for k, v in i.items() if k != "period") for i in data["items"]),
        "by-department": lambda: sum(i["total"] for i in data["items"]),
        "by-status": lambda: sum(data["by_status"].values()),
        "resolution-time": lambda: sum(i["resolved"] for i in data["items"]),
        "sla-compliance": lambda: data["total"],
        "satisfaction": lambda: data["count"],
    }[path]()


@pytest.fixture
def history(desk):
    """Three closed, rated tickets: 1 Nov 2026 09:00, 1 Nov 23:30 and 5 Nov 2026 (desk time), and
    one of another requestor on 20 Nov."""
    made = []
    for when, requestor in ((datetime(2026, 11, 1, 9, 0, tzinfo=PKT), desk.requestor),
                            (datetime(2026, 11, 1, 23, 30, tzinfo=PKT), desk.requestor),
                            (datetime(2026, 11, 5, 12, 0, tzinfo=PKT), desk.requestor),
                            (datetime(2026, 11, 20, 12, 0, tzinfo=PKT), desk.other_requestor)):
        t = assigned_ticket(requestor, desk.moderator, desk.assignee)
        t = services.ticket_start(ticket_id=t.id, by=desk.assignee, version=t.version)
        t = services.ticket_resolve(ticket_id=t.id, by=desk.assignee, version=t.version)
        t = services.ticket_close(ticket_id=t.id, by=requestor, version=t.version)
        services.ticket_rate(ticket_id=t.id, by=requestor, version=t.version, score=5)
        _at(t, when)
        made.append(t)
    return made


def test_every_endpoint_counts_only_tickets_created_in_the_range(desk, api, history):
    admin = api(desk.admin)
    for path in ENDPOINTS:
        kwargs = {"interval": "day"} if path in ("volume", "priority-trend") else {}
        # dates alone are whole days in the desk's zone: 1 Nov includes 23:30 PKT (18:30 UTC)
        assert _created(admin, path, **{"from": "2026-11-01", "to": "2026-11-01"}, **kwargs) == 2, path
        assert _created(admin, path, **{"from": "2026-11-01", "to": "2026-11-05"}, **kwargs) == 3, path
        assert _created(admin, path, **{"from": "2026-11-02", "to": "2026-11-30"}, **kwargs) == 2, path
        # zone-less date-times are desk time; zoned ones as given
        assert _created(admin, path, **{"from": "2026-11-01T10:00", "to": "2026-11-02T00:00"}, **kwargs) == 1, path
        assert _created(admin, path, **{"from": "2026-11-01T04:00:00Z", "to": "2026-11-01T04:01:00Z"},
                        **kwargs) == 1, path


def test_role_scoping_holds_within_a_range(desk, api, history):
    for path in ENDPOINTS:
        kwargs = {"interval": "day"} if path in ("volume", "priority-trend") else {}
        rng = {"from": "2026-11-01", "to": "2026-11-30", **kwargs}
        assert _created(api(desk.admin), path, **rng) == 4, path
        assert _created(api(desk.moderator), path, **rng) == 4, path
        assert _created(api(desk.requestor), path, **rng) == 3, path
        assert _created(api(desk.other_requestor), path, **rng) == 1, path
    summary = api(desk.requestor).get("analytics/summary", {"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert summary["scope"] == "own"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_bad_ranges_are_422_and_name_the_problem(desk, api, path):
    admin = api(desk.admin)
    for params in ({"from": "2026-11-05", "to": "2026-11-01"},  # reversed
                   {"from": "2026-11-05T10:00", "to": "2026-11-05T10:00"},  # empty
                   {"from": "yesterday"}, {"to": "2026-02-30"}, {"from": "2026-11-01T08:00+16:00"},
                   {"to": "2026-13-01"}):
        response = admin.get(f"analytics/{path}", params)
        assert response.status_code == 422, (path, params, response.status_code)
        assert response.json()["code"] == "validation_error"
    assert admin.get(f"analytics/{path}", {"interval": "hour"}).status_code == (
        422 if path in ("volume", "priority-trend") else 200)


def test_trends_come_in_filled_buckets_in_the_desk_time_zone(desk, api, history):
    admin = api(desk.admin)
    days = admin.get("analytics/volume", {"from": "2026-11-01", "to": "2026-11-07", "interval": "day"}).json()
    assert [i["period"][:10] for i in days["items"]] == [f"2026-11-0{d}" for d in range(1, 8)]
    assert days["items"][0]["period"].endswith("+05:00")
    assert [i["created"] for i in days["items"]] == [2, 0, 0, 0, 1, 0, 0]
    weeks = admin.get("analytics/priority-trend", {"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert weeks["interval"] == "week"
    # weeks start on Monday: 26 Oct (holds 1 Nov), 2, 9, 16, 23, 30 Nov
    assert [i["period"][:10] for i in weeks["items"]] == ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16",
                                                            "2026-11-23", "2026-11-30"]
    assert [i["medium"] for i in weeks["items"]] == [2, 1, 0, 1, 0, 0]
    assert set(weeks["items"][0]) == {"period", "low", "medium", "high", "urgent"}


def test_priority_trend_defaults_to_the_last_eight_weeks(desk, api):
    t = submitted_ticket(desk.requestor, priority="urgent")
    items = api(desk.moderator).get("analytics/priority-trend").json()["items"]
    assert 8 <= len(items) <= 9
    assert items[-1]["urgent"] == 1 and sum(i["urgent"] for i in items) == 1
    _at(t, t.created_at - timedelta(days=70))
    assert sum(i["urgent"] for i in api(desk.moderator).get("analytics/priority-trend").json()["items"]) == 0


def test_workload_per_assignee_counts_open_in_progress_overdue_and_resolved(desk, api, history):
    """``GET analytics/workload`` (DESIGN §11): one row per assignee with tickets in the range."""
    assigned_ticket(desk.requestor, desk.moderator, desk.assignee2)
    working = assigned_ticket(desk.requestor, desk.moderator, desk.assignee2)
    working = services.ticket_start(ticket_id=working.id, by=desk.assignee2, version=working.version)
    Ticket.all_objects.filter(id=working.id).update(resolution_due=working.created_at - timedelta(hours=1))
    rows = {r["assignee"]["id"]: r for r in api(desk.moderator).get("analytics/workload").json()["items"]}
    first, second = rows[str(desk.assignee.id)], rows[str(desk.assignee2.id)]
    assert (first["open"], first["in_progress"], first["overdue"], first["resolved"]) == (0, 0, 0, 4)
    assert first["avg_resolution_hours"] is not None
    assert (second["open"], second["in_progress"], second["overdue"], second["resolved"]) == (2, 1, 1, 0)
    assert second["avg_resolution_hours"] is None and second["department_id"] == str(desk.it.id)
    assert second["assignee"]["full_name"] == desk.assignee2.full_name
    # the range: only 1 Nov's two tickets of the first assignee, and none of the second's
    ranged = api(desk.admin).get("analytics/workload", {"from": "2026-11-01", "to": "2026-11-01"}).json()["items"]
    assert [(r["assignee"]["id"], r["resolved"]) for r in ranged] == [(str(desk.assignee.id), 2)]
    for who in (desk.requestor, desk.assignee):
        response = api(who).get("analytics/workload")
        assert response.status_code == 403 and response.json()["code"] == "forbidden"


@pytest.mark.parametrize("path", ["volume", "priority-trend"])
def test_a_series_too_long_for_its_interval_is_422_at_once(desk, api, path):
    """Centuries by day were millions of buckets (a request schemathesis saw run past 60 s)."""
    admin = api(desk.admin)
    refused = admin.get(f"analytics/{path}", {"from": "1900-01-01", "to": "9990-01-01", "interval": "day"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "too_long", refused.content[:300]
    assert refused.json()["errors"][0]["params"] == {"max": 5000}
    ten_years = admin.get(f"analytics/{path}", {"from": "2016-01-01", "to": "2026-01-01", "interval": "week"})
    assert ten_years.status_code == 200 and len(ten_years.json()["items"]) == 523
