"""GET tickets' keyset pages compiled once per shape (``selectors.ticket_keyset_page``).

A list page without filters in an ordering by date runs a statement compiled for its shape with the
caller's values in it. It must be the very statement the list would build for them: the same rows
in the same order, page after page, for every kind of caller (own requests, rooms, a department's
queue, approvals, staff), and the same SQL. One caller's values never reach another's page.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hdms.core.roles import ApproverKind
from hdms.testing.factories_tickets import TicketFactory
from hdms.tickets import selectors
from hdms.tickets.models import ApprovalStatus, ApprovalStep, Ticket, TicketParticipant, TicketStatus

pytestmark = pytest.mark.django_db

ORDERINGS = ("-created_at", "created_at", "-updated_at", "updated_at", "age", "-age")
S = TicketStatus


@pytest.fixture
def tickets(desk):
    """30 tickets of every status, in IT and Maintenance, with tied dates; rooms for the IT assignee,
    the Maintenance assignee and the requestor; two tickets waiting on Finance; others' drafts."""
    now = timezone.now().replace(microsecond=0)
    statuses = [S.DRAFT, S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED, S.RESOLVED, S.CLOSED,
                S.PENDING_APPROVAL, S.REJECTED]
    made = []
    for i in range(30):
        ticket = TicketFactory(requestor=[desk.requestor, desk.other_requestor, desk.ceo][i % 3],
                               department=[desk.it, desk.mnt, None][i % 3 if i % 7 else 2],
                               status=statuses[i % len(statuses)],
                               assignee=desk.assignee if i % 5 == 0 else (desk.mnt_assignee if i % 5 == 1 else None))
        Ticket.objects.filter(id=ticket.id).update(created_at=now - timedelta(hours=i // 3),
                                                   updated_at=now - timedelta(minutes=i % 4))
        made.append(ticket)
    for i, ticket in enumerate(made):
        for person, every in ((desk.assignee, 4), (desk.mnt_assignee, 6), (desk.requestor, 7)):
            if i % every == 1:
                TicketParticipant.objects.create(ticket=ticket, user=person, joined_at=now)
    for ticket in made[7:9]:
        Ticket.objects.filter(id=ticket.id).update(status=S.PENDING_APPROVAL)
        ApprovalStep.objects.create(ticket=ticket, step=1, approver_kind=ApproverKind.FINANCE,
                                    status=ApprovalStatus.PENDING)
    sub = TicketFactory(requestor=desk.other_requestor, parent=made[1], status=S.IN_PROGRESS)  # a room's sub-ticket
    return [*made, sub]


def _walk_api(client, ordering, size):
    ids, url = [], f"tickets?ordering={ordering}&page_size={size}&cursor="
    while url:
        body = client.get(url).json()
        ids += [item["id"] for item in body["items"]]
        url = body["next"]
        assert len(ids) < 100
    return ids


def _walk_built(user, ordering, size):
    """The same pages through ``keyset_page`` on the list's queryset: built and compiled each time."""
    ids, cursor = [], ""
    while True:
        qs = selectors.ticket_list(user=user, filters={"ordering": ordering, "cursor": cursor}, brief_users=True)
        rows, cursor = selectors.keyset_page(qs, ordering=ordering, cursor=cursor, limit=size)
        ids += [str(t.id) for t in rows]
        if not cursor:
            return ids


def test_every_caller_pages_through_the_compiled_statement_as_through_the_built_one(postgres_only, desk, api,
                                                                                    tickets):
    callers = (desk.assignee, desk.mnt_assignee, desk.assignee2, desk.finance, desk.requestor, desk.ceo,
               desk.moderator, desk.admin)
    for user in callers:
        visible = {str(i) for i in selectors.ticket_visible_qs(user=user).values_list("id", flat=True)}
        assert visible, user.role
        for ordering in ORDERINGS:
            built = _walk_built(user, ordering, 4)
            assert _walk_api(api(user), ordering, 4) == built, (user.role, ordering)
            assert set(built) == visible and len(built) == len(visible)
    # The callers differ in what they see (rooms, queues, approvals): the pages did not just agree on one set.
    seen = {frozenset(selectors.ticket_visible_qs(user=u).values_list("id", flat=True)) for u in callers}
    assert len(seen) >= 6
    assert any(shape[2] for shape in selectors._PAGES)  # approvals (Finance) went through a compiled page


def test_the_compiled_page_runs_the_sql_the_list_builds(postgres_only, desk, api, tickets):
    """The same statement for callers without a department queue; an assignee's newest-first page
    reads each part of what they see through its own index (``_first_of_parts``), the same rows."""
    first = Ticket.objects.filter(department=desk.it).order_by("-created_at").first()
    for user in (desk.assignee, desk.finance, desk.requestor, desk.ceo, desk.moderator):
        for cursor in ("", selectors.encode_cursor(_with_key(first), "-created_at")):
            filters = {"ordering": "-created_at", "cursor": cursor}
            visible = selectors.visible_to(user)
            qs = selectors.ticket_list(user=user, filters=filters, brief_users=True, visible=visible)
            with CaptureQueriesContext(connection) as compiled:
                rows, _ = selectors.ticket_keyset_page(user=user, visible=visible, filters=filters,
                                                       listed=lambda qs=qs: qs, limit=5)
            with CaptureQueriesContext(connection) as built:
                expected, _ = selectors.keyset_page(qs, ordering="-created_at", cursor=cursor, limit=5)
            assert [t.id for t in rows] == [t.id for t in expected] and expected
            assert len(compiled.captured_queries) == len(built.captured_queries) == 1
            sql, built_sql = compiled.captured_queries[0]["sql"], built.captured_queries[0]["sql"]
            if user.department_id and user.role == "assignee":
                assert sql.count("UNION ALL") >= 6 and "UNION" not in built_sql  # the queue's five statuses and more
            else:
                assert sql == built_sql


def _with_key(ticket):
    ticket.sort_key = ticket.created_at
    return ticket


def test_one_statement_per_shape_each_caller_with_their_own_values(postgres_only, desk, api, tickets):
    """Two assignees of different departments, both with rooms: one statement, each their own queue."""
    selectors._PAGES.clear()
    it_page = api(desk.assignee).get("tickets", {"cursor": "", "page_size": 50}).json()["items"]
    assert len(selectors._PAGES) == 1
    mnt_page = api(desk.mnt_assignee).get("tickets", {"cursor": "", "page_size": 50}).json()["items"]
    assert len(selectors._PAGES) == 1
    def seen_by(user):
        return {str(i) for i in selectors.ticket_visible_qs(user=user).values_list("id", flat=True)}

    assert {i["id"] for i in it_page} == seen_by(desk.assignee)
    assert {i["id"] for i in mnt_page} == seen_by(desk.mnt_assignee)
    it_queue = {str(t.id) for t in tickets if t.department_id == desk.it.id and t.status in
                (S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED, S.RESOLVED, S.CLOSED)}
    assert it_queue and it_queue <= {i["id"] for i in it_page}
    assert it_queue - seen_by(desk.mnt_assignee)  # the IT queue is not Maintenance's
    # With a filter the page is built as before, and agrees.
    filtered = api(desk.assignee).get("tickets", {"cursor": "", "page_size": 50, "status": ["closed"]}).json()
    assert len(selectors._PAGES) == 1
    assert {i["id"] for i in filtered["items"]} == {i["id"] for i in it_page if i["status"] == "closed"}
