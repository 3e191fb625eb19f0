"""``Prepared`` (hdms/core/prepared.py): a query compiled once per database gives, for any values,
what the ORM gives when it builds the query anew: the rows, their joined objects and annotations,
in this thread's connection and transaction; and a stand-in that the statement does not carry is
refused at once, not run with the wrong values."""

import threading
import uuid

import pytest
from django.db import close_old_connections, connections
from django.db.models import Count

from hdms.core.prepared import Prepared
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.tickets.models import Ticket
from hdms.tickets.selectors import ticket_base_qs

STAND_IN = uuid.UUID(int=0xBEEF)


def _ticket(requestor, department, title: str) -> Ticket:
    return Ticket.objects.create(title=title, description="d", department=department, requestor=requestor,
                                 status="submitted", number=f"HD-{uuid.uuid4().int % 10**8:08d}")


def _by_id() -> Prepared[Ticket]:
    return Prepared(lambda ticket_id: ticket_base_qs().filter(id=ticket_id).order_by()[:1], STAND_IN)


@pytest.mark.django_db
def test_rows_are_what_the_orm_gives_for_each_value_and_the_query_is_compiled_once():
    department = DepartmentFactory()
    people = [UserFactory(department=department) for _ in range(3)]
    tickets = [_ticket(person, department, f"Ticket {n}") for n, person in enumerate(people)]
    by_id = _by_id()

    for ticket in [*tickets, *reversed(tickets)]:
        for value in (ticket.id, str(ticket.id)):  # a UUID may come as text (a URL's)
            (row,) = by_id.rows(value)
            expected = ticket_base_qs().get(id=ticket.id)
            assert (row.id, row.title, row.requestor_id) == (expected.id, expected.title, expected.requestor_id)
            assert row.requestor.full_name == expected.requestor.full_name  # the join, loaded
            assert row.department.name == department.name
            assert row.parent_status is None  # the annotation
    assert by_id.rows(uuid.uuid4()) == []
    assert len(by_id._compiled) == 1


@pytest.mark.django_db
def test_values_lists_and_aggregates_keep_their_shape():
    department = DepartmentFactory()
    person = UserFactory(department=department)
    parent = _ticket(person, department, "Parent")
    for n in range(3):  # one open sub-ticket per department
        child = _ticket(person, DepartmentFactory(), f"Child {n}")
        Ticket.objects.filter(id=child.id).update(parent=parent)
    counts = Prepared(lambda parent_id: Ticket.objects.filter(parent_id=parent_id).values("parent_id")
                      .annotate(total=Count("id")).values_list("parent_id", "total"), STAND_IN)
    assert counts.rows(parent.id) == [(parent.id, 3)]
    assert counts.rows(person.id) == []


@pytest.mark.django_db
def test_a_count_is_the_orms_count_of_the_sliced_query_for_each_value():
    departments = [DepartmentFactory() for _ in range(3)]
    person = UserFactory(department=departments[0])
    for n, department in enumerate(departments):
        for m in range(2 * n + 1):  # 1, 3 and 5 tickets
            _ticket(person, department, f"Ticket {n}.{m}")
    capped = Prepared(lambda department_id: Ticket.objects.filter(department_id=department_id)
                      .order_by().values("pk")[:4], STAND_IN)
    for department in departments:
        expected = Ticket.objects.filter(department_id=department.id).order_by().values("pk")[:4].count()
        assert capped.count(department.id) == expected
    assert [capped.count(d.id) for d in departments] == [1, 3, 4]  # the slice is counted, not the table
    assert capped.count(uuid.uuid4()) == 0
    assert len(capped._compiled) == 1


@pytest.mark.django_db
def test_values_of_another_type_and_malformed_ids_are_refused():
    by_id = _by_id()
    with pytest.raises(ValueError):
        by_id.rows("not-a-uuid")
    titles = Prepared(lambda title: Ticket.objects.filter(title=title).values_list("id", flat=True), "stand-in")
    assert titles.rows("nothing of the kind") == []
    with pytest.raises(TypeError):
        titles.rows(5)


@pytest.mark.django_db
def test_a_stand_in_the_statement_does_not_carry_is_refused():
    lost = Prepared(lambda ticket_id: Ticket.objects.filter(title="fixed").values_list("id", flat=True), STAND_IN)
    with pytest.raises(RuntimeError, match="stand-in"):
        lost.rows(uuid.uuid4())


@pytest.mark.django_db
def test_outside_its_vendors_it_builds_the_query_each_time():
    department = DepartmentFactory()
    ticket = _ticket(UserFactory(department=department), department, "Built anew")
    by_id = Prepared(lambda ticket_id: ticket_base_qs().filter(id=ticket_id)[:1], STAND_IN, vendors=())
    assert [t.id for t in by_id.rows(ticket.id)] == [ticket.id]
    assert by_id._compiled == {}


@pytest.mark.django_db(transaction=True)
def test_threads_each_run_it_on_their_own_connection():
    department = DepartmentFactory()
    tickets = [_ticket(UserFactory(department=department), department, f"Thread {n}") for n in range(4)]
    by_id = _by_id()
    by_id.rows(tickets[0].id)  # compiled on this thread's connection
    found: dict[int, list[uuid.UUID]] = {}
    errors: list[BaseException] = []

    def read(n: int) -> None:
        try:
            found[n] = [t.id for _ in range(20) for t in by_id.rows(tickets[n].id)]
            found[n].append(id(connections["default"]))
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()
            connections["default"].close()

    threads = [threading.Thread(target=read, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for n, ticket in enumerate(tickets):
        assert found[n][:-1] == [ticket.id] * 20
    assert len({found[n][-1] for n in range(4)} | {id(connections["default"])}) == 5  # five connections
