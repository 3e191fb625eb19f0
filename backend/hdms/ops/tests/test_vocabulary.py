"""The vocabulary the web app renders (frontend/lib/server-vocabulary.json) is the server's own:
current, and naming every history kind the code records."""

import ast
from pathlib import Path

from hdms.audit.kinds import AUDIT_KINDS, TICKET_ACTIONS
from hdms.ops.vocabulary import VOCABULARY_FILE, vocabulary_json

HDMS = Path(__file__).resolve().parents[2]


def test_the_web_apps_copy_of_the_vocabulary_is_current():
    assert VOCABULARY_FILE.read_text() == vocabulary_json(), \
        "frontend/lib/server-vocabulary.json is stale: run `manage.py vocabulary --write`"


def test_every_audit_action_the_code_records_is_a_history_kind():
    missing = []
    for path in HDMS.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None))
                    in ("audit_record", "_finish")):
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    value = keyword.value.value
                    kind = value if "." in value else f"ticket.{value}"
                    if kind not in AUDIT_KINDS:
                        missing.append(f"{path.relative_to(HDMS)}:{node.lineno} {value}")
    assert not missing, missing
    assert {f"ticket.{a}" for a in TICKET_ACTIONS} <= set(AUDIT_KINDS)
