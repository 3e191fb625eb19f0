"""Notification kinds are one vocabulary (core/notification_kinds.py) the web app can render."""

import ast
from pathlib import Path

from hdms.core.notification_kinds import EMAIL_PREFERENCE_KINDS, NotificationKind

BACKEND = Path(__file__).resolve().parents[3]


def test_every_kind_a_person_gets_has_english_and_urdu_text_in_the_web_app():
    i18n = (BACKEND.parent / "frontend" / "lib" / "i18n.ts").read_text()
    for kind in EMAIL_PREFERENCE_KINDS:
        assert i18n.count(f'"{kind.rendering_key}"') == 2, kind


def test_no_service_names_a_kind_as_a_loose_string():
    """``kind="..."`` string literals in application code would be a second copy of the vocabulary."""
    values = {kind.value for kind in NotificationKind}
    offenders = []
    for path in (BACKEND / "hdms").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.keyword) and node.arg == "kind" and isinstance(node.value, ast.Constant) \
                    and node.value.value in values:
                offenders.append(f"{path.relative_to(BACKEND)}:{node.value.lineno}")
    assert not offenders, offenders
