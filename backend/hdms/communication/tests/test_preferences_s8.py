"""Notification preferences in DESIGN §8's shape (issue 14 item 7): per kind in-app and email,
digest, mute_own_actions on by default; a kind silenced by email sends nothing through a real
SMTP server while another kind still does."""

import pytest

from hdms.communication.models import Notification
from hdms.communication.services import notification_create, notification_email_flush
from hdms.testing.factories_communication import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_defaults_are_everything_on_digest_off_and_own_actions_muted(make_user, api):
    body = api(make_user()).get("notifications/preferences").json()
    assert body["digest"] == "off" and body["mute_own_actions"] is True
    assert body["kinds"]["ticket.status"] == {"in_app": True, "email": True}


def test_preferences_silence_an_email_kind(smtp_server, make_user, api):
    user = make_user(role="requestor", employee_code="PREF-1", email="pref1@idara.example")
    ticket = make_ticket(requestor=user)
    client = api(user)
    response = client.put("notifications/preferences", {
        "kinds": {"ticket.status": {"in_app": True, "email": False}}, "digest": "off", "mute_own_actions": False})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kinds"]["ticket.status"] == {"in_app": True, "email": False}
    assert body["kinds"]["ticket.assigned"] == {"in_app": True, "email": True}
    assert body["digest"] == "off" and body["mute_own_actions"] is False
    notification_create(user_ids=[user.id], kind="ticket.status", title="T is postponed", ticket_id=ticket.id)
    notification_email_flush(user_id=str(user.id))
    assert [m for m in smtp_server.messages if m["to"] == [user.email]] == []
    assert Notification.objects.filter(user=user, kind="ticket.status").count() == 1  # still in the app
    notification_create(user_ids=[user.id], kind="ticket.assigned", title="T is assigned", ticket_id=ticket.id)
    notification_email_flush(user_id=str(user.id))
    assert len([m for m in smtp_server.messages if m["to"] == [user.email]]) == 1


def test_a_kind_off_in_the_app_and_by_email_is_not_stored(make_user, api):
    user = make_user()
    api(user).put("notifications/preferences", {
        "kinds": {"ticket.status": {"in_app": False, "email": False}}, "digest": "off", "mute_own_actions": True})
    assert notification_create(user_ids=[user.id], kind="ticket.status", title="x") == []
    assert len(notification_create(user_ids=[user.id], kind="ticket.assigned", title="y")) == 1


def test_a_kind_off_in_the_app_only_is_emailed_and_never_shown_in_the_app(smtp_server, make_user, api):
    user = make_user(role="requestor", employee_code="PREF-3", email="pref3@idara.example")
    ticket = make_ticket(requestor=user)
    client = api(user)
    response = client.put("notifications/preferences", {
        "kinds": {"ticket.status": {"in_app": False, "email": True}}, "digest": "off", "mute_own_actions": True})
    assert response.status_code == 200, response.content
    notification_create(user_ids=[user.id], kind="ticket.status", title="T is postponed", ticket_id=ticket.id)
    notification_create(user_ids=[user.id], kind="ticket.assigned", title="T is assigned", ticket_id=ticket.id)
    notification_email_flush(user_id=str(user.id))  # whatever the burst's scheduled flush left
    listed = client.get("notifications").json()
    assert [n["kind"] for n in listed["items"]] == ["ticket.assigned"]
    assert listed["count"] == 1 and listed["unread"] == 1
    read_all = client.post("notifications/read-all")
    assert read_all.status_code == 200 and read_all.json()["updated"] == 1
    # Emailed, never listed, and not marked read by the app's read-all.
    hidden = Notification.objects.get(user=user, kind="ticket.status")
    assert hidden.in_app is False and hidden.read_at is None and hidden.emailed_at is not None
    assert len([m for m in smtp_server.messages if m["to"] == [user.email]]) == 2


def test_bad_preferences_are_refused_and_change_nothing(make_user, api):
    user = make_user()
    client = api(user)
    for bad in ({"kinds": {}, "digest": "weekly", "mute_own_actions": True},
                {"kinds": {"Bad Kind!": {"in_app": True, "email": True}}, "digest": "off", "mute_own_actions": True},
                {"kinds": {"ticket.status": {"in_app": "yes", "email": True}}, "digest": "off",
                 "mute_own_actions": True}):
        response = client.put("notifications/preferences", bad)
        assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert client.get("notifications/preferences").json()["digest"] == "off"
