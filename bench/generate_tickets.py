#!/usr/bin/env python
"""Tickets for index and plan checks: ``--count`` tickets (100,000 by default; 1,000,000 for the
benchmarks) loaded with PostgreSQL ``COPY`` into an existing, migrated database, plus a few
departments and users when there are none. ``--explain`` then writes the plans of the common list
queries (through the real selector, as a moderator and as an assignee) to bench/explain_tickets.md.

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_bench \\
      .venv/bin/python bench/generate_tickets.py --migrate --count 100000 --explain

Columns come from the model (``_meta.concrete_fields``): a field added later is filled from its
default. (bench/generate_data.py loads the whole benchmark data set: users, tickets and messages.)
"""

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
os.environ.setdefault("HDMS_DEMO", "false")
os.environ.setdefault("HDMS_EMBEDDED_SCHEDULER", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import NOT_PROVIDED  # noqa: E402

from hdms.tickets.models import Ticket  # noqa: E402

STATUSES = [("closed", 40), ("resolved", 8), ("in_progress", 12), ("assigned", 10), ("submitted", 12),
            ("postponed", 3), ("pending_approval", 3), ("approved", 2), ("rejected", 4), ("withdrawn", 3),
            ("draft", 3)]
PRIORITIES = [("low", 25), ("medium", 45), ("high", 22), ("urgent", 8)]
WORDS = ["printer", "projector", "wifi", "network", "laptop", "password", "email", "classroom", "fan",
         "light", "water", "leak", "roof", "door", "salary", "invoice", "budget", "fees", "timetable",
         "exam", "library", "bus", "camera", "chair", "board", "toner", "scanner", "server", "backup",
         "phone", "form", "approval", "broken", "slow", "missing", "replace", "repair", "install", "school"]


def weighted(choices: list[tuple[str, int]], rng: random.Random, n: int) -> list[str]:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices], k=n)


def ensure_people(rng: random.Random) -> tuple[list, list, list]:
    from hdms.testing.factories import DepartmentFactory

    User = get_user_model()
    departments = [DepartmentFactory(code=code, name=name) for code, name in
                   [("IT", "IT"), ("FIN", "Finance"), ("MNT", "Maintenance"), ("HR", "HR"), ("ACD", "Academics")]]
    requestors = list(User.objects.filter(role="requestor").values_list("id", flat=True)[:2000])
    assignees = list(User.objects.filter(role="assignee").values_list("id", "department_id")[:500])
    if len(requestors) < 50 or len(assignees) < 10:
        made = []
        for i in range(200):
            role = "assignee" if i % 5 == 0 else "requestor"
            user = User(employee_code=f"bt{uuid.uuid4().hex[:10]}", full_name=f"Bench {i}", role=role,
                        department=departments[i % len(departments)])
            user.set_unusable_password()
            made.append(user)
        User.objects.bulk_create(made)
        requestors = list(User.objects.filter(role="requestor").values_list("id", flat=True)[:2000])
        assignees = list(User.objects.filter(role="assignee").values_list("id", "department_id")[:500])
    return departments, requestors, assignees


def generate(count: int, seed: int) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database.")
    rng = random.Random(seed)
    departments, requestors, assignees = ensure_people(rng)
    fields = [f for f in Ticket._meta.concrete_fields]
    columns = [f.column for f in fields]
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('tickets_ticket_number_seq')")
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval('tickets_ticket_number_seq', %s)", [first + count])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    span = dt.timedelta(days=730).total_seconds()
    statuses = weighted(STATUSES, rng, count)
    priorities = weighted(PRIORITIES, rng, count)
    defaults = {}
    for f in fields:
        if f.has_default() and f.default is not NOT_PROVIDED:
            defaults[f.column] = f.get_default()
        else:
            defaults[f.column] = None
    started = time.monotonic()
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY tickets_ticket ({', '.join(columns)}) FROM STDIN") as copy:
        for i in range(count):
            created = now - dt.timedelta(seconds=span * (1 - i / count)) + dt.timedelta(microseconds=i % 1000)
            status = statuses[i]
            worked = status in ("assigned", "in_progress", "postponed", "resolved", "closed")
            assignee = rng.choice(assignees) if worked else None
            department = assignee[1] if assignee else (rng.choice(departments).id if rng.random() < 0.6 else None)
            submitted = None if status == "draft" else created + dt.timedelta(minutes=rng.randint(0, 30))
            resolved = created + dt.timedelta(hours=rng.randint(1, 200)) if status in ("resolved", "closed") else None
            words = rng.sample(WORDS, 6)
            row = dict(defaults)
            row.update({
                "id": uuid.uuid4(), "created_at": created, "updated_at": resolved or created, "is_deleted": False,
                "version": rng.randint(1, 8), "number": f"HD-{first + i:06d}",
                "title": " ".join(words[:3]).capitalize(), "description": " ".join(words) + ".",
                "category": "", "priority": priorities[i], "status": status, "requestor_id": rng.choice(requestors),
                "assignee_id": assignee[0] if assignee else None, "department_id": department,
                "submitted_at": submitted, "sla_started_at": submitted,
                "first_response_due": submitted + dt.timedelta(hours=8) if submitted else None,
                "resolution_due": submitted + dt.timedelta(days=5) if submitted else None,
                "first_responded_at": submitted + dt.timedelta(hours=1) if submitted and worked else None,
                "resolved_at": resolved, "closed_at": resolved + dt.timedelta(days=3) if status == "closed" else None,
                "rating": rng.randint(1, 5) if status == "closed" and rng.random() < 0.4 else None,
                "sla_breached": rng.random() < 0.07, "resolution": "", "postponed_reason": "", "rating_comment": "",
                "sla_paused_minutes": 0,
            })
            copy.write_row([row[c] for c in columns])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    print(f"{count} tickets in {time.monotonic() - started:.1f}s")


QUERIES = {
    "default list (newest first)": {},
    "status=in_progress": {"status": ["in_progress"]},
    "department + status": {"department": "IT", "status": ["assigned", "in_progress"]},
    "assignee": {"assignee": "ASSIGNEE"},
    "requestor": {"requestor": "REQUESTOR"},
    "priority=urgent": {"priority": ["urgent"]},
    "sla_breached=true": {"sla_breached": True},
    "q=projector (full text)": {"q": "projector"},
}


def scans_on(node: dict, table: str) -> list[str]:
    found = [node["Node Type"]] if node.get("Relation Name") == table else []
    for child in node.get("Plans", []):
        found += scans_on(child, table)
    return found


def explain(out: Path) -> None:
    from hdms.tickets.selectors import ticket_list

    User = get_user_model()
    moderator = User.objects.filter(role="moderator").first() or User.objects.create(
        employee_code=f"bt-mod-{uuid.uuid4().hex[:6]}", full_name="Bench Moderator", role="moderator")
    assignee = User.objects.filter(role="assignee", department__isnull=False).first()
    requestor_id = Ticket.objects.order_by("-created_at").values_list("requestor_id", flat=True).first()
    it = assignee.department_id
    total = Ticket.objects.count()
    lines = [f"# EXPLAIN of the ticket list queries at {total:,} tickets", "",
             "Generated by `bench/generate_tickets.py --explain` (PostgreSQL "
             f"{connection.cursor().connection.info.server_version}), through the real selector "
             "`hdms.tickets.selectors.ticket_list`, first page of 25. `EXPLAIN (ANALYZE, BUFFERS)`.", ""]
    cases = [(name, moderator, filters) for name, filters in QUERIES.items()]
    cases.append(("assignee's own view (visibility OR of indexed conditions)", assignee, {}))
    for name, user, filters in cases:
        resolved = {k: (assignee.id if v == "ASSIGNEE" else requestor_id if v == "REQUESTOR" else
                        it if v == "IT" else v) for k, v in filters.items()}
        qs = ticket_list(user=user, filters=resolved)[:25]
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            raw = cursor.fetchone()[0]
        data = raw if isinstance(raw, list) else json.loads(raw)
        seq = "Seq Scan" in scans_on(data[0]["Plan"], "tickets_ticket")
        lines += [f"## {name}", "", f"Sequential scan on tickets_ticket: **{'YES' if seq else 'no'}**", "",
                  "```", plan, "```", ""]
        print(f"{name}: {'SEQ SCAN' if seq else 'index'}")
    out.write_text("\n".join(lines))
    print(f"wrote {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--migrate", action="store_true")
    parser.add_argument("--explain", action="store_true", help="write bench/explain_tickets.md")
    parser.add_argument("--explain-only", action="store_true")
    args = parser.parse_args()
    if args.migrate:
        call_command("migrate", verbosity=0)
    if not args.explain_only:
        generate(args.count, args.seed)
    if args.explain or args.explain_only:
        explain(REPO / "bench" / "explain_tickets.md")


if __name__ == "__main__":
    main()
