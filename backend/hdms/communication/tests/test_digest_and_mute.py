"""Notification preferences applied (issue 14 item 7, DESIGN §8): "don't notify me about my own
changes" (on by default) and the hourly/daily email digest, through a real SMTP server.

A digest is one mail per person and period carrying what arrived before the period began; the
beat job (``email_digests_send``) is run here with an explicit ``now``."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hdms.communication.models import EmailSend, Notification
from hdms.communication.services import (
    digest_period_start,
    email_digests_send,
    email_send_deliver,
    notification_create,
    notification_email_flush,
    notification_email_sweep,
)
from hdms.testing.factories_communication import make_ticket, post_message

pytestmark = pytest.mark.django_db(transaction=True)

KARACHI = ZoneInfo("Asia/Karachi")


def _mail_to(smtp, user) -> list:
    return [m["message"] for m in smtp.messages if m["to"] == [user.email]]


def _prefs(api, user, **changes) -> None:
    body = {"kinds": {}, "digest": "off", "mute_own_actions": True, **changes}
    response = api(user).put("notifications/preferences", body)
    assert response.status_code == 200, response.content


def _at(user, when: datetime, *titles: str, urgent: bool = False) -> list[Notification]:
    """Notifications for ``user`` dated ``when`` (as if they had arrived then)."""
    made = []
    for title in titles:
        made += notification_create(user_ids=[user.id], kind="ticket.status", title=title, urgent=urgent,
                                    params={"number": title.split()[0], "status": "assigned"})
    Notification.objects.filter(id__in=[n.id for n in made]).update(created_at=when)
    return made


# ------------------------------------------------------------------ mute_own_actions

def test_own_actions_notify_nobody_by_default_and_the_actor_who_asks(make_user, api, department):
    """A moderator files and submits a ticket: every moderator hears of it, the filing moderator
    only once they turned "mute my own actions" off."""
    filer = make_user(role="moderator", employee_code="MOD-OWN")
    colleague = make_user(role="moderator", employee_code="MOD-OTHER")

    def submit(title: str) -> None:
        response = api(filer).post("tickets", {"title": title, "description": "It is broken.",
                                               "department_id": str(department.id), "submit": True})
        assert response.status_code == 201, response.content

    submit("Projector one")
    told = set(Notification.objects.filter(kind="ticket.submitted").values_list("user_id", flat=True))
    assert colleague.id in told and filer.id not in told

    _prefs(api, filer, mute_own_actions=False)
    submit("Projector two")
    mine = Notification.objects.filter(kind="ticket.submitted", user=filer)
    assert [n.params["title"] for n in mine] == ["Projector two"]
    assert Notification.objects.filter(kind="ticket.submitted", user=colleague).count() == 2


def test_own_messages_notify_their_author_only_when_not_muted(make_user, api):
    requestor = make_user(role="requestor")
    assignee = make_user(role="assignee")
    ticket = make_ticket(requestor=requestor, assignee=assignee, status="assigned")
    post_message(author=requestor, ticket=ticket, body="Any news?")
    assert not Notification.objects.filter(user=requestor).exists()
    assert Notification.objects.filter(user=assignee, kind="message").count() == 1
    _prefs(api, requestor, mute_own_actions=False)
    post_message(author=requestor, ticket=ticket, body="Hello again")
    assert Notification.objects.filter(user=requestor, kind="message").count() == 1


def test_an_explicit_actor_is_left_out_of_a_direct_notification_unless_they_ask(make_user, api):
    actor, other = make_user(), make_user()
    made = notification_create(user_ids=[actor.id, other.id], kind="ticket.status", title="x", actor_id=actor.id)
    assert [str(n.user_id) for n in made] == [str(other.id)]
    _prefs(api, actor, mute_own_actions=False)
    made = notification_create(user_ids=[actor.id, other.id], kind="ticket.status", title="y", actor_id=actor.id)
    assert {str(n.user_id) for n in made} == {str(actor.id), str(other.id)}


# ------------------------------------------------------------------ digests

def test_digest_periods_are_the_last_full_hour_and_the_last_daily_hour(settings):
    settings.HDMS_EMAIL_DAILY_DIGEST_HOUR = 8
    now = datetime(2026, 12, 4, 20, 37, tzinfo=KARACHI)
    assert digest_period_start(digest="hourly", now=now) == datetime(2026, 12, 4, 20, 0, tzinfo=KARACHI)
    assert digest_period_start(digest="daily", now=now) == datetime(2026, 12, 4, 8, 0, tzinfo=KARACHI)
    early = datetime(2026, 12, 4, 6, 5, tzinfo=KARACHI)
    assert digest_period_start(digest="daily", now=early) == datetime(2026, 12, 3, 8, 0, tzinfo=KARACHI)


def test_an_hourly_digest_batches_a_period_into_one_mail_once(smtp_server, make_user, api):
    user = make_user(email="hourly@idara.example", language="en")
    _prefs(api, user, digest="hourly")
    hour = datetime(2026, 12, 4, 20, 0, tzinfo=KARACHI)
    _at(user, hour - timedelta(minutes=40), "HD-1 is assigned", "HD-2 is assigned", "HD-3 is resolved")
    # No mail per notification: the flush scheduled by a burst leaves them to the digest.
    assert notification_email_flush(user_id=user.id) == 0
    assert _mail_to(smtp_server, user) == []

    assert email_digests_send(now=hour + timedelta(minutes=2)) == 1
    mails = _mail_to(smtp_server, user)
    assert len(mails) == 1
    assert mails[0]["Subject"] == "[HDMS] Your hourly summary: 3 notifications"
    text = mails[0].get_body(("plain",)).get_content()
    assert "HD-1 is assigned" in text and "HD-3 is resolved" in text and "hourly digest" in text
    send = EmailSend.objects.get(user=user)
    assert send.status == "sent" and send.digest_period.startswith("hourly:2026-12-04T20:00")
    assert not Notification.objects.filter(user=user, email_pending=True).exists()

    # The same period again (a second tick, a retried task): nothing more.
    _at(user, hour + timedelta(minutes=10), "HD-4 is postponed")
    assert email_digests_send(now=hour + timedelta(minutes=7)) == 0
    assert email_digests_send(now=hour + timedelta(minutes=50)) == 0
    assert len(_mail_to(smtp_server, user)) == 1
    # The next hour carries what came since.
    assert email_digests_send(now=hour + timedelta(hours=1, minutes=1)) == 1
    mails = _mail_to(smtp_server, user)
    assert len(mails) == 2 and "HD-4 is postponed" in mails[1].get_body(("plain",)).get_content()


def test_a_daily_digest_waits_for_its_hour_and_is_in_the_readers_language(smtp_server, make_user, api, settings):
    settings.HDMS_EMAIL_DAILY_DIGEST_HOUR = 8
    user = make_user(email="daily@idara.example", language="ur")
    _prefs(api, user, digest="daily")
    day = datetime(2026, 12, 4, 8, 0, tzinfo=KARACHI)
    _at(user, day - timedelta(hours=10), "HD-7 is assigned")
    _at(user, day - timedelta(hours=2), "HD-8 is assigned")
    read = _at(user, day - timedelta(hours=1), "HD-9 is assigned")[0]
    api(user).post(f"notifications/{read.id}/read")
    # Before 08:00 the period is yesterday's: its digest (nothing before yesterday 08:00) is empty.
    assert email_digests_send(now=day - timedelta(minutes=5)) == 0
    assert _mail_to(smtp_server, user) == []
    assert email_digests_send(now=day + timedelta(minutes=3)) == 1
    mails = _mail_to(smtp_server, user)
    assert len(mails) == 1 and mails[0]["Subject"].strip() == "[HDMS] آپ کا روزانہ خلاصہ: 2 اطلاعات"
    text = mails[0].get_body(("plain",)).get_content()
    assert "روزانہ خلاصہ" in text and "HD-7" in text and "HD-8" in text
    assert "HD-9" not in text  # read meanwhile: left out
    # Later the same day, nothing; tomorrow at 08:00, the next.
    _at(user, day + timedelta(hours=3), "HD-10 is resolved")
    assert email_digests_send(now=day + timedelta(hours=6)) == 0
    assert email_digests_send(now=day + timedelta(days=1, minutes=1)) == 1
    assert len(_mail_to(smtp_server, user)) == 2


def test_urgent_notifications_skip_the_digest_and_the_sweep_leaves_digests_alone(smtp_server, make_user, api):
    user = make_user(email="urgent@idara.example")
    _prefs(api, user, digest="daily")
    _at(user, timezone.now() - timedelta(hours=2), "HD-11 is assigned")
    notification_create(user_ids=[user.id], kind="sla.breach", title="HD-12 breached its SLA", urgent=True)
    mails = _mail_to(smtp_server, user)
    assert len(mails) == 1 and "HD-12" in mails[0]["Subject"]  # at once, alone
    # The sweep of stuck emails does not send the digest's notifications early.
    notification_email_sweep()
    assert len(_mail_to(smtp_server, user)) == 1
    assert Notification.objects.get(user=user, kind="ticket.status").email_pending is True


def test_a_refused_digest_is_sent_again_once_smtp_takes_it(smtp_server, make_user, api, settings):
    user = make_user(email="retry@idara.example")
    _prefs(api, user, digest="hourly")
    hour = datetime(2026, 12, 4, 20, 0, tzinfo=KARACHI)
    _at(user, hour - timedelta(minutes=5), "HD-20 is assigned")
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens: SMTP refuses
    assert email_digests_send(now=hour + timedelta(minutes=1)) == 0
    failed = EmailSend.objects.get(user=user)
    assert failed.status == "failed"
    assert Notification.objects.get(user=user).email_pending is True
    settings.EMAIL_PORT = port
    assert email_digests_send(now=hour + timedelta(minutes=6)) == 1
    assert len(_mail_to(smtp_server, user)) == 1
    # The failed record is not delivered again later (at most once per record).
    assert email_send_deliver(send_id=failed.id) is False
    assert len(_mail_to(smtp_server, user)) == 1


def test_a_flush_applies_the_choices_read_once_however_many_notifications_wait(smtp_server, make_user, api):
    """The person's choices (here: no email about messages) apply to every pending notification,
    read once: a flush of 25 makes as many queries as a flush of 3."""
    def flush(user, count: int) -> tuple[int, int]:
        _prefs(api, user, kinds={"message": {"in_app": True, "email": False}})
        # Waiting as a burst leaves them (the flush that the burst scheduled has not run yet).
        Notification.objects.bulk_create(
            [Notification(user=user, kind="ticket.status", title=f"HD-{n} is assigned", email_pending=True,
                          params={"number": f"HD-{n}", "status": "assigned"}) for n in range(count)]
            + [Notification(user=user, kind="message", title="New message on HD-1", email_pending=True)])
        with CaptureQueriesContext(connection) as queries:
            carried = notification_email_flush(user_id=user.id)
        return carried, len(queries)

    few, many = make_user(email="few@idara.example"), make_user(email="many@idara.example")
    carried_few, queries_few = flush(few, 3)
    carried_many, queries_many = flush(many, 25)
    assert (carried_few, carried_many) == (3, 25)  # the message's notification left out of both
    assert queries_many == queries_few
    (mail,) = _mail_to(smtp_server, many)
    assert "25" in mail["Subject"] and "New message" not in mail.get_body(("plain",)).get_content()
    assert not Notification.objects.filter(user__in=[few, many], email_pending=True).exists()
