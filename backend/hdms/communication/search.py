"""Message search, provided to the ticket service for the ticket list's ``q``.

Apart from ``selectors`` (which builds chat access on the ticket service's ``chat_access``) so the
ticket service can use it without the two importing each other: this module needs only the
message table.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from hdms.communication.models import Message
from hdms.core import search


def message_ticket_ids_matching(*, q: str, joins: QuerySet | None = None, notes: bool | QuerySet = False,
                                limit: int = search.COUNT_CAP, prepared: search.Search | None = None) -> list[Any]:
    """Ids of the tickets the first ``limit`` matching messages were posted on: one per message, in
    no particular order, repeats kept (drop them as the ticket list does). ``DISTINCT`` or an order
    would visit every match, and a common word matches hundreds of thousands of messages among
    millions (135 s on 5,000,000; bench/RESULTS.md), where the first 1,000 come in milliseconds.
    PostgreSQL: full-text search (``simple`` config, stored document of migration 0014, every word
    must match, as written or as a spelling variant from the search vocabulary: ``hdms.core.search``);
    SQLite: a case-insensitive substring match.

    ``joins`` applies the visibility rule of DESIGN §5 for a caller who does not see every message:
    the caller's room memberships, a queryset annotated with ``room`` (the room id) and ``since``
    (when they joined). Only messages posted in one of those rooms from that moment on count, so a
    search never tells what was said before someone joined. ``None``: every message (moderators, admins).

    ``notes`` (DESIGN §10): False, internal notes never match (requestors); True, they match like any
    message; a one-column queryset of room ids, they match except in those rooms (the rooms of the
    tickets the caller requested: a requestor never reads a note, whatever their role).

    ``prepared``: ``q`` as ``search.prepare`` made it already (its variants are not looked up again).
    """
    q = search.normalise(q)
    if not q:
        return []
    messages = Message.objects.all()
    if notes is False:
        messages = messages.filter(internal=False)
    elif notes is not True:
        messages = messages.filter(Q(internal=False) | ~Q(room_id__in=notes))
    if joins is not None:
        messages = messages.filter(Exists(joins.filter(room=OuterRef("room_id"), since__lte=OuterRef("created_at"))))
    ids = messages.order_by().values_list("ticket_id", flat=True)
    if connection.vendor != "postgresql":
        return list(ids.filter(body__icontains=q)[:limit])
    prepared = prepared or search.prepare(q)
    # The stored document of migration 0014, with its GIN index.
    ids = ids.filter(prepared.match("{t}.search_document"))
    if not prepared.rare_in(Message._meta.db_table):
        return list(ids[:limit])
    with search.through_the_index():
        return list(ids[:limit])
