"""Scheduled reports (DESIGN §11): admins schedule a weekly SLA report, a department summary or a
saved view as PDF or XLSX in English or Urdu; beat mails each once when due to a real SMTP server,
and the attachments are read back."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from hdms.testing.factories import UserFactory
from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket
from hdms.tickets import report_render, tasks
from hdms.tickets.models import ReportSchedule, Ticket

pytestmark = pytest.mark.django_db
PKT = ZoneInfo("Asia/Karachi")


@pytest.fixture
def readers(desk):
    desk.admin.email = "admin@example.org"
    desk.admin.save(update_fields=["email"])
    return [desk.admin, UserFactory(role="moderator", email="mod@example.org")]


def _attachment(mail):
    part = next(p for p in mail["message"].iter_attachments())
    return part.get_filename(), part.get_content()


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_next_runs_are_monday_and_the_first_at_seven_desk_time():
    friday = datetime(2026, 12, 4, 23, 0, tzinfo=PKT)
    assert report_render.next_run("weekly", friday) == datetime(2026, 12, 7, 7, 0, tzinfo=PKT)
    assert report_render.next_run("weekly", datetime(2026, 12, 7, 7, 0, tzinfo=PKT)) == datetime(2026, 12, 14, 7, 0,
                                                                                                   tzinfo=PKT)
    assert report_render.next_run("monthly", friday) == datetime(2027, 1, 1, 7, 0, tzinfo=PKT)


def test_a_weekly_sla_report_is_mailed_once_when_due_as_a_pdf(desk, api, readers, smtp_server):
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=PKT), tick=False):
        assigned_ticket(desk.requestor, desk.moderator, desk.assignee, title="Printer jam")
        submitted_ticket(desk.requestor, title="Unrouted")
        response = api(desk.admin).post("reports/schedules", {
            "name": "Weekly SLA", "kind": "sla_weekly", "recipients": [str(u.id) for u in readers],
            "cadence": "weekly", "language": "en", "format": "pdf"})
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["next_run_at"] == "2026-12-07T07:00:00+05:00"  # Monday 07:00 desk time
        assert tasks.send_due_reports() == 0 and smtp_server.messages == []
    with time_machine.travel(datetime(2026, 12, 7, 7, 3, tzinfo=PKT), tick=False):
        assert tasks.send_due_reports() == 1
        assert tasks.send_due_reports() == 0  # once
    assert sorted(m["to"][0] for m in smtp_server.messages) == ["admin@example.org", "mod@example.org"]
    mail = smtp_server.messages[0]
    assert mail["message"]["Subject"] == "HDMS report: Weekly SLA"
    name, content = _attachment(mail)
    assert name == "hdms-report-2026-12-07.pdf" and content.startswith(b"%PDF")
    text = _pdf_text(content)
    assert "SLA compliance per department" in text and "IT" in text
    schedule = ReportSchedule.objects.get(id=created["id"])
    assert schedule.next_run_at == datetime(2026, 12, 14, 7, 0, tzinfo=PKT) and schedule.last_sent_at is not None


def test_a_saved_view_in_urdu_as_xlsx_holds_the_views_tickets_of_the_period(desk, api, readers, smtp_server):
    with time_machine.travel(datetime(2026, 11, 10, 10, 0, tzinfo=PKT), tick=False):
        moderator = api(desk.admin)  # its token is issued at the travelled time
        inside = submitted_ticket(desk.requestor, title="Broken chair", priority="urgent")
        submitted_ticket(desk.requestor, title="Calm request", priority="low")
        view = moderator.post("views", {"name": "Urgent", "filters": {"priority": ["urgent"]}}).json()
        schedule = moderator.post("reports/schedules", {
            "name": "Urgent monthly", "kind": "view", "view_id": view["id"], "recipients": [str(readers[0].id)],
            "cadence": "monthly", "language": "ur", "format": "xlsx"}).json()
    old = submitted_ticket(desk.requestor, title="Last year's", priority="urgent")
    Ticket.all_objects.filter(id=old.id).update(created_at=datetime(2025, 1, 1, tzinfo=PKT))
    with time_machine.travel(datetime(2026, 12, 1, 7, 1, tzinfo=PKT), tick=False):
        assert tasks.send_due_reports() == 1
    (mail,) = smtp_server.messages
    name, content = _attachment(mail)
    assert name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert sheet.sheet_view.rightToLeft
    assert rows[0][0] == "منظر “Urgent” کے ٹکٹ"
    header = rows.index(next(r for r in rows if r and r[0] == "نمبر"))
    assert [r[0] for r in rows[header + 1:]] == [inside.number]  # November's urgent ticket only
    assert mail["message"]["Subject"].strip() == "ایچ ڈی ایم ایس رپورٹ: Urgent monthly"
    assert ReportSchedule.objects.get(id=schedule["id"]).next_run_at == datetime(2027, 1, 1, 7, 0, tzinfo=PKT)


def test_an_urdu_pdf_is_right_to_left_and_send_now_leaves_the_schedule(desk, api, readers, smtp_server):
    assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    created = api(desk.admin).post("reports/schedules", {
        "name": "خلاصہ", "kind": "department_summary", "recipients": [str(readers[1].id)],
        "cadence": "weekly", "language": "ur"}).json()
    response = api(desk.admin).post(f"reports/schedules/{created['id']}/send")
    assert response.status_code == 200 and response.json() == {"sent": 1}
    _, content = _attachment(smtp_server.messages[0])
    assert "شعبہ" in _pdf_text(content)
    assert ReportSchedule.objects.get(id=created["id"]).last_sent_at is None


def test_bad_schedules_are_422_naming_the_field_and_only_admins_schedule(desk, api, readers):
    admin = api(desk.admin)
    base = {"name": "R", "kind": "sla_weekly", "recipients": [str(readers[0].id)], "cadence": "weekly"}
    for change, field in (({"kind": "view"}, "view_id"), ({"recipients": [str(desk.requestor.id)]}, "recipients"),
                          ({"cadence": "daily"}, "cadence"), ({"format": "docx"}, "format"),
                          ({"recipients": []}, "recipients")):
        response = admin.post("reports/schedules", {**base, **change})
        assert response.status_code == 422, change
        assert field in [e["field"] for e in response.json()["errors"]], (change, response.json())
    assert ReportSchedule.objects.count() == 0
    assert api(desk.moderator).post("reports/schedules", base).status_code == 403
    assert api(desk.moderator).get("reports/schedules").status_code == 403
    made = admin.post("reports/schedules", base).json()
    patched = admin.patch(f"reports/schedules/{made['id']}", {"cadence": "monthly", "format": "xlsx"})
    assert patched.status_code == 200 and patched.json()["cadence"] == "monthly"
    assert [s["id"] for s in admin.get("reports/schedules").json()["items"]] == [made["id"]]
    assert admin.delete(f"reports/schedules/{made['id']}").status_code == 204
    assert admin.get("reports/schedules").json()["items"] == []


def test_a_late_beat_sends_one_report_not_one_per_missed_week(desk, api, readers, smtp_server):
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=PKT), tick=False):
        api(desk.admin).post("reports/schedules", {
            "name": "W", "kind": "sla_weekly", "recipients": [str(readers[0].id)], "cadence": "weekly",
            "format": "xlsx"})
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=PKT) + timedelta(days=30), tick=False):
        assert tasks.send_due_reports() == 1
        assert tasks.send_due_reports() == 0
    assert len(smtp_server.messages) == 1
