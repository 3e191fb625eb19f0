"""Timestamps read by psycopg's own C loader, not Django's Python one.

Django registers a Python loader for ``timestamptz`` on every PostgreSQL connection (it parses the
text and then sets the connection's time zone). With psycopg's C extension installed that replaced
a loader ~17 times faster: a list page reads ~200 timestamps, and their parsing was 10 % of the
page's CPU (bench/RESULTS.md). When the session's zone is UTC, as Django sets it with ``USE_TZ`` and
no database ``TIME_ZONE``, the C loader returns the same aware datetimes (``timezone.utc``), so this
swaps the loader back on each new connection. Anything else keeps Django's.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

try:
    import psycopg
    from psycopg.adapt import Loader
    from psycopg.pq import Format
except ImportError:  # pragma: no cover - the PostgreSQL extras are not installed
    psycopg = None  # type: ignore[assignment]

if psycopg is not None:
    _OID = psycopg.adapters.types["timestamptz"].oid
    _NATIVE = psycopg.adapters.get_loader(_OID, Format.TEXT)

    class UtcTimestampLoader(Loader):
        """psycopg's C ``timestamptz`` loader under the attribute Django's cursors compare
        (``timezone``): Django then leaves it in place."""

        timezone = UTC

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            self.load = _NATIVE(oid, context).load  # type: ignore[method-assign,misc]

        def load(self, data: Any) -> Any:  # pragma: no cover - replaced on each instance
            raise NotImplementedError


def native_loader_available() -> bool:
    """Whether psycopg's C extension loads timestamps here (psycopg[binary] or psycopg[c])."""
    return psycopg is not None and _NATIVE.__module__.startswith(("psycopg_binary", "psycopg_c"))


def use_native_timestamps(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created``: on a PostgreSQL connection whose session zone is UTC."""
    if connection.vendor != "postgresql" or connection.timezone_name != "UTC" or not native_loader_available():
        return
    connection.connection.adapters.register_loader(_OID, UtcTimestampLoader)
