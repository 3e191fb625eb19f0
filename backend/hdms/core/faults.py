"""Outside parts that can be down (Redis, the database), and the JSON 503 that says which.

DESIGN §4 and §7 "Faults": a request that needs a part that is down, or busy (no pooled database
connection in time, a statement over its time limit), answers 503 ``service_unavailable`` with
``Retry-After``, never a 500; the parts that can do without it
(rate limits, the cache, events through the outbox) degrade and log the outage once.
"""

import logging
import threading

import redis.exceptions
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import HttpResponse
from kombu.exceptions import OperationalError as BrokerError

from hdms.core.responses import error_response

logger = logging.getLogger("hdms.faults")

# Connection failures of Redis (cache, rate limits, channel layer) and of the Celery broker on it.
REDIS_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, BrokerError,
)
DATABASE_ERRORS: tuple[type[BaseException], ...] = (DatabaseOperationalError, DatabaseInterfaceError)
try:  # psycopg's own, for the few raised outside Django's wrapper (the pool's)
    import psycopg

    DATABASE_ERRORS += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # pragma: no cover
    pass

RETRY_AFTER_SECONDS = 5

PART_NAMES = {"redis": "Redis (cache, rate limits, live events)", "database": "the database"}

try:  # psycopg's pool (HDMS_DB_POOL): no free connection within its timeout
    from psycopg_pool import PoolTimeout
except ImportError:  # pragma: no cover - installed with the PostgreSQL extras
    PoolTimeout = ()  # type: ignore[assignment,misc]

QUERY_CANCELED = "57014"  # SQLSTATE of a statement cancelled by statement_timeout


def database_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or its cause) says the database is busy rather than down: no pooled
    connection came free in time, or the statement timeout cancelled a query (issue 18)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, PoolTimeout) or getattr(exc, "sqlstate", None) == QUERY_CANCELED:
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def missing_part(exc: BaseException | None) -> str | None:
    """``"redis"`` or ``"database"`` when ``exc`` (or what caused it) says that part is unreachable."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, REDIS_ERRORS):
            return "redis"
        if isinstance(exc, DATABASE_ERRORS):
            return "database"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def unavailable_response(part: str, *, busy: bool = False) -> HttpResponse:
    state = "busy" if busy else "unavailable"
    response = error_response(
        f"{PART_NAMES.get(part, part)} is {state} right now; try again shortly.",
        "service_unavailable", status=503, part=part,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def response_for_failure(exc: BaseException | None) -> HttpResponse:
    """The JSON answer for an unexpected exception: 503 when a part is down, else 500."""
    part = missing_part(exc)
    if part is not None:
        busy = part == "database" and database_busy(exc)
        logger.warning("Request failed: %s is %s (%s: %s)", part, "busy" if busy else "unavailable",
                       type(exc).__name__, exc)
        return unavailable_response(part, busy=busy)
    return error_response("Internal server error.", "server_error", status=500)


class Outage:
    """Logs that a part is unreachable once per outage (not once per request), and its return."""

    def __init__(self, part: str, consequence: str) -> None:
        self.part = part
        self.consequence = consequence
        self._down = False
        self._lock = threading.Lock()

    @property
    def down(self) -> bool:
        return self._down

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
        logger.warning("%s is unreachable (%s: %s); %s", self.part, type(exc).__name__, exc, self.consequence)

    def recovered(self) -> None:
        if not self._down:
            return
        with self._lock:
            if not self._down:
                return
            self._down = False
        logger.warning("%s is reachable again", self.part)
