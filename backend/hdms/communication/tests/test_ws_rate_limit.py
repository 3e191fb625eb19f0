"""Chat over the socket is rate limited like HTTP: the same per-user token bucket (issue 10,
item 7; docs/decisions.md). Over a real socket."""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async
from django.conf import settings

from hdms.communication.models import Message
from hdms.communication.tests.conftest import token_for, ws_connect, ws_frames_until
from hdms.testing.client import ApiClient
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_communication import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

FLOOD = 400
# The server reads frames in order and stops reading while its queue is full, so its answer to a
# keep-alive ping waits behind the flood: no client pings here. The client reads while it sends
# (and queues without bound), so it always answers the server's pings.
FLOOD_OPTIONS = {"ping_interval": None, "max_queue": None}


@pytest.fixture
def room(db):
    it = DepartmentFactory(code="IT", name="IT")
    requestor = UserFactory(role="requestor")
    ticket = make_ticket(requestor=requestor, assignee=UserFactory(role="assignee", department=it), status="assigned")
    return {"ticket": ticket, "requestor": requestor, "path": f"/ws/chat/{ticket.id}/"}


def _stored(ticket) -> int:
    return Message.objects.filter(ticket_id=ticket.id).count()


async def _flood(ws, prefix: str, count: int = FLOOD) -> tuple[list[dict], list[dict], float]:
    """Send ``count`` messages as fast as the socket takes them; (message.new frames of ours, errors, seconds)."""
    ours, errors = [], []

    async def read() -> None:
        while len(ours) + len(errors) < count:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 120))
            if frame["type"] == "error":
                errors.append(frame)
            elif frame["type"] == "message.new" and frame["message"]["client_id"].startswith(prefix):
                ours.append(frame)

    started = time.monotonic()
    reader = asyncio.create_task(read())
    for n in range(count):
        await ws.send(json.dumps({"type": "message.send", "client_id": f"{prefix}-{n}", "body": f"spam {n}"}))
    await reader
    return ours, errors, time.monotonic() - started


async def test_a_requestor_flooding_the_chat_is_held_to_the_http_limit(ws_servers, room):
    limit = settings.RATE_LIMITS["requestor"]
    async with ws_connect(ws_servers[0], room["path"], token_for(room["requestor"]), **FLOOD_OPTIONS) as ws:
        await ws_frames_until(ws, "presence")
        ours, errors, seconds = await _flood(ws, "flood")
    stored = await database_sync_to_async(_stored)(room["ticket"])
    # The bucket holds `limit` tokens and refills limit/60 per second while the flood lasts.
    assert stored <= limit + int(seconds * limit / 60) + 1, (stored, seconds)
    assert stored >= limit // 2  # the limit, not an outage: most of a full bucket went through
    assert stored == len(ours)
    assert len(errors) == FLOOD - stored
    assert {e["code"] for e in errors} == {"rate_limited"}
    assert all(isinstance(e["retry_after"], int) and e["retry_after"] >= 1 for e in errors)
    assert all(e["client_id"].startswith("flood-") for e in errors)

    # One budget with HTTP: the socket emptied it, so the same user's HTTP call finds it empty
    # (refused, or let through on the last fraction refilled meanwhile), not a fresh 150.
    response = await database_sync_to_async(ApiClient(room["requestor"]).get)(f"/api/v1/tickets/{room['ticket'].id}")
    assert response.status_code == 429 or response["X-RateLimit-Remaining"] == "0"


def test_the_socket_takes_from_the_http_bucket_and_staff_have_none(db):
    from hdms.core.ratelimit import take_user_token, user_bucket

    assert take_user_token(user_id="u1", role="moderator") is None
    assert take_user_token(user_id="u1", role="admin") is None
    first = take_user_token(user_id="u1", role="requestor")
    assert first is not None and first.allowed and first.limit == settings.RATE_LIMITS["requestor"]
    assert user_bucket(user_id="u1", role="assignee") == ("user:u1", settings.RATE_LIMITS["assignee"])
