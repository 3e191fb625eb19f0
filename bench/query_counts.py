#!/usr/bin/env python
"""Queries per request for the benchmark's routes (DESIGN §7: constant as data grows).

Run against two databases of different sizes (bench/generate_data.py with small and full
arguments) and compare:

    DATABASE_URL=postgres://.../hdms_bench .venv/bin/python bench/query_counts.py
"""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
os.environ.setdefault("HDMS_DEMO", "false")
os.environ.setdefault("HDMS_RATE_LIMIT", "false")
os.environ.setdefault("HDMS_TASKS_EAGER", "false")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from hdms.core.jwt import encode_access  # noqa: E402


def main() -> None:
    User = apps.get_model("users", "User")
    Ticket = apps.get_model("tickets", "Ticket")
    out = {"tickets": Ticket.objects.count()}
    for role in ("requestor", "assignee", "moderator"):
        field = {"requestor": "requestor", "assignee": "assignee"}.get(role)
        if field:  # someone of that role with a ticket of their own
            ticket = Ticket.objects.filter(**{f"{field}__role": role}).exclude(status="draft").first()
            user = getattr(ticket, field)
        else:
            user = User.objects.filter(role=role).order_by("employee_code").first()
            ticket = Ticket.objects.exclude(status="draft").order_by("-created_at").first()
        token, _ = encode_access(user_id=str(user.id), role=user.role)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        routes = {"list": "/api/v1/tickets?cursor=&page_size=20", "detail": f"/api/v1/tickets/{ticket.id}",
                  "messages": f"/api/v1/tickets/{ticket.id}/messages"}
        for name, path in routes.items():
            client.get(path)
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            out[f"{role} {name}"] = f"{len(queries)} queries ({status})"
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
