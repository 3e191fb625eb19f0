"""Variables of canned responses (DESIGN §10): ``{{ticket.number}}``, ``{{requestor.full_name}}``,
``{{assignee.full_name}}``, ``{{department.name}}`` (and ``{{ticket.title}}``), filled in on the
server from the ticket the reply is for."""

from __future__ import annotations

import re
from typing import Any

VARIABLE_RE = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
VARIABLES = ("ticket.number", "ticket.title", "requestor.full_name", "assignee.full_name", "department.name")
LANGUAGES = ("en", "ur")


def unknown_variables(text: str) -> list[str]:
    return list(dict.fromkeys(name for name in VARIABLE_RE.findall(text) if name not in VARIABLES))


def values_of(ticket: dict[str, Any]) -> dict[str, str]:
    """What each variable says for a ticket payload (``tickets.selectors.ticket_payload``); an empty
    string where the ticket has none yet (no assignee, no department)."""
    requestor, assignee, department = ticket.get("requestor"), ticket.get("assignee"), ticket.get("department")
    return {
        "ticket.number": ticket.get("number") or "",
        "ticket.title": ticket.get("title") or "",
        "requestor.full_name": (requestor or {}).get("full_name", ""),
        "assignee.full_name": (assignee or {}).get("full_name", ""),
        "department.name": (department or {}).get("name", ""),
    }


def fill(text: str, values: dict[str, str]) -> str:
    return VARIABLE_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)
