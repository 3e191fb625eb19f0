"""What a test counts of a request's statements."""

from typing import Any

# A transaction's own statements: ``search.custom_plans`` opens one (a savepoint inside a test's).
_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET LOCAL")


def data_statements(captured: list[dict[str, Any]]) -> list[str]:
    """The captured statements that read or write rows (``CaptureQueriesContext.captured_queries``)."""
    return [q["sql"] for q in captured if not q["sql"].startswith(_CONTROL)]
