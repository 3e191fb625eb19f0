"""In-process domain events between services (DESIGN §1).

A service publishes an event after its transaction commits; other services subscribe in their
``AppConfig.ready``. Handlers do the cross-process part themselves (channel layer group sends,
Celery tasks), so a process serving only one service still reaches the others.
``publish_on_commit`` writes the event to the transactional outbox (``hdms.core.outbox``) in the
caller's transaction: it is delivered after commit, or later if Redis is down then, at least once
(handlers are idempotent; a redelivery carries the same ``event_id``).

Published events and their payloads (keyword arguments):

- ``ticket.updated``: ``ticket`` (the API dict of the ticket), ``room_id`` (str: the parent's id for
  a sub-ticket, else the ticket's), ``action``, ``actor_id``, ``from_status``, ``to_status``.
- ``subticket.created``: ``room_id``, ``subticket`` (API dict), ``actor_id``.
- ``notification.requested``: ``user_ids`` (list of str), ``kind`` (str), ``title``, ``body``,
  ``ticket_id`` (str or None), ``urgent`` (bool: SLA and approvals go on the ``high`` queue),
  ``actor_id`` (str or None), ``params`` (dict: what a client needs to say it in the reader's language).
- ``attachment.ready``: ``room_id``, ``attachment`` (API dict).
- ``message.created``: ``room_id``, ``message`` (API dict).
- ``ticket.deleted``: ``ticket_id``, ``room_id`` (str): open chat sockets on it are closed.
- ``ticket.access_changed``: ``ticket_id``, ``room_id``, ``user_ids`` (list of str, or None for
  everyone in the room): who may see the ticket may have changed (e.g. the old assignee of a
  reassignment); their open chat sockets re-check their access.
- ``user.access_changed``: ``user_id`` (str), ``active`` (bool): a deactivation, deletion, role or
  department change; the user's open sockets are closed (inactive) or re-check their access.
- ``user.sessions_revoked``: ``user_id`` (str), ``families`` (list of str, or None for every session):
  sessions signed out (DESIGN §8); the sockets opened with those sessions' access tokens are closed.
"""

from typing import Any

from hdms.core.outbox import outbox_event
from hdms.core.subscribers import DeliveryFailed, _subscribers, deliver, publish, subscribe

__all__ = ["DeliveryFailed", "_subscribers", "deliver", "publish", "publish_on_commit", "subscribe"]


def publish_on_commit(event_type: str, **payload: Any) -> None:
    """Deliver once the current transaction commits (immediately outside one), through the outbox."""
    outbox_event(event_type, payload)
