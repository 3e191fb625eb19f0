"""Role x endpoint cases for the communication API (see hdms/testing/matrix.py)."""

from hdms.communication.services import canned_create, notification_create
from hdms.testing.factories_communication import make_ticket, post_message
from hdms.testing.matrix import Case

ALL = ("requestor", "assignee", "moderator", "admin")


def _all(status):
    return {role: status for role in ALL}


def cases(world):
    requestor = world.users["requestor"]
    ticket = make_ticket(requestor=requestor, assignee=world.users["assignee"], status="assigned")
    private = make_ticket(requestor=world.users["other_requestor"], title="Someone else's")
    message = post_message(author=requestor, ticket=ticket, body="matrix message")
    notification = notification_create(user_ids=[requestor.id], kind="ticket.status", title="matrix")[0]
    messages = f"/api/v1/tickets/{ticket.id}/messages"
    staff_only = {"requestor": 404, "assignee": 404, "moderator": 200, "admin": 200}
    personal = canned_create(by=world.users["assignee"], title="Mine", body_en="On it", shortcut="mine")
    department = canned_create(by=world.users["admin"], title="IT", body_en="On it", shortcut="it", personal=False,
                               department_id=world.departments["IT"].id)
    canned, staff_use = "/api/v1/canned-responses", {"assignee": 200, "moderator": 200, "admin": 200}
    owner_or_admin = {"assignee": 200, "moderator": 404, "admin": 200}
    return [
        Case("GET", canned, canned, staff_use, note="requestors have no canned responses"),
        Case("POST", canned, canned, {"assignee": 201, "moderator": 201, "admin": 201},
             body={"title": "Thanks", "body_en": "Thanks {{requestor.full_name}}", "shortcut": "thanks"}),
        Case("POST", canned, canned, {"admin": 201}, body={"title": "Desk", "body_en": "Hi", "shortcut": "desk",
                                                            "personal": False},
             note="department and desk-wide items are the admins'"),
        Case("GET", f"{canned}/{{canned_id}}", f"{canned}/{personal.id}", owner_or_admin,
             note="a personal item is its owner's (and the admins')"),
        Case("PATCH", f"{canned}/{{canned_id}}", f"{canned}/{personal.id}", owner_or_admin, body={"title": "Mine!"}),
        Case("DELETE", f"{canned}/{{canned_id}}", f"{canned}/{department.id}", {"admin": 204},
             note="the IT department's item: IT's assignee and moderators use it, only admins manage it"),
        Case("POST", f"{canned}/{{canned_id}}/render", f"{canned}/{department.id}/render",
             {"assignee": 200, "moderator": 200, "admin": 200}, body={"ticket_id": str(ticket.id)}),
        Case("GET", "/api/v1/tickets/{ticket_id}/messages", messages, _all(200)),
        Case("GET", "/api/v1/tickets/{ticket_id}/messages", f"/api/v1/tickets/{private.id}/messages", staff_only,
             note="an invisible ticket's chat is 404; moderators and admins see every chat"),
        Case("POST", "/api/v1/tickets/{ticket_id}/messages", messages, {**_all(201), "admin": 403},
             body={"body": "hello"}, note="admins observe every chat silently: they never post (DESIGN §2)"),
        Case("POST", "/api/v1/tickets/{ticket_id}/messages", messages,
             {"requestor": 403, "assignee": 201, "moderator": 201, "admin": 201},
             body={"body": "internal", "internal": True},
             note="internal notes are the staff's; admins may leave one though they never reply (DESIGN §10)"),
        Case("POST", "/api/v1/tickets/{ticket_id}/messages", f"/api/v1/tickets/{private.id}/messages",
             {**staff_only, "moderator": 201, "admin": 403}, body={"body": "hello"}),
        Case("PATCH", "/api/v1/tickets/{ticket_id}/messages/{message_id}", f"{messages}/{message.id}",
             {"requestor": 200}, body={"body": "edited"}, note="only the author edits; others who see it get 403"),
        Case("GET", "/api/v1/notifications", "/api/v1/notifications", _all(200)),
        Case("POST", "/api/v1/notifications/{notification_id}/read",
             f"/api/v1/notifications/{notification.id}/read",
             {"requestor": 200, "assignee": 404, "moderator": 404, "admin": 404},
             note="a notification is its owner's alone"),
        Case("POST", "/api/v1/notifications/read-all", "/api/v1/notifications/read-all", _all(200)),
        Case("GET", "/api/v1/notifications/preferences", "/api/v1/notifications/preferences", _all(200)),
        Case("PUT", "/api/v1/notifications/preferences", "/api/v1/notifications/preferences", _all(200),
             body={"kinds": {"message": {"in_app": True, "email": False}}, "digest": "off",
                   "mute_own_actions": True}),
        Case("PATCH", "/api/v1/notifications/preferences", "/api/v1/notifications/preferences", _all(200),
             body={"email_kinds": {"message": False}}),
    ]
