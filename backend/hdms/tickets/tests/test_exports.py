"""Exports (DESIGN §11): ``GET reports/tickets.csv`` and ``.xlsx`` hold exactly the rows ``GET
tickets`` lists for the same reader and filters (or saved view), in its order; headers and labels in
the reader's language; no cell runs as a formula; a too-big export is refused before anything is sent.
The files are parsed back."""

import csv
import io

import pytest
from openpyxl import load_workbook

from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket
from hdms.tickets import exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(desk):
    return [
        submitted_ticket(desk.requestor, title="=HYPERLINK(\"http://evil\",\"click\")", priority="high",
                         department_id=desk.it.id),
        submitted_ticket(desk.other_requestor, title="Salary slip", priority="low"),
        assigned_ticket(desk.requestor, desk.moderator, desk.assignee, title="Printer jam", priority="urgent"),
    ]


def _csv(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="tickets-' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the Urdu as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=False).active
    return sheet, [list(row) for row in sheet.iter_rows(values_only=True)]


def _numbers(client, params=None):
    return [item["number"] for item in client.get("tickets", params or {}).json()["items"]]


def test_csv_holds_the_lists_rows_for_each_reader_with_formulas_neutralised(desk, api, tickets):
    for reader in (desk.requestor, desk.moderator, desk.assignee, desk.admin):
        client = api(reader)
        rows = _csv(client.get("reports/tickets.csv"))
        assert rows[0][:4] == ["Number", "Title", "Status", "Priority"]
        assert [r[0] for r in rows[1:]] == _numbers(client), reader.role
    rows = _csv(api(desk.moderator).get("reports/tickets.csv", {"priority": ["high"]}))
    assert len(rows) == 2
    number, title, status, priority, department = rows[1][:5]
    assert title.startswith("'=HYPERLINK") and (status, priority, department) == ("Submitted", "High", "IT")
    assert number == tickets[0].number


def test_xlsx_holds_the_same_rows_typed_and_urdu_readers_get_urdu_right_to_left(desk, api, tickets):
    client = api(desk.admin)
    sheet, rows = _xlsx(client.get("reports/tickets.xlsx", {"ordering": "number"}))
    assert [r[0] for r in rows[1:]] == _numbers(client, {"ordering": "number"})
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Title"].startswith("'=HYPERLINK")  # text, not a formula
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert first["Created"].year >= 2026 and first["SLA breached"] == "No"
    assert not sheet.sheet_view.rightToLeft
    desk.requestor.language = "ur"
    desk.requestor.save(update_fields=["language"])
    sheet, rows = _xlsx(api(desk.requestor).get("reports/tickets.xlsx"))
    assert sheet.sheet_view.rightToLeft
    assert rows[0][:4] == ["نمبر", "عنوان", "حالت", "ترجیح"]
    assert {r[2] for r in rows[1:]} == {"جمع شدہ", "تفویض شدہ"} and len(rows) == 3  # own two only


def test_a_saved_view_exports_its_filters_and_a_view_of_someone_else_is_not_found(desk, api, tickets):
    moderator = api(desk.moderator)
    view = moderator.post("views", {"name": "Urgent", "filters": {"priority": ["urgent"]}}).json()
    rows = _csv(moderator.get("reports/tickets.csv", {"view": view["id"]}))
    assert [r[1] for r in rows[1:]] == ["Printer jam"]
    # filters given beside the view narrow it further
    assert len(_csv(moderator.get("reports/tickets.csv", {"view": view["id"], "status": ["submitted"]}))) == 1
    response = api(desk.admin).get("reports/tickets.xlsx", {"view": view["id"]})  # private to its owner
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_export_over_the_limit_is_refused_naming_the_limit(desk, api, tickets, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    for path in ("reports/tickets.csv", "reports/tickets.xlsx"):
        response = api(desk.admin).get(path)
        assert response.status_code == 422, path
        body = response.json()
        assert body["code"] == "validation_error"
        assert (body["errors"][0]["field"], body["errors"][0]["code"], body["errors"][0]["params"]) == (
            "filters", "too_large", {"max": 2})
    assert len(_csv(api(desk.admin).get("reports/tickets.csv", {"status": ["assigned"]}))) == 2


def test_bad_filters_are_422_and_anonymous_is_401(desk, api, tickets):
    response = api(desk.admin).get("reports/tickets.csv", {"status": ["sleeping"]})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert api(desk.admin).get("reports/tickets.csv", {"view": "not-a-uuid"}).status_code == 422
    assert api(None).get("reports/tickets.xlsx").status_code == 401


def test_a_request_forms_values_travel_in_one_cell_in_the_readers_language(desk, api):
    form = api(desk.admin).post("categories", {"department_id": str(desk.fin.id), "name_en": "Payment",
                                               "name_ur": "ادائیگی", "fields": [
        {"key": "amount", "label_en": "Amount", "label_ur": "رقم", "type": "money", "required": True},
        {"key": "cost_centre", "label_en": "Cost centre", "label_ur": "", "type": "choice", "required": False,
         "choices": ["Academics", "IT"]}]}).json()
    filed = api(desk.requestor).post("tickets", {"title": "Pay the vendor", "category_id": form["id"], "submit": True,
                                                 "fields": {"amount": "1,500"}})
    assert filed.status_code == 201, filed.content
    plain = submitted_ticket(desk.requestor, title="No form here")
    rows = _csv(api(desk.moderator).get("reports/tickets.csv", {"ordering": "number"}))
    cells = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert cells[filed.json()["number"]]["Request form"] == "Payment — Amount: 1500.00"
    assert cells[plain.number]["Request form"] == ""
    desk.moderator.language = "ur"
    desk.moderator.save(update_fields=["language"])
    _, rows = _xlsx(api(desk.moderator).get("reports/tickets.xlsx", {"ordering": "number"}))
    cells = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert cells[filed.json()["number"]]["درخواست فارم"] == "ادائیگی — رقم: 1500.00"
