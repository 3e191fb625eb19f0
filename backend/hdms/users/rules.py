"""Field rules of the user service, stated once: the API schemas, the services, the spreadsheet
import, the SMS sync and @mentions all use these."""

from __future__ import annotations

import re

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


def employee_code_problem(code: str) -> str | None:
    """Why ``code`` is not an employee code, or None."""
    if not code:
        return "required"
    if not EMPLOYEE_CODE_RE.match(code):
        return EMPLOYEE_CODE_RULE
    return None
