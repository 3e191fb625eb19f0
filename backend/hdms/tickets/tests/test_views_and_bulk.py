"""Saved views with live counts, the ticket list's sorting, and moderators' bulk actions (DESIGN §10)."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hdms.core.models import IdempotencyKey
from hdms.core.roles import Role
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_tickets import TicketFactory, assigned_ticket, submitted_ticket
from hdms.testing.queries import data_statements
from hdms.tickets.models import Ticket, TicketStatus
from hdms.tickets.schemas import ORDERING_NAMES


def _ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def _list_count(client, filters):
    response = client.get("tickets", filters)
    assert response.status_code == 200, response.content
    return response.json()["count"]


@pytest.fixture
def spread(desk):
    """Tickets across statuses, priorities, departments and assignees."""
    # Plain names (no titles, one case): Python's order and the database collation's agree.
    for user, name in ((desk.requestor, "Amina Requestor"), (desk.other_requestor, "Bilal Requestor"),
                       (desk.assignee, "Chand Assignee"), (desk.assignee2, "Dawood Assignee"),
                       (desk.mnt_assignee, "Erum Assignee")):
        user.full_name = name
        user.save(update_fields=["full_name"])
    tickets = [
        submitted_ticket(desk.requestor, title="Broken projector", priority="high", department_id=desk.it.id),
        submitted_ticket(desk.other_requestor, title="Salary slip", priority="low"),
        submitted_ticket(desk.requestor, title="Projector cable", priority="urgent"),
        assigned_ticket(desk.requestor, desk.moderator, desk.assignee, title="Printer jam", priority="medium"),
        assigned_ticket(desk.other_requestor, desk.moderator, desk.mnt_assignee, title="Leaking roof",
                        priority="high"),
        assigned_ticket(desk.requestor, desk.moderator, desk.assignee2, title="Projector lamp", priority="low"),
    ]
    return tickets


VIEW_FILTERS = [
    {},
    {"status": ["submitted"]},
    {"status": ["assigned"], "priority": ["high", "low"]},
    {"assignee": "none"},
    {"q": "projector"},
    {"sla_breached": False, "top_level": True},
]


@pytest.mark.django_db
@pytest.mark.parametrize("filters", VIEW_FILTERS, ids=[str(f) for f in VIEW_FILTERS])
def test_a_views_count_equals_the_lists_count_for_every_reader(desk, api, spread, filters):
    moderator = api(desk.moderator)
    created = moderator.post("views", {"name": "Mine", "filters": filters, "shared": True})
    assert created.status_code == 201, created.content
    view_id = created.json()["id"]
    for user in (desk.moderator, desk.assignee, desk.admin):  # a shared view counts what each reader sees
        client = api(user)
        expected = _list_count(client, filters)
        listed = {v["id"]: v["count"] for v in client.get("views").json()["items"]}
        assert listed[view_id] == expected
        assert client.get("views/counts").json()["counts"][view_id] == expected
    # The assignee sees fewer tickets than the moderator in the unfiltered view: visibility still decides.
    if not filters:
        assert _list_count(api(desk.assignee), {}) < _list_count(moderator, {}) == len(spread)


@pytest.mark.django_db
def test_counts_follow_changes_to_the_tickets(desk, api, spread):
    client = api(desk.moderator)
    view = client.post("views", {"name": "Unassigned", "filters": {"assignee": "none",
                                                                   "status": ["submitted"]}}).json()
    assert view["count"] == 3
    assigned_ticket(desk.requestor, desk.moderator, desk.assignee)  # filed and assigned: not in the view
    submitted_ticket(desk.requestor)
    assert client.get("views/counts").json()["counts"][view["id"]] == 4 == _list_count(
        client, {"assignee": "none", "status": ["submitted"]})


@pytest.mark.django_db
def test_counts_stop_at_the_cap_and_say_so_while_pages_go_on(desk, api, spread, monkeypatch):
    """A moderator's list of a million tickets is not counted to the end (issue 18): the count stops
    at the cap with ``count_capped``, the same in the list (offset and keyset pages), a view and
    views/counts, and every row can still be paged to."""
    from hdms.core import search

    monkeypatch.setattr(search, "LIST_COUNT_CAP", 4)
    client = api(desk.moderator)
    view = client.post("views", {"name": "All", "filters": {}}).json()
    small = client.post("views", {"name": "Submitted high", "filters": {"status": ["submitted"],
                                                                        "priority": ["high"]}}).json()
    assert (view["count"], view["count_capped"]) == (4, True)
    assert (small["count"], small["count_capped"]) == (1, False)
    counts = client.get("views/counts").json()
    assert counts["counts"][view["id"]] == 4 and counts["capped"] == [view["id"]]
    offset = client.get("tickets", {"page_size": 5}).json()
    assert (offset["count"], offset["count_capped"], len(offset["items"])) == (4, True, 5)
    assert offset["next"] and len(client.get(offset["next"].split("/api/v1/")[-1]).json()["items"]) == 1
    keyset = client.get("tickets", {"cursor": "", "page_size": 2}).json()
    assert (keyset["count"], keyset["count_capped"]) == (4, True)
    seen = [t["id"] for t in keyset["items"]]
    while keyset["next"]:
        keyset = client.get(keyset["next"].split("/api/v1/")[-1]).json()
        seen += [t["id"] for t in keyset["items"]]
    assert sorted(seen) == sorted(str(t.id) for t in spread)
    monkeypatch.setattr(search, "LIST_COUNT_CAP", 6)  # exactly at the cap is not "more"
    assert (client.get("tickets").json()["count"], client.get("tickets").json()["count_capped"]) == (6, False)


@pytest.mark.django_db
def test_who_may_share_see_and_change_views(desk, api, spread):
    mod_view = api(desk.moderator).post("views", {"name": "Team queue", "filters": {"status": ["submitted"]},
                                                  "shared": True}).json()
    personal = api(desk.moderator).post("views", {"name": "Mine only", "filters": {}}).json()
    # Requestors keep personal views but do not share; they never see shared ones.
    assert api(desk.requestor).post("views", {"name": "x", "shared": True}).status_code == 403
    own = api(desk.requestor).post("views", {"name": "My open", "filters": {"status": ["submitted"]}})
    assert own.status_code == 201 and own.json()["count"] == 2  # their own two submitted tickets
    requestor_views = api(desk.requestor).get("views").json()
    assert [v["id"] for v in requestor_views["items"]] == [own.json()["id"]] and requestor_views["can_share"] is False
    assert api(desk.moderator).get("views").json()["can_share"] is True
    # Assignees read shared views; nobody else reads a personal one (404, not 403).
    assignee_views = {v["id"]: v for v in api(desk.assignee).get("views").json()["items"]}
    assert set(assignee_views) == {mod_view["id"]} and assignee_views[mod_view["id"]]["can_change"] is False
    assert api(desk.admin).patch(f"views/{personal['id']}", {"name": "taken"}).status_code == 404
    # Another moderator cannot change a colleague's shared view; an admin can.
    other_mod = UserFactory(role=Role.MODERATOR)
    assert api(other_mod).patch(f"views/{mod_view['id']}", {"name": "Mine now"}).status_code == 403
    renamed = api(desk.admin).patch(f"views/{mod_view['id']}", {"name": "Triage", "ordering": "-sla_due"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Triage"
    assert renamed.json()["ordering"] == "-sla_due"
    assert api(desk.moderator).delete(f"views/{mod_view['id']}").status_code == 204
    assert mod_view["id"] not in {v["id"] for v in api(desk.assignee).get("views").json()["items"]}


@pytest.mark.django_db
def test_views_refuse_filters_get_tickets_would_refuse(desk, api):
    client = api(desk.moderator)
    for bad in ({"status": ["nonsense"]}, {"colour": "red"}, {"cursor": ""}, {"department": "not-a-uuid"}):
        response = client.post("views", {"name": "Bad", "filters": bad})
        assert response.status_code == 422 and response.json()["code"] == "validation_error", bad
    assert client.post("views", {"name": "Bad", "ordering": "colour"}).status_code == 422


# ---------------------------------------------------------------- sorting

def _sort_key(ticket, key):
    return {
        "requestor": ticket.requestor.full_name,
        "assignee": ticket.assignee.full_name if ticket.assignee_id else None,
        "department": ticket.department.name if ticket.department_id else None,
        "priority": ["low", "medium", "high", "urgent"].index(ticket.priority),
        "sla_due": ticket.resolution_due,
        "updated": ticket.updated_at,
        "age": ticket.created_at,
        "number": ticket.number,
    }[key]


def _expected(tickets, name):
    descending = name.startswith("-")
    key = name.lstrip("-")
    if key == "age":  # youngest first ascending
        descending = not descending
    with_value = [t for t in tickets if _sort_key(t, key) is not None]
    without = [t for t in tickets if _sort_key(t, key) is None]  # nulls last either way
    with_value.sort(key=lambda t: (_sort_key(t, key), t.id), reverse=descending)
    without.sort(key=lambda t: t.id, reverse=descending)
    return [str(t.id) for t in with_value + without]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["requestor", "-requestor", "assignee", "-assignee", "department", "-department",
                                  "priority", "-priority", "sla_due", "-sla_due", "age", "-age", "updated",
                                  "-updated", "number"])
def test_the_list_sorts_on_each_column_with_a_stable_tiebreak(desk, api, spread, name):
    # Equal keys on purpose: two tickets of one requestor, two "high", two unassigned ones.
    Ticket.objects.filter(id=spread[1].id).update(resolution_due=None)
    same = timezone.now() - timedelta(hours=1)
    Ticket.objects.filter(id__in=[spread[0].id, spread[2].id]).update(created_at=same, updated_at=same)
    tickets = list(Ticket.objects.select_related("requestor", "assignee", "department"))
    client = api(desk.moderator)
    assert _ids(client.get("tickets", {"ordering": name})) == _expected(tickets, name)
    # Paging through with one per page gives the same order (the tiebreak holds across pages).
    paged = [_ids(client.get("tickets", {"ordering": name, "page": page, "page_size": 1}))[0]
             for page in range(1, len(tickets) + 1)]
    assert paged == _expected(tickets, name)


@pytest.mark.django_db
def test_an_unknown_sort_is_422_and_every_documented_one_is_accepted(desk, api, spread):
    client = api(desk.moderator)
    response = client.get("tickets", {"ordering": "title"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    for name in ORDERING_NAMES:
        assert client.get("tickets", {"ordering": name}).status_code == 200, name


@pytest.mark.django_db
def test_paging_has_no_cap_short_of_the_data(desk, api, spread):
    response = api(desk.moderator).get("tickets", {"page": 1_000_000, "page_size": 1})
    assert response.status_code == 200 and response.json()["items"] == []
    assert response.json()["count"] == len(spread)


@pytest.mark.django_db
def test_list_items_carry_names_and_the_sla_due(desk, api, spread):
    item = next(i for i in api(desk.moderator).get("tickets").json()["items"] if i["id"] == str(spread[3].id))
    assert item["requestor_name"] == desk.requestor.full_name
    assert item["assignee_name"] == desk.assignee.full_name
    assert item["sla_due_at"] is not None and item["sla_due_at"] == item["sla"]["resolution_due"]


# ---------------------------------------------------------------- bulk actions

@pytest.mark.django_db
def test_bulk_assign_reports_each_ticket_and_a_refusal_undoes_nothing(desk, api, spread):
    client = api(desk.moderator)
    fresh = [submitted_ticket(desk.requestor, title=f"Laptop {n}") for n in range(3)]
    already = spread[3]  # assigned: "assign" is not allowed from there
    missing = "00000000-0000-4000-8000-000000000000"
    ids = [str(t.id) for t in fresh[:2]] + [str(already.id), missing, str(fresh[2].id)]
    response = client.post("tickets/bulk", {"ids": ids, "action": "assign",
                                            "fields": {"department_id": str(desk.it.id),
                                                       "assignee_id": str(desk.assignee.id)}})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["id"] for r in results] == ids
    assert [r["status"] for r in results] == ["ok", "ok", "error", "error", "ok"]
    assert results[2]["code"] == "invalid_transition" and results[2]["detail"]
    assert results[3]["code"] == "not_found"
    assert results[0]["ticket"]["status"] == "assigned" and results[0]["ticket"]["assignee_name"]
    for ticket in fresh:
        row = Ticket.objects.get(id=ticket.id)
        assert (row.status, row.assignee_id, row.version) == (TicketStatus.ASSIGNED, desk.assignee.id,
                                                              ticket.version + 1)
    row = Ticket.objects.get(id=already.id)
    assert (row.assignee_id, row.version) == (already.assignee_id, already.version)


@pytest.mark.django_db
def test_bulk_actions_are_checked_as_if_taken_alone(desk, api, spread):
    submitted, _, urgent, assigned, _, _ = spread
    # An assignee may see their tickets but not take a moderator's action on them: forbidden each.
    response = api(desk.assignee).post("tickets/bulk", {"ids": [str(assigned.id)], "action": "set_priority",
                                                        "fields": {"priority": "urgent"}})
    assert response.json()["results"][0]["code"] == "forbidden"
    # A requestor's bulk on someone else's ticket: not found, as alone.
    response = api(desk.requestor).post("tickets/bulk", {"ids": [str(spread[1].id)], "action": "reject",
                                                         "fields": {"reason": "dup"}})
    assert response.json()["results"][0]["code"] == "not_found"
    client = api(desk.moderator)
    done = client.post("tickets/bulk", {"ids": [str(submitted.id), str(assigned.id)], "action": "set_priority",
                                        "fields": {"priority": "urgent"}}).json()["results"]
    assert [r["status"] for r in done] == ["ok", "ok"]
    assert set(Ticket.objects.filter(id__in=[submitted.id, assigned.id]).values_list("priority", flat=True)) == {
        "urgent"}
    moved = client.post("tickets/bulk", {"ids": [str(urgent.id), str(assigned.id)], "action": "set_department",
                                         "fields": {"department_id": str(desk.mnt.id)}}).json()["results"]
    assert moved[0]["status"] == "ok" and moved[0]["ticket"]["department_id"] == str(desk.mnt.id)
    assert moved[1]["code"] == "invalid_transition"  # assigned: the department changes only by assigning
    rejected = client.post("tickets/bulk", {"ids": [str(urgent.id), str(assigned.id)], "action": "reject",
                                            "fields": {"reason": "Duplicate of HD-1"}}).json()["results"]
    assert [r["status"] for r in rejected] == ["ok", "error"]
    assert Ticket.objects.get(id=urgent.id).resolution == "Duplicate of HD-1"
    reassigned = client.post("tickets/bulk", {"ids": [str(assigned.id)], "action": "reassign",
                                              "fields": {"assignee_id": str(desk.assignee2.id)}}).json()["results"]
    assert reassigned[0]["status"] == "ok" and reassigned[0]["ticket"]["assignee_id"] == str(desk.assignee2.id)


@pytest.mark.django_db
def test_bulk_input_is_checked_before_any_ticket(desk, api, spread):
    client = api(desk.moderator)
    ids = [str(spread[0].id)]
    assert client.post("tickets/bulk", {"ids": ids, "action": "reject", "fields": {}}).status_code == 422
    assert client.post("tickets/bulk", {"ids": ids, "action": "assign",
                                        "fields": {"department_id": str(desk.it.id)}}).status_code == 422
    assert client.post("tickets/bulk", {"ids": ids, "action": "close"}).status_code == 422
    assert client.post("tickets/bulk", {"ids": [], "action": "reject"}).status_code == 422
    too_many = [str(spread[0].id)] * 101
    assert client.post("tickets/bulk", {"ids": too_many, "action": "set_priority",
                                        "fields": {"priority": "low"}}).status_code == 422
    assert Ticket.objects.get(id=spread[0].id).version == spread[0].version


@pytest.mark.django_db
def test_a_repeated_bulk_with_its_idempotency_key_writes_nothing_twice(desk, api):
    client = api(desk.moderator)
    tickets = [submitted_ticket(desk.requestor, title=f"Chair {n}") for n in range(3)]
    body = {"ids": [str(t.id) for t in tickets], "action": "assign",
            "fields": {"department_id": str(desk.it.id), "assignee_id": str(desk.assignee.id)}}
    first = client.post("tickets/bulk", body, HTTP_IDEMPOTENCY_KEY="bulk-1")
    again = client.post("tickets/bulk", body, HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers.get("Idempotent-Replayed") == "true"
    assert [r["status"] for r in first.json()["results"]] == ["ok"] * 3
    assert {t.version for t in Ticket.objects.filter(id__in=[t.id for t in tickets])} == {tickets[0].version + 1}
    assert IdempotencyKey.objects.filter(key="bulk-1").count() == 1


@pytest.mark.django_db
def test_set_department_before_assignment_is_in_the_fields_a_moderator_may_edit(desk, api):
    ticket = submitted_ticket(desk.requestor)
    shown = api(desk.moderator).get(f"tickets/{ticket.id}").json()
    assert "department_id" in shown["editable_fields"]
    other = DepartmentFactory(code="LIB", name="Library")
    response = api(desk.moderator).patch(f"tickets/{ticket.id}", {"version": shown["version"],
                                                                   "department_id": str(other.id)})
    assert response.status_code == 200 and response.json()["department_id"] == str(other.id)



@contextmanager
def _statements(expected: int):
    """Exactly ``expected`` statements read rows inside (a transaction's own are not counted)."""
    with CaptureQueriesContext(connection) as ctx:
        yield
    assert len(data_statements(ctx.captured_queries)) == expected

@pytest.mark.django_db
def test_an_assignees_count_stops_at_their_queue_when_it_alone_passes_the_cap(desk, api, monkeypatch):
    """``selectors.ticket_count``: an assignee's department queue is part of what they see, so when
    it alone passes the cap the count stops there after one count of the queue (an index-only scan
    on PostgreSQL); below the cap, or with other filters, everything they see is counted. Either
    way the answer is the count of everything they see, capped: the list's and a view's alike."""
    from hdms.core import search
    from hdms.tickets import selectors

    for index in range(3):  # desk.assignee's department queue: IT tickets another assignee works
        assigned_ticket(desk.requestor, desk.moderator, desk.assignee2, title=f"Queue {index}")
    for index in range(2):  # their own requests, outside the queue
        submitted_ticket(desk.assignee, title=f"Own {index}", department_id=desk.mnt.id)
    assigned_ticket(desk.requestor, desk.moderator, desk.mnt_assignee, title="Not theirs")

    def everything_they_see(filters, cap):
        return search.capped_count(selectors.ticket_filtered(user=desk.assignee, filters=filters), cap=cap)

    monkeypatch.setattr(search, "LIST_COUNT_CAP", 2)
    with _statements(1):  # the queue decides: 3 > 2
        counted = selectors.ticket_count(user=desk.assignee, filters={})
    assert counted == (2, True) == everything_they_see({}, 2)
    client = api(desk.assignee)
    keyset = client.get("tickets", {"cursor": ""}).json()
    assert (keyset["count"], keyset["count_capped"]) == (2, True)
    view = client.post("views", {"name": "Everything", "filters": {}}).json()
    assert (view["count"], view["count_capped"]) == (2, True)

    for cap, expected in ((4, (4, True)), (5, (5, False)), (10, (5, False))):
        monkeypatch.setattr(search, "LIST_COUNT_CAP", cap)  # the queue (3) is under it: all is counted
        assert selectors.ticket_count(user=desk.assignee, filters={}) == expected == everything_they_see({}, cap)
    assert (client.get("tickets", {"cursor": ""}).json()["count"], client.get("views/counts").json()["counts"]) \
        == (5, {view["id"]: 5})

    monkeypatch.setattr(search, "LIST_COUNT_CAP", 2)
    for filters in ({"status": ["assigned"]}, {"status": ["submitted"]}, {"priority": ["medium"]},
                    {"department": desk.it.id}, {"sla_breached": False}, {"q": "Own"}):
        assert selectors.ticket_count(user=desk.assignee, filters=filters) == \
            everything_they_see(filters, search.count_cap(filters.get("q"))), filters
    assert selectors.ticket_count(user=desk.assignee, filters={"status": ["submitted"]}) == (2, False)
    with _statements(1):  # their own department: still the queue alone
        assert selectors.ticket_count(user=desk.assignee, filters={"department": desk.it.id}) == (2, True)
    assert selectors.ticket_count(user=desk.assignee, filters={"department": desk.mnt.id}) == (2, False)


@pytest.mark.django_db
def test_staff_count_is_decided_by_the_tickets_but_drafts_when_those_pass_the_cap(
        desk, api, monkeypatch):
    """Moderators and admins see every ticket but other people's drafts: when the tickets that are
    not drafts alone pass the cap, so does everything they see, counted from an index alone; below
    it, or with other filters, everything they see is counted. Their own drafts count too."""
    from hdms.core import search
    from hdms.tickets import selectors

    for index in range(3):
        submitted_ticket(desk.requestor, title=f"Filed {index}")
    TicketFactory(requestor=desk.moderator, title="Own draft", status="draft")
    TicketFactory(requestor=desk.requestor, title="Someone's draft", status="draft")

    def everything_they_see(user, filters, cap):
        return search.capped_count(selectors.ticket_filtered(user=user, filters=filters), cap=cap)

    for user in (desk.moderator, desk.admin):
        monkeypatch.setattr(search, "LIST_COUNT_CAP", 2)
        with _statements(1):  # 3 tickets that are not drafts > 2
            counted = selectors.ticket_count(user=user, filters={})
        assert counted == (2, True) == everything_they_see(user, {}, 2)
        for cap in (3, 4, 10):  # under the cap: everything they see, their own draft included
            monkeypatch.setattr(search, "LIST_COUNT_CAP", cap)
            assert selectors.ticket_count(user=user, filters={}) == everything_they_see(user, {}, cap)
    monkeypatch.setattr(search, "LIST_COUNT_CAP", 10)
    assert selectors.ticket_count(user=desk.moderator, filters={}) == (4, False)
    assert selectors.ticket_count(user=desk.admin, filters={}) == (3, False)
    monkeypatch.setattr(search, "LIST_COUNT_CAP", 2)
    # A department filter is no part of it, whatever the moderator's own department.
    assert selectors.ticket_count(user=desk.moderator, filters={"department": desk.mnt.id}) == (0, False)
    assert selectors.ticket_count(user=desk.moderator, filters={"status": ["draft"]}) == (1, False)
    keyset = api(desk.moderator).get("tickets", {"cursor": ""}).json()
    assert (keyset["count"], keyset["count_capped"]) == (2, True)
