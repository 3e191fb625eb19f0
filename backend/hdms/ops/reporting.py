"""The reporting schema (DESIGN §11): documented, stable views a BI tool reads (docs/reporting.md)
and the read-only role ``hdms_reporting`` that can read them and nothing else.

The views are dropped before every ``migrate`` and made again after it (pre_migrate/post_migrate),
so a migration may change any column under them and the views always follow the current tables.
PostgreSQL only: the embedded SQLite desk has no schemas and no roles."""
# ruff: noqa: S608 - the views' SQL is made of this module's constants and the ticket model's statuses, no input

import logging

from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import errors as pg_errors

logger = logging.getLogger(__name__)

SCHEMA = "reporting"
ROLE = "hdms_reporting"
# Tickets a report may count: not drafts (private to their author), not deleted.
COUNTED = "NOT t.is_deleted AND t.status <> 'draft'"


def views() -> dict[str, str]:
    """Each view's name and query (the open statuses are the ticket service's own list)."""
    # Inside: hdms.ops.apps imports this module before the app registry has loaded the models.
    from hdms.tickets.models import OPEN_STATUSES

    open_ = "(" + ", ".join(f"'{status}'" for status in OPEN_STATUSES) + ")"
    return {
        "departments": """
            SELECT d.id, d.code, d.name, d.is_active FROM users_department d WHERE NOT d.is_deleted""",
        "tickets": f"""
            SELECT t.id, t.number, t.title, t.status, t.status IN {open_} AS is_open, t.priority, t.category,
                   t.department_id, d.code AS department_code, d.name AS department_name,
                   t.requestor_id, t.assignee_id, t.parent_id, t.amount,
                   t.created_at, t.submitted_at, t.first_responded_at, t.resolved_at, t.closed_at, t.updated_at
            FROM tickets_ticket t LEFT JOIN users_department d ON d.id = t.department_id
            WHERE {COUNTED}""",
        "ticket_events": f"""
            SELECT a.id, t.id AS ticket_id, a.created_at, a.action, a.actor_id,
                   a.before ->> 'status' AS status_before, a.after ->> 'status' AS status_after
            FROM audit_auditentry a JOIN tickets_ticket t ON a.object_type = 'ticket' AND a.object_id = t.id::text
            WHERE {COUNTED}""",
        "sla": f"""
            SELECT t.id AS ticket_id, t.priority, t.department_id, t.sla_started_at,
                   t.first_response_due, t.first_responded_at, t.first_response_breached,
                   t.resolution_due, t.resolved_at, t.resolution_breached, t.sla_paused_minutes,
                   t.sla_breached, t.status IN {open_} AS is_open
            FROM tickets_ticket t WHERE {COUNTED} AND t.sla_started_at IS NOT NULL""",
        "approvals": f"""
            SELECT s.id, s.ticket_id, s.round, s.step, s.approver_kind, s.status, s.decided_by_id,
                   s.created_at, s.decided_at
            FROM tickets_approvalstep s JOIN tickets_ticket t ON t.id = s.ticket_id
            WHERE {COUNTED} AND NOT s.is_deleted""",
        "ratings": f"""
            SELECT t.id AS ticket_id, t.department_id, t.assignee_id, t.priority, t.rating, t.resolved_at, t.closed_at
            FROM tickets_ticket t WHERE {COUNTED} AND t.rating IS NOT NULL""",
        "workload": f"""
            SELECT u.id AS assignee_id, u.employee_code, u.full_name, u.department_id,
                   count(t.id) FILTER (WHERE t.status IN {open_}) AS open,
                   count(t.id) FILTER (WHERE t.status = 'in_progress') AS in_progress,
                   count(t.id) FILTER (WHERE t.status IN {open_}
                                       AND (t.resolution_due < now() OR t.sla_breached)) AS overdue,
                   count(t.id) FILTER (WHERE t.status IN ('resolved', 'closed')) AS resolved
            FROM users_user u JOIN tickets_ticket t ON t.assignee_id = u.id AND {COUNTED}
            GROUP BY u.id, u.employee_code, u.full_name, u.department_id""",
        "messages_per_day": f"""
            SELECT m.ticket_id, (m.created_at AT TIME ZONE 'UTC')::date AS day_utc,
                   count(*) FILTER (WHERE NOT m.internal) AS messages,
                   count(*) FILTER (WHERE m.internal) AS internal_notes
            FROM communication_message m JOIN tickets_ticket t ON t.id = m.ticket_id
            WHERE {COUNTED} AND NOT m.is_deleted
            GROUP BY m.ticket_id, (m.created_at AT TIME ZONE 'UTC')::date""",
    }


def drop_views(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def create_views(connection: BaseDatabaseWrapper) -> None:
    """The schema, its views, and the role's rights on them (the role made if the owner may)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        for name, query in views().items():
            cursor.execute(f"CREATE OR REPLACE VIEW {SCHEMA}.{name} AS {query}")
        if _ensure_role(connection):
            cursor.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {ROLE}")
            cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {ROLE}")


def _ensure_role(connection: BaseDatabaseWrapper) -> bool:
    """Makes ``hdms_reporting`` (LOGIN, no password until an operator sets one) where the owner
    may create roles; otherwise it must exist already (deploy/README.md, "Reporting")."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
        if cursor.fetchone():
            return True
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute(f"CREATE ROLE {ROLE} LOGIN")
        except DatabaseError as error:
            if isinstance(error.__cause__, pg_errors.DuplicateObject | pg_errors.UniqueViolation):
                return True  # a parallel migrate (another database of this server) made it
            if isinstance(error.__cause__, pg_errors.InsufficientPrivilege):
                logger.warning("reporting role %s is missing and the migration role may not create it", ROLE)
                return False
            raise
    return True


def before_migrate(using: str = "default", **_: object) -> None:
    drop_views(connections[using])


def after_migrate(using: str = "default", **_: object) -> None:
    create_views(connections[using])
