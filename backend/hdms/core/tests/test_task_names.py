"""Services queue their tasks by name (``outbox_task("app.task", ...)``, so they need not import
the tasks modules that import them): every name used is a registered Celery task."""

import ast
from pathlib import Path

from hdms.celery import app

BACKEND = Path(__file__).resolve().parents[3]


def test_every_task_named_by_a_service_is_registered():
    app.loader.import_default_modules()
    named = []
    for path in (BACKEND / "hdms").rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "outbox_task" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                named.append((node.args[0].value, f"{path.relative_to(BACKEND)}:{node.lineno}"))
    assert len(named) >= 8  # the scan finds them
    unknown = [(name, where) for name, where in named if name not in app.tasks]
    assert not unknown, unknown
