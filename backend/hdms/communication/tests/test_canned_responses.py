"""Canned responses (DESIGN §10, issue 16): personal, per department and desk-wide, managed by
admins and their owners, rendered on the server in the requestor's language with variables filled."""

import pytest

from hdms.communication.models import CannedResponse
from hdms.testing.factories import DepartmentFactory
from hdms.testing.factories_communication import make_ticket

pytestmark = pytest.mark.django_db

BODY_EN = ("Dear {{requestor.full_name}}, ticket {{ticket.number}} is with {{assignee.full_name}} of "
           "{{department.name}}.")
BODY_UR = ("محترم {{requestor.full_name}}، ٹکٹ {{ticket.number}} {{department.name}} کے {{assignee.full_name}} "
           "کے پاس ہے۔")


@pytest.fixture
def people(make_user, department):
    finance = DepartmentFactory(code="FIN", name="Finance")
    return {
        "requestor": make_user(role="requestor", full_name="Rabia Khan", language="ur"),
        "english": make_user(role="requestor", full_name="John Smith", language="en"),
        "assignee": make_user(role="assignee", department=department, full_name="Asad Ali"),
        "finance_assignee": make_user(role="assignee", department=finance),
        "moderator": make_user(role="moderator"),
        "admin": make_user(role="admin"),
        "it": department, "finance": finance,
    }


def _create(api, user, **fields):
    body = {"title": "Received", "body_en": BODY_EN, "body_ur": BODY_UR, "shortcut": "recv", **fields}
    return api(user).post("canned-responses", body)


def test_rendering_fills_the_variables_in_the_requestors_language(api, people):
    item = _create(api, people["admin"], personal=False, department_id=str(people["it"].id)).json()
    urdu_ticket = make_ticket(requestor=people["requestor"], assignee=people["assignee"], status="assigned")
    english_ticket = make_ticket(requestor=people["english"], assignee=people["assignee"], status="assigned")
    client = api(people["assignee"])
    urdu = client.post(f"canned-responses/{item['id']}/render", {"ticket_id": str(urdu_ticket.id)}).json()
    assert urdu == {"language": "ur", "body": f"محترم Rabia Khan، ٹکٹ {urdu_ticket.number} IT کے Asad Ali کے پاس ہے۔"}
    english = client.post(f"canned-responses/{item['id']}/render", {"ticket_id": str(english_ticket.id)}).json()
    assert english == {"language": "en",
                       "body": f"Dear John Smith, ticket {english_ticket.number} is with Asad Ali of IT."}
    # The caller may ask for the other language; an item without Urdu text answers in English.
    asked = client.post(f"canned-responses/{item['id']}/render",
                        {"ticket_id": str(urdu_ticket.id), "language": "en"}).json()
    assert asked["language"] == "en" and asked["body"].startswith("Dear Rabia Khan")
    plain = _create(api, people["assignee"], shortcut="plain", body_ur="").json()
    fallback = client.post(f"canned-responses/{plain['id']}/render", {"ticket_id": str(urdu_ticket.id)}).json()
    assert fallback["language"] == "en" and fallback["body"].startswith("Dear Rabia Khan")


def test_render_needs_a_ticket_the_caller_sees(api, people, make_user):
    item = _create(api, people["assignee"]).json()
    hidden = make_ticket(requestor=make_user(role="requestor"))
    response = api(people["assignee"]).post(f"canned-responses/{item['id']}/render", {"ticket_id": str(hidden.id)})
    assert response.status_code == 404


def test_unknown_variables_and_bad_shortcuts_are_422_naming_the_field(api, people):
    response = _create(api, people["assignee"], body_en="Hi {{requestor.password}}", shortcut="Good")
    assert response.status_code == 422
    assert [tuple(e["loc"]) for e in response.json()["errors"]] == [("body", "body_en")]
    # The shortcut's form is the schema's (a pattern the OpenAPI document states), so it is refused first.
    for bad in ("Bad Shortcut!", "-dash", "x" * 33, "/"):
        response = _create(api, people["assignee"], shortcut=bad)
        assert response.status_code == 422 and [e["field"] for e in response.json()["errors"]] == ["shortcut"], bad


def test_who_sees_which(api, people):
    desk = _create(api, people["admin"], personal=False, shortcut="desk").json()
    it = _create(api, people["admin"], personal=False, department_id=str(people["it"].id), shortcut="it").json()
    fin = _create(api, people["admin"], personal=False, department_id=str(people["finance"].id),
                  shortcut="fin").json()
    mine = _create(api, people["assignee"], shortcut="mine").json()
    theirs = _create(api, people["finance_assignee"], shortcut="theirs").json()

    def ids(user):
        return {i["id"] for i in api(user).get("canned-responses").json()["items"]}

    assert ids(people["assignee"]) == {desk["id"], it["id"], mine["id"]}
    assert ids(people["finance_assignee"]) == {desk["id"], fin["id"], theirs["id"]}
    assert ids(people["moderator"]) == {desk["id"], it["id"], fin["id"]}
    assert ids(people["admin"]) == {desk["id"], it["id"], fin["id"], mine["id"], theirs["id"]}
    assert api(people["requestor"]).get("canned-responses").status_code == 403
    assert api(people["assignee"]).get(f"canned-responses/{theirs['id']}").status_code == 404
    # The shortcut narrows the list as the chat box's "/" does.
    found = api(people["assignee"]).get("canned-responses", {"q": "/mi"}).json()["items"]
    assert [i["id"] for i in found] == [mine["id"]]


def test_who_manages_which(api, people):
    it = _create(api, people["admin"], personal=False, department_id=str(people["it"].id), shortcut="it").json()
    mine = _create(api, people["assignee"], shortcut="mine").json()
    assignee = api(people["assignee"])
    # Only admins share: a department's or the desk's.
    assert _create(api, people["assignee"], personal=False, department_id=str(people["it"].id),
                   shortcut="x").status_code == 403
    assert _create(api, people["moderator"], personal=False, shortcut="y").status_code == 403
    assert _create(api, people["requestor"], shortcut="z").status_code == 403
    listed = {i["id"]: i["editable"] for i in assignee.get("canned-responses").json()["items"]}
    assert listed == {it["id"]: False, mine["id"]: True}
    assert assignee.get("canned-responses").json()["may_share"] is False
    assert api(people["admin"]).get("canned-responses").json()["may_share"] is True
    assert assignee.patch(f"canned-responses/{it['id']}", {"title": "Mine now"}).status_code == 403
    assert assignee.delete(f"canned-responses/{it['id']}").status_code == 403
    changed = assignee.patch(f"canned-responses/{mine['id']}", {"title": "Got it", "version": mine["version"]})
    assert changed.status_code == 200 and changed.json()["version"] == mine["version"] + 1
    stale = assignee.patch(f"canned-responses/{mine['id']}", {"title": "Again", "version": mine["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    # Admins manage anyone's.
    assert api(people["admin"]).patch(f"canned-responses/{mine['id']}", {"body_ur": "موصول ہوا"}).status_code == 200
    assert assignee.delete(f"canned-responses/{mine['id']}").status_code == 204
    assert not CannedResponse.objects.filter(id=mine["id"]).exists()
    # A deleted item's shortcut is free again.
    assert _create(api, people["assignee"], shortcut="mine").status_code == 201


def test_a_shortcut_is_unique_in_its_scope_only(api, people):
    assert _create(api, people["assignee"], shortcut="recv").status_code == 201
    again = _create(api, people["assignee"], shortcut="RECV")
    assert again.status_code == 422 and again.json()["errors"][0]["loc"] == ["body", "shortcut"]
    # Another person's, the department's and the desk's may use the same shortcut.
    assert _create(api, people["finance_assignee"], shortcut="recv").status_code == 201
    assert _create(api, people["admin"], personal=False, department_id=str(people["it"].id)).status_code == 201
    assert _create(api, people["admin"], personal=False).status_code == 201
