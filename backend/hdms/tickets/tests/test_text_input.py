"""Titles and descriptions (issue 10 item 12): a title made only of invisible characters is 422;
bidi override and isolate controls are removed from titles and descriptions."""

import pytest

from hdms.testing.factories_tickets import submitted_ticket
from hdms.tickets.models import Ticket

INVISIBLE_TITLES = ["\u200b", "\u200b\u200c\u200d\ufeff", " \u3164 ", "\u202e\u2066", "\u00a0\u2800\u180e",
                    "\t\u2028\u2029", "\u2060\u2061\u115f"]


@pytest.mark.django_db
@pytest.mark.parametrize("title", INVISIBLE_TITLES)
def test_titles_made_only_of_invisible_characters_are_refused(desk, api, title):
    before = Ticket.objects.count()
    response = api(desk.requestor).post("tickets", {"title": title, "description": "x"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    draft = api(desk.requestor).post("tickets", {"title": "Printer"}).json()
    response = api(desk.requestor).patch(f"tickets/{draft['id']}", {"version": draft["version"], "title": title})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert Ticket.objects.get(id=draft["id"]).title == "Printer"
    parent = submitted_ticket(desk.requestor)
    response = api(desk.moderator).post(f"tickets/{parent.id}/subtickets", {"version": parent.version, "items": [
        {"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id), "title": title}]})
    assert response.status_code == 422
    assert Ticket.objects.count() == before + 2


@pytest.mark.django_db
def test_bidi_controls_are_removed_from_titles_and_descriptions(desk, api):
    response = api(desk.requestor).post("tickets", {
        "title": "Invoice \u202egpj.exe\u202c for \u2067Finance\u2069", "description": "Pay \u202d100\u202c now"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "Invoice gpj.exe for Finance" and body["description"] == "Pay 100 now"
    # Urdu text and its ordinary direction marks are kept.
    response = api(desk.requestor).patch(f"tickets/{body['id']}", {"version": body["version"],
                                                                    "title": "پرنٹر \u200fخراب ہے"})
    assert response.status_code == 200 and response.json()["title"] == "پرنٹر \u200fخراب ہے"
