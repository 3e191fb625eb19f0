"""Outside parts that can be down (Redis, the database), and the JSON 503 that says which.

DESIGN §4 and §7 "Faults": a request that needs a part that is down answers
503 ``service_unavailable`` with ``Retry-After``, never a 500; the parts that can do without it
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

RETRY_AFTER_SECONDS = 5

PART_NAMES = {"redis": "Redis (cache, rate limits, live events)", "database": "the database"}


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


def unavailable_response(part: str) -> HttpResponse:
    response = error_response(
        f"{PART_NAMES.get(part, part)} is unavailable right now; try again shortly.",
        "service_unavailable", status=503, part=part,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def response_for_failure(exc: BaseException | None) -> HttpResponse:
    """The JSON answer for an unexpected exception: 503 when a part is down, else 500."""
    part = missing_part(exc)
    if part is not None:
        logger.warning("Request failed: %s is unavailable (%s: %s)", part, type(exc).__name__, exc)
        return unavailable_response(part)
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
