"""The vocabulary the web app renders (frontend/lib/server-vocabulary.json) is the server's own:
current, and naming every history kind the code records."""

import ast
from pathlib import Path

from hdms.audit.kinds import AUDIT_KINDS, TICKET_ACTIONS
from hdms.ops.vocabulary import VOCABULARY_FILE, vocabulary_json
from hdms.tickets import policy
from hdms.tickets.policy import Action
from hdms.tickets.services.base import recorded_as

HDMS = Path(__file__).resolve().parents[2]


def test_the_web_apps_copy_of_the_vocabulary_is_current():
    assert VOCABULARY_FILE.read_text() == vocabulary_json(), \
        "frontend/lib/server-vocabulary.json is stale: run `manage.py vocabulary --write`"


def _action_value(node: ast.expr) -> str | None:
    """A literal action, ``Action.<NAME>`` or ``policy.EDIT``; None for one built at run time."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        if node.value.id == "Action":
            return Action[node.attr].value
        if node.value.id == "policy" and node.attr == "EDIT":
            return policy.EDIT
    return None


def test_every_audit_action_the_code_records_is_a_history_kind():
    """Audit entries are written by ``audit_record`` and, for ticket changes, by the transition
    skeleton (``change_begin``/``change_of``, recorded as ``ticket.<recorded_as(action)>``)."""
    missing, recorded = [], set()
    for path in HDMS.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in ("audit_record", "change_begin", "change_of"):
                continue
            for keyword in node.keywords:
                value = _action_value(keyword.value) if keyword.arg == "action" else None
                if value is None:
                    continue
                kind = value if name == "audit_record" else f"ticket.{recorded_as(value)}"
                recorded.add(kind)
                if kind not in AUDIT_KINDS:
                    missing.append(f"{path.relative_to(HDMS)}:{node.lineno} {value}")
    assert not missing, missing
    assert {f"ticket.{a}" for a in TICKET_ACTIONS} <= set(AUDIT_KINDS)
    # Every ticket action the history names is one the code records (the scan sees the skeleton).
    assert {f"ticket.{a}" for a in TICKET_ACTIONS} <= recorded, {f"ticket.{a}" for a in TICKET_ACTIONS} - recorded
