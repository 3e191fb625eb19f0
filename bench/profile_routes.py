#!/usr/bin/env python
"""CPU and queries per route in-process (bench/RESULTS.md, second round): the benchmark's routes
through Django's test client with the production settings and psycopg's pool, against the bench
database. PROF=1 writes a pyinstrument profile per route and role into HDMS_PROFILE_DIR (default
/tmp/hdms-perf; pip install pyinstrument), SHOWQ=1 prints each route's SQL. It creates and submits
tickets and posts messages, as the load run does.

    DATABASE_URL=postgres://.../hdms_bench REDIS_URL=redis://127.0.0.1:6379/13 \\
      .venv/bin/python bench/profile_routes.py all 40      # or: list,detail 100
"""

import os
import random
import secrets
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))
OUT = Path(os.environ.get("HDMS_PROFILE_DIR", "/tmp/hdms-perf"))  # noqa: S108
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.production")
os.environ.setdefault("HDMS_SECRET_KEY", secrets.token_urlsafe(48))  # a published key is refused
for key, value in {"HDMS_TASKS_EAGER": "false", "HDMS_TRUSTED_PROXIES": "127.0.0.1", "HDMS_SERVE_STATIC": "false",
                   "HDMS_LOG_LEVEL": "WARNING", "HDMS_DB_POOL": "true", "HDMS_REQUIRE_SCANNER": "false",
                   "HDMS_DATA_DIR": str(OUT / "data"), "HDMS_ACCESS_MINUTES": "240"}.items():
    os.environ.setdefault(key, value)

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.test import Client  # noqa: E402

from hdms.core.jwt import encode_access  # noqa: E402
from hdms.core.ratelimit import get_buckets  # noqa: E402

User = apps.get_model("users", "User")
Ticket = apps.get_model("tickets", "Ticket")
Department = apps.get_model("users", "Department")
DEPARTMENTS = [str(d) for d in Department.objects.values_list("id", flat=True)]
# The requestor whose requests are read: of the newest generated request whose requestor never
# filed one through a bench (titles "Bench..."). Every batch of writes here files ~200 requests as
# the requestor it reads with; reading as the one of the newest request picked, after a few
# batches, a requestor with thousands of requests and rooms, whose list then cost 11-15 ms of
# PostgreSQL's CPU instead of 1.5-2.5 (bench/RESULTS.md, 2026-12-07).
_BENCH_FILED = Ticket.objects.filter(requestor_id=OuterRef("requestor_id"), title__startswith="Bench")
REQ_TICKET = (Ticket.objects.filter(requestor__role="requestor").exclude(status="draft")
              .exclude(title__startswith="Bench").filter(~Exists(_BENCH_FILED)).order_by("-created_at").first())
# The same for the assignee: the action route assigns a batch's requests to one assignee per department.
_BENCH_ASSIGNED = Ticket.objects.filter(assignee_id=OuterRef("assignee_id"), title__startswith="Bench")
ASG_TICKET = (Ticket.objects.filter(assignee__role="assignee").exclude(status="draft")
              .exclude(title__startswith="Bench").filter(~Exists(_BENCH_ASSIGNED)).order_by("-created_at").first())
MODERATOR = User.objects.filter(role="moderator", is_active=True).order_by("employee_code").first()


def client(user) -> Client:
    token, _ = encode_access(user_id=str(user.id), role=user.role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_REAL_IP=f"10.0.0.{random.randint(1, 200)}")


CLIENTS = {"requestor": client(REQ_TICKET.requestor), "assignee": client(ASG_TICKET.assignee),
           "moderator": client(MODERATOR)}
TICKETS = {"requestor": REQ_TICKET.id, "assignee": ASG_TICKET.id, "moderator": REQ_TICKET.id}


def do_list(role):
    return CLIENTS[role].get("/api/v1/tickets?cursor=&page_size=20")


def do_detail(role):
    return CLIENTS[role].get(f"/api/v1/tickets/{TICKETS[role]}")


def do_messages(role):
    return CLIENTS[role].get(f"/api/v1/tickets/{TICKETS[role]}/messages")


def do_create_submit(role):
    created = CLIENTS["requestor"].post(
        "/api/v1/tickets", {"title": "Bench", "description": "Projector flickers.",
                            "department_id": random.choice(DEPARTMENTS), "priority": "medium"},
        content_type="application/json")
    assert created.status_code == 201, created.content
    ticket = created.json()
    submitted = CLIENTS["requestor"].post(f"/api/v1/tickets/{ticket['id']}/actions/submit",
                                          {"version": ticket["version"]}, content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    return submitted


def do_file(role):
    """A request filed as the web app files one without attachments: created and submitted in one
    ``POST tickets`` (``submit: true``)."""
    filed = CLIENTS["requestor"].post(
        "/api/v1/tickets", {"title": "Bench", "description": "Projector flickers.",
                            "department_id": random.choice(DEPARTMENTS), "priority": "medium", "submit": True},
        content_type="application/json")
    assert filed.status_code == 201 and filed.json()["status"] != "draft", filed.content
    return filed


def do_post_message(role):
    return CLIENTS["requestor"].post(f"/api/v1/tickets/{TICKETS['requestor']}/messages",
                                     {"body": "still happening", "client_id": uuid.uuid4().hex},
                                     content_type="application/json")


ROUTES = {"list": do_list, "detail": do_detail, "messages": do_messages, "create+submit": do_create_submit,
          "post_message": do_post_message}
READS = ("list", "detail", "messages")


def main() -> None:
    only = sys.argv[1].split(",") if len(sys.argv) > 1 and sys.argv[1] != "all" else list(ROUTES)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    results = {}
    for name in only:
        fn = ROUTES[name]
        for role in (("requestor", "assignee", "moderator") if name in READS else ("requestor",)):
            get_buckets().reset()
            for _ in range(3):
                fn(role)
            sql: list[str] = []

            def record(execute, query, params, many, context, sql=sql):
                sql.append(query)
                return execute(query, params, many, context)

            with connection.execute_wrapper(record):
                status = fn(role).status_code
            if os.environ.get("SHOWQ"):
                print(name, role, *sql, sep="\n  ")
            profiler = None
            if os.environ.get("PROF"):
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0005)
                profiler.start()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(count):
                fn(role)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if profiler is not None:
                profiler.stop()
                OUT.mkdir(parents=True, exist_ok=True)
                (OUT / f"prof-{name}-{role}.txt").write_text(profiler.output_text(unicode=False, color=False))
            results[f"{name}/{role}"] = (f"{len(sql)} q, cpu {1000 * cpu / count:.1f} ms, "
                                         f"wall {1000 * wall / count:.1f} ms ({status})")
    for key, value in results.items():
        print(f"{key:26} {value}")


if __name__ == "__main__":
    main()
