"""Statements prepared by PostgreSQL (``HDMS_DB_PREPARED``, hdms/settings/base.py): a statement a
connection runs again is prepared and its plan reused, except where a plan must fit its values."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from hdms.core import search
from hdms.testing.factories_tickets import submitted_ticket

BACKEND = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_and_a_search_is_planned_for_its_values(postgres_only, desk, api):
    ticket = submitted_ticket(desk.requestor, title="Projector flickers")
    client = api(desk.requestor)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    for _ in range(6):
        assert client.get(f"tickets/{ticket.id}").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "tickets_ticket"' in statement for statement in prepared)
    # A search's statements get a plan made for their own words, whatever was prepared before.
    with search.through_the_index(), connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("force_custom_plan",)
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("auto",)
    found = client.get("tickets", {"q": "projector", "cursor": ""}).json()
    assert [item["id"] for item in found["items"]] == [str(ticket.id)]


@pytest.mark.django_db
def test_a_lists_page_and_count_are_planned_for_their_values(postgres_only, desk, api):
    """Whose rooms, whose queue: the list's plan depends on them (a generic plan for an assignee's
    page walked the date index with parallel workers), so its statements never use one."""
    submitted_ticket(desk.requestor, title="Projector flickers")
    seen: list[tuple[str, str]] = []

    def watch(execute, sql, params, many, context):
        if sql.startswith('SELECT "tickets_ticket"."id"') or sql.startswith("SELECT COUNT(*)"):
            with context["connection"].connection.cursor() as raw:  # psycopg's own: not watched
                raw.execute("SHOW plan_cache_mode")
                seen.append((sql[:30], raw.fetchone()[0]))
        return execute(sql, params, many, context)

    for user in (desk.assignee, desk.moderator, desk.requestor):
        with connection.execute_wrapper(watch):
            assert api(user).get("tickets", {"cursor": ""}).status_code == 200
            assert api(user).get("tickets/changes", {"since": "2020-01-01T00:00:00Z"}).status_code == 200
    assert len(seen) >= 6 and {mode for _, mode in seen} == {"force_custom_plan"}
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone() == ("auto",)


@pytest.mark.parametrize(("environment", "binds_on_the_server"), [
    ({}, True), ({"HDMS_PGBOUNCER": "true"}, False), ({"HDMS_DB_PREPARED": "false"}, False),
])
def test_statements_are_not_prepared_through_pgbouncer_which_cannot_keep_them(environment, binds_on_the_server):
    env = {name: value for name, value in os.environ.items() if name not in ("HDMS_PGBOUNCER", "HDMS_DB_PREPARED")}
    env.update({"DJANGO_SETTINGS_MODULE": "hdms.settings.production", "HDMS_SECRET_KEY": secrets.token_urlsafe(48),
                "DATABASE_URL": "postgres://hdms@127.0.0.1:5432/hdms", "HDMS_REQUIRE_SCANNER": "false",
                **environment})
    shown = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; "
                               "print(settings.DATABASES['default'].get('OPTIONS', {}).get('server_side_binding'))"],
        cwd=BACKEND, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert shown == ("True" if binds_on_the_server else "None")
