"""Who hears each domain event: the in-process subscriber registry and delivery to it.

The bottom of the event machinery: ``hdms.core.outbox`` delivers through ``deliver``, and
``hdms.core.events`` (the module services and subscribers use) adds ``publish_on_commit`` on top
of the outbox. Kept apart so the outbox and the events module do not import each other.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("hdms.events")

_subscribers: dict[str, list[Callable[..., None]]] = defaultdict(list)


def subscribe(event_type: str, handler: Callable[..., None]) -> None:
    if handler not in _subscribers[event_type]:
        _subscribers[event_type].append(handler)


def publish(event_type: str, **payload: Any) -> None:
    """Deliver now to every subscriber; a failing subscriber is logged and does not stop the others."""
    for handler in list(_subscribers[event_type]):
        try:
            handler(**payload)
        except Exception:
            logger.exception("Subscriber %s failed on %s", getattr(handler, "__name__", handler), event_type)


class DeliveryFailed(Exception):
    """At least one subscriber failed; the outbox delivers the event again later."""


def deliver(event_type: str, payload: dict[str, Any]) -> None:
    """Deliver to every subscriber; raise ``DeliveryFailed`` (from the first failure) if any failed."""
    failures: list[BaseException] = []
    for handler in list(_subscribers[event_type]):
        try:
            handler(**payload)
        except Exception as exc:  # noqa: BLE001 - the others still get the event
            failures.append(exc)
    if failures:
        raise DeliveryFailed(f"{len(failures)} subscriber(s) of {event_type} failed") from failures[0]
