"""Notification emails go out in the recipient's language (issue 13): an Urdu reader's email is in
Urdu, right-to-left, with the same links; an English reader's stays English. Real SMTP server."""

import re

import pytest

from hdms.communication import links
from hdms.communication.services import notification_create, notification_email_flush
from hdms.testing.factories_communication import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

URDU_LETTERS = re.compile(r"[\u0600-\u06FF]")


def _mail_for(smtp_server, user):
    [sent] = [m for m in smtp_server.messages if m["to"] == [user.email]]
    message = sent["message"]
    return (message["subject"], message.get_body(preferencelist=("plain",)).get_content(),
            message.get_body(preferencelist=("html",)).get_content())


def test_an_urdu_readers_email_is_urdu_and_right_to_left_and_an_english_readers_english(smtp_server, make_user):
    reader_ur = make_user(role="requestor", employee_code="UR-1", language="ur")
    reader_en = make_user(role="requestor", employee_code="EN-1", language="en")
    ticket = make_ticket(requestor=reader_ur, status="postponed")
    for user in (reader_ur, reader_en):
        notification_create(user_ids=[user.id], kind="ticket.status", title=f"{ticket.number} is postponed",
                            body="Until 2026-12-07: parts", ticket_id=ticket.id,
                            params={"number": ticket.number, "status": "postponed"})
        notification_email_flush(user_id=str(user.id))

    subject, text, html = _mail_for(smtp_server, reader_ur)
    assert ticket.number in subject and URDU_LETTERS.search(subject), subject
    assert "ملتوی" in subject  # the status said in Urdu, not "postponed"
    assert '<html lang="ur" dir="rtl">' in html and 'dir="rtl"' in html.split("<body", 1)[1][:80]
    assert "Noto Nastaliq Urdu" in html
    assert "السلام علیکم" in text and "ادارہ الخیر" in text
    for english in ("You have a new notification", "Choose which events email you", "postponed"):
        assert english not in html.replace("Until 2026-12-07", ""), english
    assert links.ticket_url(ticket.id) in html and links.ticket_url(ticket.id) in text
    assert links.notification_settings_url() in html

    subject, text, html = _mail_for(smtp_server, reader_en)
    assert subject == f"[HDMS] {ticket.number} is postponed"
    assert '<html lang="en" dir="ltr">' in html and not URDU_LETTERS.search(text)
    assert links.ticket_url(ticket.id) in html
    # 24-hour time in both (no AM/PM).
    assert not re.search(r"\b[AP]M\b", text)
