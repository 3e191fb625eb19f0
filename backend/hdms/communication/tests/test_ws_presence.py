"""Who is on a ticket (DESIGN §10 ``presence`` states) over two real uvicorn processes.

Staff see each other viewing and writing (a reply or an internal note); a requestor sees staff
write a reply but never learns that a note is being written: no frame at all, and a snapshot that
shows the note's writer as viewing.
"""

import asyncio
import json

import pytest

from hdms.communication.tests.conftest import token_for
from hdms.communication.tests.test_realtime_schema import _assert_valid
from hdms.communication.tests.test_ws_real_server import connect, recv_until
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_communication import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(db):
    it = DepartmentFactory(code="IT", name="IT")
    requestor = UserFactory(role="requestor")
    assignee = UserFactory(role="assignee", department=it)
    moderator = UserFactory(role="moderator")
    ticket = make_ticket(requestor=requestor, assignee=assignee, status="assigned")
    return {"ticket": ticket, "requestor": requestor, "assignee": assignee, "moderator": moderator}


async def presence_until(ws, test, timeout=20):
    """Presence frames until ``test(frame)``; returns it and the presence/typing frames before it."""
    seen = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame["type"] in ("presence", "typing"):
            if test(frame):
                return frame, seen
            seen.append(frame)


def states(frame):
    return {u["id"]: (u["state"], u.get("internal", False)) for u in frame.get("users", frame.get("changed", []))}


async def test_staff_see_each_other_write_and_the_requestor_never_sees_a_note(ws_servers, people):
    path = f"/ws/chat/{people['ticket'].id}/"
    req_id, asg_id, mod_id = (str(people[k].id) for k in ("requestor", "assignee", "moderator"))
    async with connect(ws_servers[0], path, token_for(people["requestor"])) as req, \
            connect(ws_servers[1], path, token_for(people["assignee"])) as asg:
        await recv_until(asg, "presence")
        async with connect(ws_servers[0], path, token_for(people["moderator"])) as mod:
            snapshot = await recv_until(mod, "presence")
            _assert_valid(snapshot)
            assert states(snapshot) == {req_id: ("viewing", False), asg_id: ("viewing", False),
                                        mod_id: ("viewing", False)}
            await presence_until(asg, lambda f: mod_id in states({"users": f.get("joined", [])}))

            # The assignee writes an internal note: the moderator sees it (both processes), ...
            await asg.send(json.dumps({"type": "typing", "internal": True}))
            changed, _ = await presence_until(mod, lambda f: "changed" in f)
            assert states(changed) == {asg_id: ("composing", True)}
            _assert_valid(changed)
            assert changed["changed"][0]["full_name"] == people["assignee"].full_name
            typing = await recv_until(mod, "typing")
            assert typing["user"]["id"] == asg_id and typing["internal"] is True
            _assert_valid(typing)
            # ... a staff socket opened now gets it in its snapshot, a requestor's shows viewing.
            async with connect(ws_servers[1], path, token_for(people["moderator"])) as mod2:
                assert states(await recv_until(mod2, "presence"))[asg_id] == ("composing", True)
            async with connect(ws_servers[1], path, token_for(people["requestor"])) as req2:
                assert states(await recv_until(req2, "presence"))[asg_id] == ("viewing", False)

            # No typing for 2 s (HDMS_COMPOSING_SECONDS in the test servers): back to viewing.
            back, _ = await presence_until(mod, lambda f: asg_id in states(f) and states(f)[asg_id][0] == "viewing")
            assert states(back) == {asg_id: ("viewing", False)}

            # Now a reply: the requestor sees that one. Nothing about the note came before it.
            await asg.send(json.dumps({"type": "typing"}))
            reply, before = await presence_until(req, lambda f: "changed" in f or f["type"] == "typing")
            assert all(f["type"] == "presence" and "changed" not in f for f in before), before
            assert all(asg_id not in states(f) or states(f)[asg_id] == ("viewing", False) for f in before)
            assert reply == {"type": "presence", "changed": [{**reply["changed"][0], "state": "composing"}]}
            assert reply["changed"][0]["id"] == asg_id and "internal" not in reply["changed"][0]
            typing = await recv_until(req, "typing")
            assert typing == {"type": "typing", "user": typing["user"]} and typing["user"]["id"] == asg_id

            # Sending what was written ends it at once, for everyone.
            await asg.send(json.dumps({"type": "message.send", "client_id": "p-1", "body": "On my way"}))
            done, _ = await presence_until(req, lambda f: "changed" in f)
            assert states(done) == {asg_id: ("viewing", False)}

            # A closed tab is gone from the room for the others.
            await asg.close()
            left, _ = await presence_until(mod, lambda f: asg_id in {u["id"] for u in f.get("left", [])})
            assert left["type"] == "presence"


async def test_a_requestor_may_not_announce_a_note_and_bad_flags_are_refused(ws_servers, people):
    path = f"/ws/chat/{people['ticket'].id}/"
    async with connect(ws_servers[0], path, token_for(people["assignee"])) as asg, \
            connect(ws_servers[1], path, token_for(people["requestor"])) as req:
        await recv_until(req, "presence")
        await req.send(json.dumps({"type": "typing", "internal": "yes"}))
        error = await recv_until(req, "error")
        assert error["code"] == "validation_error"
        await req.send(json.dumps({"type": "typing", "internal": True}))  # not a note reader: ignored
        await req.send(json.dumps({"type": "typing"}))
        first, _ = await presence_until(asg, lambda f: "changed" in f)
        assert states(first) == {str(people["requestor"].id): ("composing", False)}
        await req.send(json.dumps({"type": "typing", "stopped": True}))
        stopped, _ = await presence_until(asg, lambda f: "changed" in f)
        assert states(stopped) == {str(people["requestor"].id): ("viewing", False)}
