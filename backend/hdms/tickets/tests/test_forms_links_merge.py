"""Request forms per category, links, merging a duplicate, and the bulk canned reply (DESIGN §10)."""

import pytest

from hdms.audit.models import AuditEntry
from hdms.communication.models import CannedResponse, Message, Notification
from hdms.testing.factories_tickets import assigned_ticket, resolved_ticket, submitted_ticket
from hdms.tickets.models import RequestCategory, Ticket, TicketLink, TicketParticipant, TicketStatus

FINANCE_FIELDS = [
    {"key": "amount", "label_en": "Amount", "label_ur": "رقم", "type": "money", "required": True},
    {"key": "cost_centre", "label_en": "Cost centre", "label_ur": "لاگت مرکز", "type": "choice", "required": True,
     "choices": ["Academics", "IT"]},
    {"key": "needed_by", "label_en": "Needed by", "label_ur": "", "type": "date", "required": False},
    {"key": "copies", "label_en": "Copies", "label_ur": "", "type": "number", "required": False},
]


@pytest.fixture
def finance_form(desk, api):
    response = api(desk.admin).post("categories", {"department_id": str(desk.fin.id), "name_en": "Payment",
                                                   "name_ur": "ادائیگی", "fields": FINANCE_FIELDS})
    assert response.status_code == 201, response.content
    return response.json()


def _fields_named(response):
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    return {e["field"]: e["code"] for e in body["errors"]}


# ---------------------------------------------------------------- categories

@pytest.mark.django_db
def test_only_admins_manage_categories_and_everyone_reads_them(desk, api, finance_form):
    body = {"department_id": str(desk.it.id), "name_en": "Device", "fields": []}
    assert api(desk.moderator).post("categories", body).status_code == 403
    assert api(desk.requestor).patch(f"categories/{finance_form['id']}", {"name_en": "X"}).status_code == 403
    assert api(desk.moderator).delete(f"categories/{finance_form['id']}").status_code == 403
    listed = api(desk.requestor).get("categories", {"department": str(desk.fin.id)}).json()["items"]
    assert [c["id"] for c in listed] == [finance_form["id"]]
    assert [f["key"] for f in listed[0]["fields"]] == ["amount", "cost_centre", "needed_by", "copies"]
    assert listed[0]["sets_amount"] is True  # its money field "amount" is the ticket's amount
    device = api(desk.admin).post("categories", {"department_id": str(desk.it.id), "name_en": "Device", "fields": [
        {"key": "amount", "label_en": "Amount", "type": "text"}]}).json()  # text, not money: asks for it apart
    assert device["sets_amount"] is False
    assert api(desk.admin).delete(f"categories/{device['id']}").status_code == 204
    renamed = api(desk.admin).patch(f"categories/{finance_form['id']}", {"name_ur": "ادائیگی کی درخواست",
                                                                         "version": finance_form["version"]})
    assert renamed.status_code == 200 and renamed.json()["version"] == finance_form["version"] + 1
    # null on a field that cannot be empty leaves it as it is (DESIGN §4 PATCH: only what is sent changes).
    kept = api(desk.admin).patch(f"categories/{finance_form['id']}", {"fields": None, "name_en": None})
    assert kept.status_code == 200, kept.text
    assert [f["key"] for f in kept.json()["fields"]] == ["amount", "cost_centre", "needed_by", "copies"]
    assert kept.json()["name_en"] == finance_form["name_en"]
    renamed = kept
    stale = api(desk.admin).patch(f"categories/{finance_form['id']}", {"name_ur": "x",
                                                                       "version": finance_form["version"]})
    assert stale.status_code == 409
    assert api(desk.admin).delete(f"categories/{finance_form['id']}").status_code == 204
    assert api(desk.requestor).get("categories").json()["items"] == []


@pytest.mark.django_db
def test_bad_field_definitions_are_422_naming_each(desk, api):
    fields = [{"key": "Amount!", "label_en": "Amount", "type": "money"},
              {"key": "pick", "label_en": "", "type": "choice", "choices": []},
              {"key": "pick", "label_en": "Again", "type": "text"}]
    response = api(desk.admin).post("categories", {"department_id": str(desk.fin.id), "name_en": "Bad",
                                                   "fields": fields})
    assert _fields_named(response) == {"fields.0.key": "invalid_format", "fields.1.label_en": "required",
                                       "fields.1.choices": "required", "fields.2.key": "taken"}
    unknown_type = api(desk.admin).post("categories", {"department_id": str(desk.fin.id), "name_en": "Bad",
                                                       "fields": [{"key": "a", "label_en": "A", "type": "colour"}]})
    assert "fields.0.type" in _fields_named(unknown_type)
    assert not RequestCategory.objects.exists()


# ---------------------------------------------------------------- filing with a form

@pytest.mark.django_db
def test_the_form_is_validated_naming_each_field_and_nothing_is_filed(desk, api, finance_form):
    client = api(desk.requestor)
    base = {"title": "Pay the printer vendor", "category_id": finance_form["id"], "submit": True}
    missing = client.post("tickets", {**base, "fields": {"cost_centre": "IT"}})
    assert _fields_named(missing) == {"fields.amount": "required"}
    bad = client.post("tickets", {**base, "fields": {"amount": "12abc", "cost_centre": "Kitchen",
                                                     "needed_by": "next week", "colour": "red"}})
    assert _fields_named(bad) == {"fields.amount": "not_a_number", "fields.cost_centre": "invalid_choice",
                                  "fields.needed_by": "invalid_date", "fields.colour": "unknown_field"}
    negative = client.post("tickets", {**base, "fields": {"amount": "-5", "cost_centre": "IT"}})
    assert _fields_named(negative) == {"fields.amount": "too_small"}
    other_department = client.post("tickets", {**base, "department_id": str(desk.it.id),
                                               "fields": {"amount": "10", "cost_centre": "IT"}})
    assert _fields_named(other_department) == {"category_id": "invalid_choice"}
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_a_filed_form_is_stored_shown_and_audited(desk, api, finance_form):
    response = api(desk.requestor).post("tickets", {
        "title": "Pay the printer vendor", "category_id": finance_form["id"], "submit": True,
        "fields": {"amount": "15,000.5", "cost_centre": "IT", "needed_by": "2027-01-10", "copies": 3}})
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert ticket["department_id"] == str(desk.fin.id)  # the category names its department
    assert ticket["category_id"] == finance_form["id"] and ticket["category"] == "Payment"
    assert ticket["fields"] == {"amount": "15000.50", "cost_centre": "IT", "needed_by": "2027-01-10", "copies": "3"}
    assert ticket["amount"] == "15000.50"  # the form's amount is the ticket's (approvals read it)
    form = api(desk.moderator).get(f"tickets/{ticket['id']}").json()["form"]
    assert form["name_ur"] == "ادائیگی"
    assert [(f["key"], f["label_ur"], f["value"]) for f in form["fields"]] == [
        ("amount", "رقم", "15000.50"), ("cost_centre", "لاگت مرکز", "IT"), ("needed_by", "", "2027-01-10"),
        ("copies", "", "3")]
    # The audit export carries the values (the entry's after snapshot).
    created = AuditEntry.objects.get(action="ticket.create", object_id=ticket["id"])
    assert created.after["form_values"]["amount"] == "15000.50"
    # A draft's requestor changes the values through PATCH, checked the same way.
    draft = api(desk.requestor).post("tickets", {"title": "Draft", "category_id": finance_form["id"],
                                                 "fields": {"amount": "1", "cost_centre": "IT"}}).json()
    refused = api(desk.requestor).patch(f"tickets/{draft['id']}", {"version": draft["version"],
                                                                   "fields": {"cost_centre": "IT"}})
    assert _fields_named(refused) == {"fields.amount": "required"}
    changed = api(desk.requestor).patch(f"tickets/{draft['id']}", {"version": draft["version"],
                                                                   "fields": {"amount": "2", "cost_centre": "IT"}})
    assert changed.status_code == 200 and changed.json()["fields"]["amount"] == "2.00"


# ---------------------------------------------------------------- links

@pytest.mark.django_db
def test_links_show_on_both_tickets_and_only_to_readers_of_the_other(desk, api):
    mine = submitted_ticket(desk.requestor, title="Projector in 12")
    theirs = submitted_ticket(desk.other_requestor, title="Projector in 14")
    client = api(desk.moderator)
    assert api(desk.requestor).post(f"tickets/{mine.id}/links", {"to_id": str(theirs.id)}).status_code == 403
    created = client.post(f"tickets/{mine.id}/links", {"to_id": str(theirs.id), "kind": "related"})
    assert created.status_code == 201, created.content
    assert created.json()["number"] == theirs.number
    again = client.post(f"tickets/{theirs.id}/links", {"to_id": str(mine.id)})
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    assert TicketLink.objects.count() == 1
    back = client.get(f"tickets/{theirs.id}/links").json()["items"]
    assert [(i["number"], i["direction"]) for i in back] == [(mine.number, "incoming")]
    # The requestor of one does not learn of the other's ticket.
    assert api(desk.requestor).get(f"tickets/{mine.id}/links").json() == {"items": [], "can_link": False}
    assert client.get(f"tickets/{mine.id}/links").json()["can_link"] is True
    assert _fields_named(client.post(f"tickets/{mine.id}/links", {"to_id": str(mine.id)})) == {"to_id": "invalid"}
    assert client.delete(f"tickets/{theirs.id}/links/{created.json()['id']}").status_code == 204
    assert client.get(f"tickets/{mine.id}/links").json()["items"] == []


# ---------------------------------------------------------------- merge

@pytest.mark.django_db
def test_merge_closes_the_duplicate_moves_its_people_and_tells_them(desk, api, published,
                                                                   django_capture_on_commit_callbacks):
    target = assigned_ticket(desk.requestor, desk.moderator, desk.assignee, title="Wi-Fi down in block A")
    duplicate = submitted_ticket(desk.other_requestor, title="No internet in block A")
    TicketParticipant.objects.create(ticket_id=duplicate.id, user_id=desk.assignee2.id, joined_at=duplicate.created_at)
    published.clear()
    client = api(desk.moderator)
    stale = client.post(f"tickets/{duplicate.id}/actions/merge", {"version": duplicate.version - 1,
                                                                 "into_id": str(target.id)})
    assert stale.status_code == 409
    assert api(desk.assignee).post(f"tickets/{duplicate.id}/actions/merge",
                                   {"version": duplicate.version, "into_id": str(target.id)}).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"tickets/{duplicate.id}/actions/merge", {"version": duplicate.version,
                                                                        "into_id": str(target.id)})
    assert response.status_code == 200, response.content
    merged = response.json()
    assert merged["status"] == "merged" and merged["merged_into_id"] == str(target.id)
    assert merged["allowed_actions"] == [] or "merge" not in merged["allowed_actions"]
    room = set(TicketParticipant.objects.filter(ticket_id=target.id).values_list("user_id", flat=True))
    assert {desk.other_requestor.id, desk.assignee2.id} <= room
    # The duplicate's requestor now sees the target; the target shows the merge in its links and history.
    assert api(desk.other_requestor).get(f"tickets/{target.id}").status_code == 200
    links = api(desk.other_requestor).get(f"tickets/{target.id}/links").json()["items"]
    assert [(i["number"], i["kind"], i["merged"]) for i in links] == [(duplicate.number, "duplicate", True)]
    target_history = [e["kind"] for e in client.get(f"tickets/{target.id}/history").json()["items"]]
    assert "ticket.merged_in" in target_history
    dup_history = client.get(f"tickets/{duplicate.id}/history").json()["items"]
    merge_entry = next(e for e in dup_history if e["kind"] == "ticket.merge")
    assert merge_entry["params"]["to_status"] == "merged" and merge_entry["params"]["into_number"] == target.number
    assert Ticket.objects.get(id=target.id).version == target.version + 1
    # Both rooms hear it; the people moved are told.
    rooms = {e["room_id"] for name, e in published if name == "ticket.updated"}
    assert rooms == {str(duplicate.id), str(target.id)}
    told = [e for name, e in published if name == "notification.requested" and e["kind"] == "ticket.merged"]
    assert len(told) == 1 and set(told[0]["user_ids"]) == {str(desk.other_requestor.id), str(desk.assignee2.id)}
    assert told[0]["params"]["target_number"] == target.number


@pytest.mark.django_db
def test_merge_is_refused_where_it_does_not_fit(desk, api):
    client = api(desk.moderator)
    duplicate = submitted_ticket(desk.other_requestor, title="Duplicate")
    closed = resolved_ticket(desk.requestor, desk.moderator, desk.assignee)
    closed = Ticket.objects.get(id=closed.id)
    Ticket.objects.filter(id=closed.id).update(status=TicketStatus.CLOSED)

    def merge(ticket, into, by=client):
        fresh = Ticket.objects.get(id=ticket.id)
        return by.post(f"tickets/{ticket.id}/actions/merge", {"version": fresh.version, "into_id": str(into)})

    assert _fields_named(merge(duplicate, duplicate.id)) == {"into_id": "invalid"}
    assert _fields_named(merge(duplicate, closed.id)) == {"into_id": "invalid_choice"}
    assert _fields_named(merge(duplicate, "00000000-0000-4000-8000-000000000000")) == {"into_id": "not_found"}
    assert _fields_named(client.post(f"tickets/{duplicate.id}/actions/merge",
                                     {"version": duplicate.version})) == {"into_id": "required"}
    target = submitted_ticket(desk.requestor)
    assert merge(closed, target.id).status_code == 409  # a closed ticket is not merged
    assert merge(duplicate, target.id, by=api(desk.other_requestor)).status_code == 403
    assert Ticket.objects.get(id=duplicate.id).status == TicketStatus.SUBMITTED
    assert "merge" in client.get(f"tickets/{duplicate.id}").json()["allowed_actions"]
    assert "merge" not in api(desk.other_requestor).get(f"tickets/{duplicate.id}").json()["allowed_actions"]


# ---------------------------------------------------------------- bulk: apply a canned response

@pytest.mark.django_db
def test_bulk_canned_reply_posts_per_ticket_in_each_requestors_language(desk, api):
    desk.other_requestor.language = "ur"
    desk.other_requestor.save(update_fields=["language"])
    canned = CannedResponse.objects.create(title="Seen", shortcut="seen", created_by=desk.admin,
                                           body_en="Dear {{requestor.full_name}}, {{ticket.number}} is seen.",
                                           body_ur="محترم {{requestor.full_name}}، {{ticket.number}} دیکھ لیا گیا۔")
    english = submitted_ticket(desk.requestor, title="English")
    urdu = submitted_ticket(desk.other_requestor, title="Urdu")
    finished = submitted_ticket(desk.requestor, title="Withdrawn")
    Ticket.objects.filter(id=finished.id).update(status=TicketStatus.WITHDRAWN)
    ids = [str(english.id), str(urdu.id), str(finished.id)]
    response = api(desk.moderator).post("tickets/bulk", {"ids": ids, "action": "apply_canned",
                                                         "fields": {"canned_id": str(canned.id)}})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["ok", "ok", "error"]
    assert results[2]["code"] == "invalid_transition"
    assert results[0]["ticket"]["number"] == english.number
    bodies = dict(Message.objects.values_list("ticket_id", "body"))
    assert bodies[english.id] == f"Dear {desk.requestor.full_name}, {english.number} is seen."
    assert bodies[urdu.id] == f"محترم {desk.other_requestor.full_name}، {urdu.number} دیکھ لیا گیا۔"
    assert finished.id not in bodies
    # Admins observe chats silently: refused per ticket, as a reply alone would be.
    admin = api(desk.admin).post("tickets/bulk", {"ids": [str(english.id)], "action": "apply_canned",
                                                  "fields": {"canned_id": str(canned.id)}}).json()["results"]
    assert admin[0]["code"] == "forbidden"
    assert Message.objects.count() == 2


@pytest.mark.django_db
def test_bulk_canned_needs_a_canned_response_the_caller_may_use(desk, api):
    ticket = submitted_ticket(desk.requestor)
    personal = CannedResponse.objects.create(title="Mine", shortcut="mine", body_en="Hi", created_by=desk.admin,
                                             owner=desk.admin)
    client = api(desk.moderator)
    for fields in ({}, {"canned_id": str(personal.id)}):
        response = client.post("tickets/bulk", {"ids": [str(ticket.id)], "action": "apply_canned", "fields": fields})
        assert _fields_named(response).keys() == {"fields.canned_id"}
    assert not Message.objects.exists() and not Notification.objects.exists()
