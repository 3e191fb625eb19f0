"""The reporting schema (DESIGN §11, docs/reporting.md): views a BI tool reads, kept with the
migrations, documented column by column, and a role that can read them and nothing else."""

import re
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from hdms.communication import services as chat
from hdms.ops import reporting
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_tickets import assigned_ticket, resolved_ticket, submitted_ticket
from hdms.tickets import services

DOC = Path(__file__).resolve().parents[4] / "docs" / "reporting.md"


def _columns() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name, column_name FROM information_schema.columns "
                       "WHERE table_schema = %s ORDER BY table_name, ordinal_position", [reporting.SCHEMA])
        found: dict[str, list[str]] = {}
        for table, column in cursor.fetchall():
            found.setdefault(table, []).append(column)
    return found


def test_every_view_and_column_is_documented_and_nothing_else(postgres_only):
    documented: dict[str, list[str]] = {}
    view = None
    for line in DOC.read_text().splitlines():
        heading = re.match(r"## reporting\.(\w+)$", line)
        if heading:
            view = heading.group(1)
            documented[view] = []
        elif view and (row := re.match(r"\| (\w+) \| \w+ \|", line)) and row.group(1) != "column":
            documented[view].append(row.group(1))
    assert documented == _columns()
    assert set(documented) == set(reporting.views())


@pytest.fixture
def desk_with_history(postgres_only):
    it = DepartmentFactory(code="IT", name="IT")
    requestor, moderator = UserFactory(role="requestor"), UserFactory(role="moderator")
    worker = UserFactory(role="assignee", department=it)
    services.ticket_create(requestor=requestor, title="A private draft")
    open_one = submitted_ticket(requestor, title="Printer")
    working = assigned_ticket(requestor, moderator, worker, title="Projector")
    done = resolved_ticket(requestor, moderator, worker, title="Wi-Fi")
    done = services.ticket_close(ticket_id=done.id, by=requestor, version=done.version)
    services.ticket_rate(ticket_id=done.id, by=requestor, version=done.version, score=4)
    access = chat.room_enter(user=worker, ticket_id=working.id)
    chat.message_create(author=worker, access=access, body="On my way")
    chat.message_create(author=worker, access=access, body="Staff only", internal=True)
    return {"open": open_one, "working": working, "done": done, "worker": worker}


def _as_reporting_role(sql: str) -> list[tuple]:
    """``sql`` run with the reporting role's rights, inside the test's transaction (sees its rows)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {reporting.ROLE}")
        try:
            cursor.execute(sql)
            return cursor.fetchall()
        finally:
            cursor.execute("RESET ROLE")


def test_the_views_count_what_reports_count(desk_with_history):
    h = desk_with_history
    tickets = dict(_as_reporting_role("SELECT title, is_open FROM reporting.tickets"))
    assert tickets == {"Printer": True, "Projector": True, "Wi-Fi": False}  # the draft is private
    assert _as_reporting_role("SELECT ticket_id::text, rating FROM reporting.ratings") == [(str(h["done"].id), 4)]
    workload = _as_reporting_role("SELECT assignee_id::text, open, resolved FROM reporting.workload")
    assert workload == [(str(h["worker"].id), 1, 1)]
    per_day = _as_reporting_role("SELECT ticket_id::text, messages, internal_notes FROM reporting.messages_per_day")
    assert per_day == [(str(h["working"].id), 1, 1)]
    events = _as_reporting_role(f"SELECT status_after FROM reporting.ticket_events "
                                f"WHERE ticket_id = '{h['done'].id}' ORDER BY created_at")
    assert ("closed",) in events and ("resolved",) in events


@pytest.mark.django_db(transaction=True)
def test_the_reporting_role_signs_in_reads_the_views_and_nothing_else(postgres_only):
    params = connection.settings_dict
    url = (f"postgres://{reporting.ROLE}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/"
           f"{params['NAME']}")
    with psycopg.connect(url, autocommit=True) as role:
        for view in reporting.views():
            role.execute(f"SELECT * FROM reporting.{view} LIMIT 1")
        for statement in ("SELECT 1 FROM tickets_ticket LIMIT 1", "SELECT 1 FROM users_user LIMIT 1",
                          "SELECT body FROM communication_message LIMIT 1", "SELECT 1 FROM audit_auditentry LIMIT 1",
                          "UPDATE reporting.ratings SET rating = 1", "CREATE TABLE reporting.mine (id int)",
                          "CREATE TABLE public.mine (id int)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                role.execute(statement)


def test_migrate_makes_the_views_again_after_dropping_them(postgres_only):
    reporting.before_migrate(using="default")
    assert _columns() == {}
    reporting.after_migrate(using="default")
    assert set(_columns()) == set(reporting.views())
