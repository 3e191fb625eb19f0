"""Field rules of the user service, stated once: the API schemas, the services, the spreadsheet
import, the SMS sync and @mentions all use these."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

EMPLOYEE_CODE_MAX = 32
# Letters, digits, '.', '_' or '-', starting with a letter or digit (so "@code" in a message is
# a mention: communication's MENTION_RE is built from the same body).
EMPLOYEE_CODE_BODY = rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{EMPLOYEE_CODE_MAX - 1}}}"
EMPLOYEE_CODE_PATTERN = rf"^{EMPLOYEE_CODE_BODY}$"
EMPLOYEE_CODE_RE = re.compile(EMPLOYEE_CODE_PATTERN)
EMPLOYEE_CODE_RULE = (f"1-{EMPLOYEE_CODE_MAX} letters, digits, '.', '_' or '-', starting with a letter or digit")

# Local passwords (accounts not linked to the SMS); Django's validators run on top in the services.
PASSWORD_MIN = 8
PASSWORD_MAX = 128


@cache
def common_passwords() -> frozenset[str]:
    """The small list of common passwords shipped with the service (common_passwords.txt)."""
    lines = (Path(__file__).with_name("common_passwords.txt")).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, employee_code: str = "") -> str | None:
    """Why ``password`` may not be a local password (DESIGN §8 policy), or None: its length, not
    the employee code, not a common password."""
    if len(password) < PASSWORD_MIN:
        return f"at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"at most {PASSWORD_MAX} characters"
    lowered = password.strip().lower()
    if employee_code and employee_code.strip().lower() in lowered:
        return "must not contain your employee code"
    if lowered in common_passwords():
        return "too common; choose a less guessable password"
    return None


def employee_code_problem(code: str) -> str | None:
    """Why ``code`` is not an employee code, or None."""
    if not code:
        return "required"
    if not EMPLOYEE_CODE_RE.match(code):
        return EMPLOYEE_CODE_RULE
    return None


def account_locked(user: Any, now: datetime | None = None) -> bool:
    """Whether repeated failed sign-ins have the account locked now (DESIGN §8)."""
    until = getattr(user, "locked_until", None)
    return until is not None and until > (now or datetime.now(UTC))


def user_allowed_actions(*, viewer: Any, user: Any) -> list[str]:
    """What ``viewer`` may do to the account ``user`` now, for the client to offer (DESIGN §9):
    ``unlock`` for an admin while the account is locked."""
    actions = []
    if getattr(viewer, "role", None) == "admin" and account_locked(user):
        actions.append("unlock")
    return actions
