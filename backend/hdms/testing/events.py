"""Records the cross-service events (``hdms.core.events``) a test's code publishes."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from hdms.core import events


@contextmanager
def recorded_events(*event_types: str) -> Iterator[list[tuple[str, dict]]]:
    """Subscribes to ``event_types`` for the block; yields the ``(type, payload)`` pairs delivered."""
    seen: list[tuple[str, dict]] = []
    handlers = {}
    for event_type in event_types:
        def handler(_event_type: str = event_type, **payload: Any) -> None:
            seen.append((_event_type, payload))

        handlers[event_type] = handler
        events.subscribe(event_type, handler)
    try:
        yield seen
    finally:
        for event_type, handler in handlers.items():
            events._subscribers[event_type].remove(handler)
