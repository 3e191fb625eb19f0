"""Date-time input (DESIGN §9, issue 10 item 9): zone-less times are the desk's time zone, a date
alone is the end of that working day, and no date-time input anywhere answers 5xx."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hdms.core.schema_types import DeskClock, parse_datetime_input
from hdms.testing.factories_tickets import in_progress_ticket
from hdms.tickets.models import Ticket

PKT = ZoneInfo("Asia/Karachi")
NEXT_YEAR = datetime.now(UTC).year + 1


def _postpone(api, desk, until):
    ticket = in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    response = api(desk.assignee).post(f"tickets/{ticket.id}/actions/postpone",
                                       {"version": ticket.version, "reason": "Parts on order", "until": until})
    return ticket, response


@pytest.mark.django_db
def test_postpone_until_a_date_alone_means_the_end_of_that_working_day(desk, api):
    ticket, response = _postpone(api, desk, f"{NEXT_YEAR}-03-10")
    assert response.status_code == 200, response.json()
    # The desk works 08:00-16:00 in Asia/Karachi by default.
    assert Ticket.objects.get(id=ticket.id).postponed_until == datetime(NEXT_YEAR, 3, 10, 16, 0, tzinfo=PKT)


@pytest.mark.django_db
def test_postpone_until_a_zone_less_time_is_read_in_the_desk_time_zone(desk, api):
    ticket, response = _postpone(api, desk, f"{NEXT_YEAR}-03-10T09:30")
    assert response.status_code == 200, response.json()
    assert Ticket.objects.get(id=ticket.id).postponed_until == datetime(NEXT_YEAR, 3, 10, 9, 30, tzinfo=PKT)
    ticket, response = _postpone(api, desk, f"{NEXT_YEAR}-03-10T09:30:00Z")
    assert Ticket.objects.get(id=ticket.id).postponed_until == datetime(NEXT_YEAR, 3, 10, 9, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_the_desk_settings_decide_zone_and_end_of_day(desk, api):
    admin = api(desk.admin)
    version = admin.get("sla/settings").json()["version"]
    response = admin.patch("sla/settings", {"version": version, "timezone": "Asia/Dubai", "work_end": "17:30"})
    assert response.status_code == 200, response.json()
    dubai = ZoneInfo("Asia/Dubai")
    ticket, response = _postpone(api, desk, f"{NEXT_YEAR}-03-10")
    assert Ticket.objects.get(id=ticket.id).postponed_until == datetime(NEXT_YEAR, 3, 10, 17, 30, tzinfo=dubai)
    ticket, response = _postpone(api, desk, f"{NEXT_YEAR}-03-10 08:15")
    assert Ticket.objects.get(id=ticket.id).postponed_until == datetime(NEXT_YEAR, 3, 10, 8, 15, tzinfo=dubai)


@pytest.mark.django_db
def test_working_hours_are_wall_clock_times_without_a_zone(desk, api):
    admin = api(desk.admin)
    version = admin.get("sla/settings").json()["version"]
    for bad in ("00:00:00Z", "08:00+05:00", "24:00", "8:00", "noon", 800):
        response = admin.patch("sla/settings", {"version": version, "work_start": bad})
        assert response.status_code == 422, (bad, response.status_code)
        assert response.json()["code"] == "validation_error"
    assert admin.get("sla/settings").json()["version"] == version  # nothing changed
    response = admin.patch("sla/settings", {"version": version, "work_start": "07:30", "work_end": "15:45:00"})
    assert response.status_code == 200, response.json()
    assert (response.json()["work_start"], response.json()["work_end"]) == ("07:30", "15:45")


MALFORMED = ["tomorrow", "", "2026-13-01", f"{NEXT_YEAR}-02-30", f"{NEXT_YEAR}-04-31T10:00", "2026-1-5",
             f"{NEXT_YEAR}-03-10T24:00", f"{NEXT_YEAR}-03-10T10:00+15:00", "0001-01-01", "9999-12-31T23:59",
             f"{NEXT_YEAR}-03-10T10:00:00 +05:00", f" {NEXT_YEAR}-03-10", "٢٠٢٧-٠٣-١٠", 20270310, True, [], {}]


@pytest.mark.django_db
@pytest.mark.parametrize("until", MALFORMED)
def test_a_malformed_until_is_a_validation_error_and_changes_nothing(desk, api, until):
    ticket, response = _postpone(api, desk, until)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert Ticket.objects.get(id=ticket.id).status == "in_progress"


@pytest.mark.django_db
def test_postpone_without_until_or_in_the_past_is_a_validation_error(desk, api):
    _ticket, response = _postpone(api, desk, None)
    assert response.status_code == 422
    _ticket, response = _postpone(api, desk, "2020-01-01")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["body", "until"]


@pytest.mark.django_db
def test_date_filters_take_dates_zone_less_and_zoned_times_and_refuse_the_rest(desk, api):
    in_progress_ticket(desk.requestor, desk.moderator, desk.assignee)
    admin = api(desk.admin)
    paths = ["tickets", "analytics/volume", "analytics/by-department", "analytics/by-status",
             "analytics/resolution-time", "analytics/sla-compliance", "analytics/satisfaction", "audit",
             "audit/export"]
    for path in paths:
        for good in ("2020-01-01", "2020-01-01T08:00", "2020-01-01T08:00:00+05:00", "2020-01-01 08:00Z"):
            response = admin.get(path, {"created_after": good, "created_before": f"{NEXT_YEAR}-01-01"})
            assert response.status_code == 200, (path, good, response.content[:300])
        for bad in ("yesterday", "2020-02-30", "2020-01-01T08:00+16:00", "99999-01-01", "2020-01-01T25:00"):
            for name in ("created_after", "created_before"):
                response = admin.get(path, {name: bad})
                assert response.status_code == 422, (path, name, bad, response.status_code)
                assert response.json()["code"] == "validation_error"
    listed = admin.get("tickets", {"created_after": "2020-01-01"}).json()
    assert listed["count"] == Ticket.objects.count()


@pytest.mark.django_db
def test_a_forged_cursor_is_a_validation_error(desk, api):
    import base64
    import json

    for created, ticket_id in (("not a date", "x"), ("2026-01-01T00:00:00", "not-a-uuid"), (5, None)):
        raw = base64.urlsafe_b64encode(json.dumps([created, ticket_id]).encode()).decode()
        response = api(desk.admin).get("tickets", {"cursor": raw})
        assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_one_parser_reads_every_form():
    clock = DeskClock(tz=PKT, day_end=time(16, 0))
    assert parse_datetime_input("2027-03-10", clock=clock) == datetime(2027, 3, 10, 16, 0, tzinfo=PKT)
    assert parse_datetime_input("2027-03-10T09:30", clock=clock) == datetime(2027, 3, 10, 9, 30, tzinfo=PKT)
    assert parse_datetime_input("2027-03-10T09:30:15.5+0100", clock=clock).utcoffset().total_seconds() == 3600
    assert parse_datetime_input("2028-02-29", clock=clock).day == 29  # leap day: the parser knows the calendar
    for bad in ("2027-02-29", "2027-03-10T09:30+14:30", "1899-12-31", "2027-03-10Z"):
        with pytest.raises(ValueError):
            parse_datetime_input(bad, clock=clock)
