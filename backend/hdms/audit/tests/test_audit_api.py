"""The admin audit list and CSV export, and the monthly archiving job."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from hdms.audit.models import AuditEntry
from hdms.audit.services import audit_record
from hdms.testing.factories import UserFactory


@pytest.mark.django_db
def test_admin_filters_the_audit_list(api):
    admin = UserFactory(role="admin")
    audit_record(action="ticket.assign", actor=admin, object_type="ticket", object_id="t1", reason="triage")
    audit_record(action="ticket.start", actor=None, object_type="ticket", object_id="t1")
    audit_record(action="user.create", actor=admin, object_type="user", object_id="u1")
    client = api(admin)
    assert client.get("audit").json()["count"] == 3
    assert [e["action"] for e in client.get("audit", {"action": "ticket.*"}).json()["items"]] == [
        "ticket.start", "ticket.assign"]
    assert client.get("audit", {"actor": str(admin.id)}).json()["count"] == 2
    assert client.get("audit", {"object_type": "user"}).json()["items"][0]["object_id"] == "u1"
    assert client.get("audit", {"action": "drop table"}).status_code == 422
    assert api(UserFactory(role="moderator")).get("audit").status_code == 403


@pytest.mark.django_db
def test_export_is_csv_with_formula_cells_neutralised(api):
    admin = UserFactory(role="admin")
    audit_record(action="ticket.reject", actor=admin, object_type="ticket", object_id="t9",
                 reason="=HYPERLINK(\"http://evil\")", after={"status": "rejected"})
    response = api(admin).get("audit/export")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["created_at", "actor_id", "actor_code", "actor_name", "action"]
    assert rows[1][4] == "ticket.reject" and rows[1][9].startswith("'=")
    assert '"status": "rejected"' in rows[1][8]


@pytest.mark.django_db
def test_monthly_archiving_marks_entries_older_than_seven_years_and_deletes_nothing(api, postgres_only):
    from hdms.tickets.tasks import archive_audit

    with time_machine.travel(datetime(2018, 1, 10, tzinfo=ZoneInfo("UTC")), tick=False):
        old = audit_record(action="ticket.create", object_type="ticket", object_id="old")
    recent = audit_record(action="ticket.create", object_type="ticket", object_id="new")
    with time_machine.travel(datetime(2025, 2, 1, tzinfo=ZoneInfo("UTC")) + timedelta(hours=1), tick=False):
        assert archive_audit() == 1
        assert archive_audit() == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.archived and not recent.archived
    assert AuditEntry.objects.count() == 2
    admin = UserFactory(role="admin")
    ids = [e["id"] for e in api(admin).get("audit").json()["items"]]
    assert str(old.id) not in ids and str(recent.id) in ids
    archived = api(admin).get("audit", {"include_archived": "true"}).json()["items"]
    assert str(old.id) in [e["id"] for e in archived]
