"""GET tickets: filters, search, ordering, pagination (offset and keyset), constant query counts,
index use (EXPLAIN), cache-aside summaries."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hdms.testing.factories import DepartmentFactory
from hdms.testing.factories_tickets import TicketFactory, assigned_ticket, submitted_ticket
from hdms.testing.queries import data_statements
from hdms.tickets import cache as ticket_cache
from hdms.tickets import services
from hdms.tickets.models import Ticket


def _ids(response):
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.django_db
def test_filters_narrow_the_list(desk, api):
    a = submitted_ticket(desk.requestor, title="Broken projector", priority="high", department_id=desk.it.id)
    b = assigned_ticket(desk.other_requestor, desk.moderator, desk.mnt_assignee, title="Leaking roof",
                        priority="low")
    c = submitted_ticket(desk.requestor, title="Salary slip", description="Need my March payslip")
    client = api(desk.moderator)
    assert set(_ids(client.get("tickets", {"status": "assigned"}))) == {str(b.id)}
    assert set(_ids(client.get("tickets", {"priority": ["high", "low"]}))) == {str(a.id), str(b.id)}
    assert _ids(client.get("tickets", {"department": str(desk.it.id)})) == [str(a.id)]
    assert _ids(client.get("tickets", {"assignee": str(desk.mnt_assignee.id)})) == [str(b.id)]
    assert set(_ids(client.get("tickets", {"assignee": "none"}))) == {str(a.id), str(c.id)}
    assert set(_ids(client.get("tickets", {"requestor": str(desk.requestor.id)}))) == {str(a.id), str(c.id)}
    assert _ids(client.get("tickets", {"q": "broken"})) == [str(a.id)]
    assert _ids(client.get("tickets", {"q": "payslip"})) == [str(c.id)]
    assert _ids(client.get("tickets", {"q": a.number})) == [str(a.id)]
    future = (timezone.now() + timedelta(days=1)).isoformat()
    assert client.get("tickets", {"created_after": future}).json()["count"] == 0
    assert client.get("tickets", {"created_before": future}).json()["count"] == 3
    assert _ids(client.get("tickets", {"ordering": "created_at"}))[0] == str(a.id)
    assert _ids(client.get("tickets"))[0] == str(c.id)
    # A requestor's list holds only what they may see, whatever they filter by.
    assert set(_ids(api(desk.requestor).get("tickets"))) == {str(a.id), str(c.id)}
    assert _ids(api(desk.requestor).get("tickets", {"requestor": str(desk.other_requestor.id)})) == []
    assert client.get("tickets", {"status": "nonsense"}).status_code == 422


@pytest.mark.django_db
def test_search_by_the_digits_of_a_number_finds_that_ticket_only(desk, api):
    a = submitted_ticket(desk.requestor, title="Broken projector")
    b = submitted_ticket(desk.requestor, title="Leaking roof")
    digits = str(int(a.number.removeprefix("HD-")))  # HD-000011 -> "11"
    client = api(desk.moderator)
    for q in (digits, f"HD-{digits}", f"hd{digits}", f"#{digits}", a.number.lower()):
        assert _ids(client.get("tickets", {"q": q})) == [str(a.id)], q
    assert str(b.id) not in _ids(client.get("tickets", {"q": digits}))
    # Visibility still decides: another requestor finds nothing by the number.
    assert _ids(api(desk.other_requestor).get("tickets", {"q": digits})) == []


@pytest.mark.django_db
def test_ordering_by_sla_due_follows_the_resolution_target(desk, api):
    now = timezone.now()
    late = submitted_ticket(desk.requestor, title="late")
    soon = submitted_ticket(desk.requestor, title="soon")
    Ticket.objects.filter(id=late.id).update(resolution_due=now + timedelta(days=3))
    Ticket.objects.filter(id=soon.id).update(resolution_due=now + timedelta(hours=2))
    client = api(desk.moderator)
    assert _ids(client.get("tickets", {"ordering": "sla_due"}))[:2] == [str(soon.id), str(late.id)]
    descending = _ids(client.get("tickets", {"ordering": "-sla_due"}))
    assert descending.index(str(late.id)) < descending.index(str(soon.id))


@pytest.mark.django_db
def test_offset_and_keyset_pagination_walk_every_ticket_once(desk, api):
    TicketFactory.create_batch(7, requestor=desk.requestor)
    client = api(desk.moderator)
    first = client.get("tickets", {"page_size": 3}).json()
    assert first["count"] == 7 and len(first["items"]) == 3 and "page=2" in first["next"]
    seen, url = [], "tickets?page_size=3&cursor="
    while url:
        body = client.get(url).json()
        assert body["count"] == (7 if not seen else None)  # keyset mode: counted on the first page only
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
    assert len(seen) == 7 and len(set(seen)) == 7
    assert seen == [str(t.id) for t in Ticket.objects.order_by("-created_at", "-id")]
    assert client.get("tickets", {"cursor": "garbage!"}).status_code == 422


def _count_queries(client, path, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params or {})
    assert response.status_code == 200
    return len(data_statements(ctx.captured_queries))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["moderator", "requestor", "assignee"])
def test_list_and_detail_query_counts_do_not_grow_with_rows(desk, api, role):
    user = getattr(desk, role)
    client = api(user)
    ticket = assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    TicketFactory.create_batch(3, requestor=desk.requestor, assignee=desk.assignee, department=desk.it,
                               status="in_progress")
    small_list = _count_queries(client, "tickets")
    small_detail = _count_queries(client, f"tickets/{ticket.id}")
    TicketFactory.create_batch(30, requestor=desk.requestor, assignee=desk.assignee, department=desk.it,
                               status="in_progress")
    parent = Ticket.objects.filter(status="in_progress").first()
    # One open sub-ticket per department per parent (a database constraint).
    for department in DepartmentFactory.create_batch(5):
        TicketFactory(requestor=desk.requestor, parent=parent, assignee=desk.assignee, department=department,
                      status="assigned")
    assert _count_queries(client, "tickets") == small_list
    assert _count_queries(client, "tickets", {"page_size": 50}) == small_list
    assert _count_queries(client, f"tickets/{ticket.id}") == small_detail
    assert small_list <= 8 and small_detail <= 6


@pytest.mark.django_db
def test_the_list_page_reads_its_people_apart_in_one_query_for_its_rows(desk, api):
    """The page's query joins no user (PostgreSQL planned longer for every page, and sometimes
    merged thousands of users in): the requestors and assignees of its rows come in one query,
    with only what the page shows of them."""
    assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    TicketFactory.create_batch(3, requestor=desk.other_requestor, department=desk.it, status="submitted")
    with CaptureQueriesContext(connection) as ctx:
        body = api(desk.moderator).get("tickets", {"cursor": "", "page_size": 10}).json()
    page = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "tickets_ticket"."id"')]
    assert len(page) == 1 and "users_user" not in page[0]
    people = [q["sql"] for q in ctx.captured_queries
              if 'FROM "users_user"' in q["sql"] and '"users_user"."full_name"' in q["sql"]
              and '"users_user"."password"' not in q["sql"]]
    assert len(people) == 1
    assert {item["requestor"]["employee_code"] for item in body["items"]} == {
        desk.requestor.employee_code, desk.other_requestor.employee_code}
    by_assignee = {item["assignee"]["full_name"] if item["assignee"] else None for item in body["items"]}
    assert by_assignee == {desk.assignee.full_name, None}
    assert all(item["requestor_name"] == item["requestor"]["full_name"] for item in body["items"])
    # Someone deleted since still names their tickets, as the ticket itself does.
    type(desk.other_requestor).objects.filter(id=desk.other_requestor.id).update(is_deleted=True)
    again = api(desk.moderator).get("tickets", {"cursor": "", "page_size": 10})
    assert again.status_code == 200
    assert desk.other_requestor.full_name in {item["requestor_name"] for item in again.json()["items"]}


@pytest.mark.django_db
def test_common_list_filters_use_indexes_not_a_sequential_scan(postgres_only, desk):
    """With a few thousand rows and fresh statistics, PostgreSQL plans index scans for the common
    filters (bench/explain_tickets.md records the same at 100,000 rows)."""
    TicketFactory.create_batch(10, requestor=desk.requestor)
    users = [desk.requestor, desk.other_requestor, desk.assignee, desk.assignee2, desk.mnt_assignee]
    rows = [Ticket(number=f"HX-{i:07d}", title=f"Generated {i}", description="bulk", requestor=users[i % 5],
                   assignee=users[(i + 2) % 5] if i % 3 else None, department=[desk.it, desk.mnt, desk.fin][i % 3],
                   status=["submitted", "assigned", "in_progress", "resolved", "closed"][i % 5],
                   priority=["low", "medium", "high", "urgent"][i % 4], sla_breached=(i % 97 == 0))
            for i in range(6000)]
    Ticket.objects.bulk_create(rows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    from hdms.tickets.selectors import ticket_list

    checks = {
        "default": {},
        "status": {"status": ["assigned"]},
        "department": {"department": desk.it.id, "status": ["in_progress"]},
        "assignee": {"assignee": desk.assignee.id},
        "requestor": {"requestor": desk.requestor.id},
        "sla_breached": {"sla_breached": True},
        "search": {"q": "generated 17"},
    }
    for name, filters in checks.items():
        qs = ticket_list(user=desk.moderator, filters=filters)[:25]
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = plan if isinstance(plan, list) else json.loads(plan)
        text = json.dumps(plan)
        scans = _scans_on(plan[0]["Plan"], "tickets_ticket")
        assert scans and "Seq Scan" not in scans, (name, scans, text[:2000])
    # Visibility for a non-staff user is an OR of indexed conditions.
    qs = ticket_list(user=desk.assignee, filters={})[:25]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    scans = _scans_on((plan if isinstance(plan, list) else json.loads(plan))[0]["Plan"], "tickets_ticket")
    assert scans and "Seq Scan" not in scans, scans


def _scans_on(node, table):
    found = []
    if node.get("Relation Name") == table:
        found.append(node["Node Type"])
    for child in node.get("Plans", []):
        found += _scans_on(child, table)
    return found


@pytest.mark.django_db
def test_dashboard_summary_is_cached_and_invalidated_by_ticket_writes(desk, api):
    client = api(desk.moderator)
    submitted_ticket(desk.requestor)
    first = client.get("analytics/summary").json()
    assert first["total"] == 1 and first["scope"] == "desk"
    from django.core.cache import cache

    assert cache.get(ticket_cache.summary_key(desk.moderator.id))["value"]["total"] == 1
    # A write elsewhere (bypassing the services) is not seen until the TTL: the value is cached...
    TicketFactory(requestor=desk.requestor)
    assert client.get("analytics/summary").json()["total"] == 1
    # ...and a ticket write through the services invalidates it at once.
    ticket_cache.invalidate_dashboards()
    submitted_ticket(desk.requestor)
    assert client.get("analytics/summary").json()["total"] == 3
    mine = api(desk.requestor).get("analytics/summary").json()
    assert mine["scope"] == "own" and mine["total"] == 3
    assert api(desk.other_requestor).get("analytics/summary").json()["total"] == 0


@pytest.mark.django_db
def test_analytics_breakdowns_are_scoped_to_the_caller(desk, api):
    ticket = assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    ticket = services.ticket_start(ticket_id=ticket.id, by=desk.assignee, version=ticket.version)
    ticket = services.ticket_resolve(ticket_id=ticket.id, by=desk.assignee, version=ticket.version)
    ticket = services.ticket_close(ticket_id=ticket.id, by=desk.requestor, version=ticket.version)
    services.ticket_rate(ticket_id=ticket.id, by=desk.requestor, version=ticket.version, score=4)
    submitted_ticket(desk.other_requestor, priority="urgent")
    staff = api(desk.admin)
    assert staff.get("analytics/by-status").json()["by_status"] == {"closed": 1, "submitted": 1}
    assert staff.get("analytics/satisfaction").json()["distribution"]["4"] == 1
    assert staff.get("analytics/sla-compliance").json()["total"] == 2
    assert staff.get("analytics/resolution-time").json()["items"][0]["resolved"] == 1
    assert sum(i["created"] for i in staff.get("analytics/volume").json()["items"]) == 2
    departments = staff.get("analytics/by-department").json()["items"]
    assert {d["code"] for d in departments} == {"IT", None}
    own = api(desk.requestor).get("analytics/by-status").json()["by_status"]
    assert own == {"closed": 1}


@pytest.mark.django_db
def test_detail_counts_sub_tickets_once_and_answers_as_before(desk, api):
    """The detail attaches the sub-ticket progress once (the payload and the rules used to count it
    with a query each); what it answers is what the payload built without the page loader says."""
    from hdms.tickets import render, selectors

    parent = assigned_ticket(desk.requestor, desk.moderator, desk.assignee)
    Ticket.objects.filter(id=parent.id).update(status="in_progress")
    departments = DepartmentFactory.create_batch(3)
    subs = [TicketFactory(requestor=desk.requestor, parent=parent, assignee=desk.assignee, department=d,
                          status=status) for d, status in zip(departments, ["assigned", "resolved", "closed"],
                                                              strict=True)]
    plain = submitted_ticket(desk.requestor, title="No sub-tickets")
    for user in (desk.moderator, desk.requestor, desk.assignee):
        client = api(user)
        for ticket in (parent, subs[1], plain):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(f"tickets/{ticket.id}")
            if not selectors.ticket_can_see(user=user, ticket=Ticket.objects.get(id=ticket.id)):
                assert response.status_code == 404
                continue
            assert response.status_code == 200
            counts = [q["sql"] for q in ctx.captured_queries if 'COUNT("tickets_ticket"."id")' in q["sql"]]
            assert len(counts) <= 1, counts
            fresh = selectors.ticket_get_visible(user=user, ticket_id=ticket.id)  # no progress attached
            expected = json.loads(render.ticket_response(selectors.ticket_payload_for(fresh, user)).content)
            body = response.json()
            assert body == expected
            assert body["subtickets"] == ({"total": 3, "done": 2} if ticket is parent else {"total": 0, "done": 0})


@pytest.mark.django_db
def test_a_participant_sees_the_rooms_tickets_in_the_list_and_its_count(desk, api):
    """The rooms a caller is in reach the list as one array (``= ANY``) on PostgreSQL: the tickets
    of those rooms and their sub-tickets are listed and counted, others' are not."""
    from hdms.tickets.models import TicketParticipant

    room = assigned_ticket(desk.other_requestor, desk.moderator, desk.assignee, title="Room ticket")
    Ticket.objects.filter(id=room.id).update(status="in_progress")
    sub = TicketFactory(requestor=desk.other_requestor, parent=room, assignee=desk.assignee,
                        department=DepartmentFactory(), status="assigned")
    elsewhere = submitted_ticket(desk.other_requestor, title="Not their room")
    mine = submitted_ticket(desk.requestor, title="Their own")
    client = api(desk.requestor)
    before = set(_ids(client.get("tickets", {"page_size": 50})))
    assert str(room.id) not in before and str(sub.id) not in before and str(mine.id) in before
    TicketParticipant.objects.create(ticket=room, user=desk.requestor, joined_at=timezone.now())
    for params in ({"page_size": 50}, {"page_size": 50, "cursor": ""}):
        body = client.get("tickets", params).json()
        ids = {item["id"] for item in body["items"]}
        assert {str(room.id), str(sub.id), str(mine.id)} <= ids
        assert str(elsewhere.id) not in ids
        assert body["count"] == len(ids)
    assert client.get(f"tickets/{room.id}").status_code == 200
