#!/usr/bin/env python
"""Access tokens and sample ticket ids for the Locust users (bench/locustfile.py).

Signing in 200 users through ``POST auth/login`` would measure Argon2 and trip the login rate limit
(10/min per client), not the desk; so the benchmark mints the same JWTs the login endpoint would
(``hdms.core.jwt.encode_access``) with the SAME secret key as the services under test, plus, per
user, ticket ids that user can see. Run with the environment of the topology under test:

    DATABASE_URL=... HDMS_SECRET_KEY=... .venv/bin/python bench/make_tokens.py > /tmp/tokens.json
"""

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
os.environ.setdefault("HDMS_DEMO", "false")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from hdms.core.jwt import encode_access  # noqa: E402
from hdms.tickets.models import TERMINAL_STATUSES  # noqa: E402

MIX = {"requestor": ("req", 140), "assignee": ("asg", 40), "moderator": ("mod", 15), "admin": ("adm", 5)}  # 200


def main() -> None:
    User = apps.get_model("users", "User")
    Ticket = apps.get_model("tickets", "Ticket")
    Department = apps.get_model("users", "Department")
    departments = [str(d) for d in Department.objects.values_list("id", flat=True)]
    # Staff read recent tickets; drafts are private to their requestor, so they are left out.
    recent = [str(t) for t in Ticket.objects.exclude(status="draft").order_by("-created_at")
              .values_list("id", flat=True)[:2000]]
    out = []
    for role, (_short, count) in MIX.items():
        chosen = 0
        for user in User.objects.filter(role=role, is_active=True).order_by("employee_code").iterator():
            if chosen == count:
                break
            if role == "requestor":
                tickets = [str(t) for t in Ticket.objects.filter(requestor=user).values_list("id", flat=True)[:50]]
            elif role == "assignee":
                tickets = [str(t) for t in Ticket.objects.filter(assignee=user).values_list("id", flat=True)[:50]]
            else:
                tickets = recent[(chosen * 37) % 1500:][:50]
            if not tickets:
                continue  # a user with nothing to read would only measure 404s
            chosen += 1
            token, _ = encode_access(user_id=str(user.id), role=user.role)
            # Where the web app offers a message box (docs/decisions.md): not a finished ticket's chat
            # (the room is the parent's for a sub-ticket), never an admin's (they observe silently).
            open_chats = (Ticket.objects.filter(id__in=tickets).exclude(status__in=TERMINAL_STATUSES)
                          .exclude(parent__status__in=TERMINAL_STATUSES).values_list("id", flat=True))
            chats = [] if role == "admin" else [str(t) for t in open_chats]
            out.append({"code": user.employee_code, "id": str(user.id), "role": role, "token": token,
                        "department_id": str(user.department_id), "tickets": tickets, "chats": chats})
        if chosen < count:
            raise SystemExit(f"only {chosen} {role}s with tickets: run bench/generate_data.py first")
    json.dump({"users": out, "departments": departments}, sys.stdout)


if __name__ == "__main__":
    main()
