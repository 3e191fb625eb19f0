"""docs/realtime.schema.json is the WebSocket contract (issue 12 item 2): the frame types the
consumers send and read are the schema's, its entities are the OpenAPI schema's, and the frames a
real chat and notification socket deliver validate against it."""

import ast
import asyncio
import inspect
import json
from pathlib import Path

import jsonschema
import pytest
from channels.db import database_sync_to_async

from hdms.communication import consumers
from hdms.communication import services as communication_services
from hdms.communication.tests.conftest import token_for
from hdms.communication.tests.test_chat_consumer import communicator, frames_until, join
from hdms.core import errors
from hdms.ops.management.commands.openapi_schema import openapi_schema
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_communication import make_ticket
from hdms.tickets import services as ticket_services

SCHEMA_PATH = Path(__file__).resolve().parents[4] / "docs" / "realtime.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]


def _validator(definition: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": DEFS})


SERVER = _validator("ServerFrame")
CLIENT = _validator("ClientFrame")


def _consts(union: str) -> set[str]:
    return {DEFS[ref["$ref"].rsplit("/", 1)[1]]["properties"]["type"]["const"] for ref in DEFS[union]["oneOf"]}


def _sent_types() -> set[str]:
    """Every ``"type"`` of a dict literal sent by the consumers (send_json, send_shared, the presence snapshot)."""
    tree = ast.parse(inspect.getsource(consumers))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "type" and isinstance(value, ast.Constant):
                    found.add(value.value)
    return found - {"typing.broadcast", "presence.composing"}  # group events, not frames


def _read_types() -> set[str]:
    """The ``kind == "<type>"`` branches of the chat consumer's receive_json."""
    tree = ast.parse(inspect.getsource(consumers.ChatConsumer.receive_json).strip().replace("\n    ", "\n"))
    return {node.comparators[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and node.left.id == "kind"}


def test_the_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_the_consumers_send_and_read_exactly_the_schemas_frame_types():
    assert _sent_types() == _consts("ServerFrame")
    assert _read_types() == _consts("ClientFrame")


def test_error_codes_are_the_domain_errors():
    codes = {cls.code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.DomainError) and cls is not errors.DomainError}
    assert set(DEFS["ErrorFrame"]["properties"]["code"]["enum"]) == codes | {"server_error"}


@pytest.mark.parametrize(("definition", "component"), [
    ("Message", "MessageOut"), ("Ticket", "TicketOut"), ("Attachment", "AttachmentOut"),
    ("Notification", "NotificationOut"),
])
def test_frame_entities_are_the_apis(definition, component):
    components = openapi_schema()["components"]["schemas"]
    assert set(DEFS[definition]["required"]) == set(components[component]["required"])


def test_the_schema_refuses_what_the_server_does_not_send():
    assert not SERVER.is_valid({"type": "message.new", "message": {"id": "x"}})
    assert not SERVER.is_valid({"type": "ticket.changed", "ticket": {}})
    assert not SERVER.is_valid({"type": "error", "code": "oops", "detail": "x"})
    assert CLIENT.is_valid({"type": "sync", "after": None})
    assert not CLIENT.is_valid({"type": "message.send", "body": "hi"})


def _assert_valid(frame):
    errors_found = sorted(SERVER.iter_errors(frame), key=lambda e: e.path)
    assert not errors_found, f"{frame.get('type')}: {[e.message for e in errors_found[:3]]}"


@pytest.fixture
def room(db):
    it = DepartmentFactory(code="IT", name="IT")
    people = {"requestor": UserFactory(role="requestor"), "assignee": UserFactory(role="assignee", department=it),
              "admin": UserFactory(role="admin")}
    return people, make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")


@pytest.mark.django_db(transaction=True)
async def test_frames_of_a_real_chat_validate(room):
    people, ticket = room
    req, first = await join(people["requestor"], ticket)
    _assert_valid(first)
    worker, first_worker = await join(people["assignee"], ticket)
    _assert_valid(first_worker)
    joined, _ = await frames_until(req, "presence", timeout=10)
    _assert_valid(joined)

    await req.send_json_to({"type": "message.send", "client_id": "c1", "body": "The printer jams again"})
    new, _ = await frames_until(worker, "message.new", timeout=10)
    _assert_valid(new)
    await worker.send_json_to({"type": "typing"})
    typing, _ = await frames_until(req, "typing", timeout=10)
    _assert_valid(typing)
    await worker.send_json_to({"type": "sync", "after": None})
    sync, _ = await frames_until(worker, "sync", timeout=10)
    _assert_valid(sync)
    assert sync["messages"]
    await req.send_json_to({"type": "nonsense"})
    error, _ = await frames_until(req, "error", timeout=10)
    _assert_valid(error)

    await database_sync_to_async(ticket_services.ticket_start)(ticket_id=ticket.id, by=people["assignee"],
                                                               version=ticket.version)
    updated, _ = await frames_until(req, "ticket.updated", timeout=10)
    _assert_valid(updated)

    # The admin observes: a post over the socket gets an error frame of the schema.
    observer, first_admin = await join(people["admin"], ticket)
    _assert_valid(first_admin)
    await observer.send_json_to({"type": "message.send", "client_id": "a1", "body": "hello"})
    refused, _ = await frames_until(observer, "error", timeout=10)
    _assert_valid(refused)
    assert refused["code"] == "forbidden" and refused["client_id"] == "a1"
    for comm in (req, worker, observer):
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_frames_of_a_real_notification_stream_validate():
    user = await database_sync_to_async(UserFactory)(role="requestor")
    comm = communicator("/ws/notifications/", token=token_for(user))
    connected, _ = await comm.connect()
    assert connected
    first = await comm.receive_json_from()
    _assert_valid(first)
    assert first["type"] == "notifications.unread"
    await database_sync_to_async(communication_services.notification_mark_all_read)(user=user)
    read, _ = await frames_until(comm, "notification.read", timeout=10)
    _assert_valid(read)
    await comm.disconnect()
    await asyncio.sleep(0)
