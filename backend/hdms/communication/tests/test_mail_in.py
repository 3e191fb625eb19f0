"""Email in (issue 17 item 3, DESIGN §11), end to end: a real SMTP client (smtplib) speaks to the
real listener (``communication.smtp``: the handler ``manage.py mail_in`` serves) on a real socket,
against PostgreSQL; attachments are scanned by the test clamd."""

import io
import os
import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from PIL import Image

from hdms.communication import reply_address
from hdms.communication.models import EmailSend, InboundMail, Message
from hdms.communication.services import email_send_deliver, notification_create
from hdms.communication.smtp import DeskHandler, smtp_factory
from hdms.communication.tests.conftest import free_port
from hdms.core.roles import Role
from hdms.files.models import Attachment
from hdms.files.tests.clamd_server import EICAR, running_clamd
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket
from hdms.testing.smtp import Collect
from hdms.tickets.models import Ticket, TicketParticipant
from hdms.tickets.services import ticket_withdraw

pytestmark = pytest.mark.django_db(transaction=True)

DESK = "helpdesk@idara.example"
BACKEND_DIR = Path(__file__).resolve().parents[3]


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


class _Listener(Controller):
    """The listener's own SMTP factory (limits, handler) on a free port."""

    def factory(self) -> Any:
        return smtp_factory(hostname="desk.test")


@pytest.fixture(scope="module")
def clamd() -> Iterator[str]:
    with running_clamd() as url:
        yield url


@pytest.fixture
def listener(settings, tmp_path, clamd, postgres_only) -> Iterator[int]:
    settings.HDMS_MAIL_IN_ADDRESS = DESK
    settings.FILES_QUARANTINE_DIR = str(tmp_path / "quarantine")
    settings.FILES_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                              "OPTIONS": {"location": str(tmp_path / "store")}}
    settings.FILES_CLAMD_URL = clamd
    controller = _Listener(DeskHandler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.HDMS_MAIL_IN_PORT = controller.port
    try:
        yield controller.port
    finally:
        controller.stop()


@pytest.fixture
def people(db) -> dict[str, Any]:
    it = DepartmentFactory(code="IT", name="IT")
    return {
        "requestor": UserFactory(role=Role.REQUESTOR, email="Ali.Raza@Idara.example"),
        "other": UserFactory(role=Role.REQUESTOR),
        "moderator": UserFactory(role=Role.MODERATOR),
        "assignee": UserFactory(role=Role.ASSIGNEE, department=it),
    }


def mail(*, sender: str, to: str = DESK, subject: str = "Printer on floor 2 is jammed",
         text: str | None = "The printer shows error E4 since morning.", html: str | None = None,
         headers: dict[str, str] | None = None, attachments: list[tuple[str, str, bytes]] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="mail.test")
    for name, value in (headers or {}).items():
        message[name] = value
    if text is not None:
        message.set_content(text)
    if html is not None:
        if text is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, ctype, data in attachments:
        maintype, _, subtype = ctype.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message


def send(port: int, message: EmailMessage, *, mail_from: str | None = None, to: str | None = None) -> dict:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        envelope_from = parseaddr(str(message["From"]))[1] if mail_from is None else mail_from
        return client.sendmail(envelope_from, [to or str(message["To"])], message.as_bytes(policy=email_policy.SMTP))


def refused_with(port: int, message: EmailMessage, **kwargs: Any) -> tuple[int, str]:
    # SMTPSenderRefused: a mail over the SIZE limit the server announced is refused at MAIL FROM.
    with pytest.raises((smtplib.SMTPDataError, smtplib.SMTPSenderRefused)) as refused:
        send(port, message, **kwargs)
    return refused.value.smtp_code, refused.value.smtp_error.decode()


# --- a new ticket ------------------------------------------------------------------------------

def test_mail_from_a_known_employee_opens_a_submitted_ticket_with_its_attachment(listener, people):
    requestor = people["requestor"]
    message = mail(sender=f"Ali Raza <{requestor.email.upper()}>",  # addresses match case-insensitively
                   attachments=[("error.png", "image/png", PNG)])
    assert send(listener, message) == {}
    ticket = Ticket.objects.get()
    assert ticket.requestor_id == requestor.id and ticket.status == "submitted"
    assert ticket.title == "Printer on floor 2 is jammed"
    assert ticket.description == "The printer shows error E4 since morning."
    attachment = Attachment.objects.get()
    assert attachment.ticket_id == ticket.id and attachment.uploader_id == requestor.id
    assert attachment.original_name == "error.png" and attachment.kind == "png"
    assert attachment.status == "clean"  # scanned by clamd (the eager scan task ran after commit)
    row = InboundMail.objects.get()
    assert (row.outcome, row.ticket_id, row.user_id) == ("ticket", ticket.id, requestor.id)
    assert row.message_id == str(message["Message-ID"])


def test_an_html_only_mail_becomes_plain_text(listener, people):
    message = mail(sender=people["requestor"].email, text=None,
                   html="<p>Screen is <b>black</b> &amp; flickers.</p><script>alert(1)</script><p>Room 4</p>")
    send(listener, message)
    assert Ticket.objects.get().description == "Screen is black & flickers.\nRoom 4"


def test_the_same_message_id_delivered_twice_makes_one_ticket(listener, people):
    message = mail(sender=people["requestor"].email)
    send(listener, message)
    send(listener, message)  # a relay's retry: accepted, nothing made again
    assert Ticket.objects.count() == 1
    assert InboundMail.objects.filter(outcome="ticket").count() == 1


def test_two_relays_delivering_the_same_mail_at_once_make_one_ticket(listener, people):
    """When both pass the "delivered before?" check, the unique Message-ID row decides and the
    loser answers "already delivered" (250): neither relay retries, nothing is made twice."""
    messages = [mail(sender=people["requestor"].email, subject=f"Race {n}") for n in range(4)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda m: send(listener, m), [m for m in messages for _ in range(2)]))
    assert answers == [{}] * 8
    assert sorted(Ticket.objects.values_list("title", flat=True)) == [f"Race {n}" for n in range(4)]
    assert InboundMail.objects.filter(outcome="ticket").count() == 4


def test_a_refused_attachment_keeps_the_mail_text(listener, people):
    message = mail(sender=people["requestor"].email,
                   attachments=[("setup.exe", "application/octet-stream", b"MZ\x90\x00" + b"\x00" * 200),
                                ("eicar.txt", "text/plain", EICAR)])
    send(listener, message)
    ticket = Ticket.objects.get()
    assert ticket.description == "The printer shows error E4 since morning."
    row = InboundMail.objects.get()
    assert [r["name"] for r in row.refused_attachments] == ["setup.exe"]
    assert row.refused_attachments[0]["code"] == "unsupported_file_type"
    # The EICAR file was taken, then found infected by the scan and destroyed (the file service's rule).
    assert Attachment.objects.get(ticket_id=ticket.id).status == "infected"


# --- refusals ----------------------------------------------------------------------------------

def test_a_stranger_is_refused_and_nothing_is_made(listener, people):
    code, text = refused_with(listener, mail(sender="someone@elsewhere.example"))
    assert code == 550 and "not a known employee" in text
    assert not Ticket.objects.exists()
    row = InboundMail.objects.get()
    assert (row.outcome, row.reason, row.sender) == ("refused", "unknown sender", "someone@elsewhere.example")


def test_an_inactive_employee_is_a_stranger(listener, people):
    people["other"].is_active = False
    people["other"].save(update_fields=["is_active"])
    code, _ = refused_with(listener, mail(sender=people["other"].email))
    assert code == 550 and not Ticket.objects.exists()


def test_an_address_that_is_not_the_desks_is_refused_at_rcpt(listener, people):
    for address in ("other@idara.example", "helpdesk@elsewhere.example", "helpdesk+t-nonsense@idara.example"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            send(listener, mail(sender=people["requestor"].email, to=address))
        assert refused.value.recipients[address][0] == 550
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(("headers", "mail_from", "reason"), [
    ({"Auto-Submitted": "auto-replied"}, None, "Auto-Submitted"),
    ({"Precedence": "bulk"}, None, "Precedence"),
    ({"Precedence": "junk"}, None, "Precedence"),
    ({"X-Autoreply": "yes"}, None, "X-Autoreply"),
    ({}, "", "empty return path"),
    ({}, "MAILER-DAEMON@mx.idara.example", "return path"),
])
def test_automatic_mail_is_accepted_and_ignored(listener, people, headers, mail_from, reason):
    """An auto-reply or a bounce is never answered (not even by a refusal a relay would bounce):
    taken with 250, dropped, logged."""
    assert send(listener, mail(sender=people["requestor"].email, subject="Out of office", headers=headers),
                mail_from=mail_from) == {}
    assert not Ticket.objects.exists()
    row = InboundMail.objects.get()
    assert row.outcome == "ignored" and reason in row.reason


def test_a_person_whose_client_asks_for_no_auto_replies_still_files_a_ticket(listener, people):
    """X-Auto-Response-Suppress asks the receiver not to auto-reply (Outlook sets it on mail people
    write): it is not a sign of a machine, and the desk never auto-replies anyway."""
    assert send(listener, mail(sender=people["requestor"].email, subject="Projector broken",
                               headers={"X-Auto-Response-Suppress": "All"})) == {}
    assert Ticket.objects.get().title == "Projector broken"


def test_mail_from_the_desks_own_address_is_ignored(listener, people):
    assert send(listener, mail(sender=f"HDMS <{DESK}>")) == {}
    assert not Ticket.objects.exists()
    assert InboundMail.objects.get().reason == "automatic mail: sent from the desk's own address"


@pytest.mark.parametrize(("raw", "why"), [
    (b"Subject: no sender\r\nMessage-ID: <x1@mail.test>\r\n\r\nHello\r\n", "no single From"),
    (b"From: a@b.example, c@d.example\r\nSubject: two\r\n\r\nHello\r\n", "several From"),
    (b"From: %s\r\nSubject: charset\r\nContent-Type: text/plain; charset=x-nonsense\r\n\r\nHello\r\n",
     "cannot be decoded"),
    (b"From: %s\r\nSubject: \r\n\r\n   \r\n", "no readable text"),
])
def test_unreadable_mail_is_refused_with_554(listener, people, raw, why):
    if b"%s" in raw:
        raw = raw.replace(b"%s", people["requestor"].email.encode())
    with smtplib.SMTP("127.0.0.1", listener, timeout=30) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.sendmail(people["requestor"].email, [DESK], raw)
    assert refused.value.smtp_code == 554
    assert not Ticket.objects.exists()
    row = InboundMail.objects.get()
    assert row.outcome == "refused" and why in row.reason


def test_mail_over_the_size_limit_is_refused_with_552(listener, people, settings):
    settings.HDMS_MAIL_IN_MAX_BYTES = 10_000
    controller = _Listener(DeskHandler(), hostname="127.0.0.1", port=free_port())  # made with the new limit
    controller.start()
    try:
        code, _ = refused_with(controller.port, mail(sender=people["requestor"].email, text="x" * 20_000))
    finally:
        controller.stop()
    assert code == 552 and not Ticket.objects.exists()


# --- replies -----------------------------------------------------------------------------------

@pytest.fixture
def ticket(people) -> Ticket:
    return assigned_ticket(people["requestor"], people["moderator"], people["assignee"])


def test_a_notification_email_carries_a_reply_address_and_a_reply_lands_in_the_conversation(
        listener, people, ticket, settings):
    outgoing = Collect()  # the outgoing side: a second real SMTP server
    out = Controller(outgoing, hostname="127.0.0.1", port=free_port())
    out.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", out.port, False
    try:
        requestor = people["requestor"]
        notification_create(user_ids=[requestor.id], kind="message", title="New message on HD", urgent=True,
                            ticket_id=ticket.id)
    finally:
        out.stop()
    sent = outgoing.messages[-1]["message"]
    reply_to = parseaddr(str(sent["Reply-To"]))[1]
    assert reply_to == reply_address.reply_address(ticket_id=ticket.id, user_id=requestor.id)
    assert reply_to.startswith("helpdesk+t-") and len(reply_to.split("@")[0]) <= 64
    assert sent["Auto-Submitted"] == "auto-generated"

    answer = mail(sender=requestor.email, to=reply_to, subject=f"Re: {sent['Subject']}",
                  text="It works again, thank you.\n\nOn Mon, 7 Dec 2026 at 10:00, HDMS <helpdesk@idara.example> "
                       "wrote:\n> New message on HD\n> more quoted text\n",
                  headers={"In-Reply-To": "<n1@desk>"})
    assert send(listener, answer) == {}
    message = Message.objects.get(ticket_id=ticket.id)
    assert message.author_id == requestor.id and message.body == "It works again, thank you."
    assert not message.internal
    row = InboundMail.objects.get()
    assert (row.outcome, row.chat_message_id, row.ticket_id) == ("reply", message.id, ticket.id)
    assert Ticket.objects.count() == 1  # a reply opens no ticket
    send(listener, answer)  # delivered again: no second message
    assert Message.objects.filter(ticket_id=ticket.id).count() == 1


def test_a_digest_about_several_tickets_has_no_reply_address(listener, people, ticket, smtp_server):
    requestor = people["requestor"]
    other = submitted_ticket(requestor, title="Second")
    first = notification_create(user_ids=[requestor.id], kind="message", title="one", ticket_id=ticket.id)
    second = notification_create(user_ids=[requestor.id], kind="message", title="two", ticket_id=other.id)
    smtp_server.messages.clear()
    send_record = EmailSend.objects.create(user=requestor, notification_ids=[str(first[0].id), str(second[0].id)])
    assert email_send_deliver(send_id=send_record.id)
    [digest] = smtp_server.messages
    assert digest["message"]["Reply-To"] is None  # which ticket would an answer be about?
    assert digest["message"]["Auto-Submitted"] == "auto-generated"


def test_a_reply_with_an_attachment_posts_it_with_the_message(listener, people, ticket):
    requestor = people["requestor"]
    to = reply_address.reply_address(ticket_id=ticket.id, user_id=requestor.id)
    send(listener, mail(sender=requestor.email, to=to, text="Photo attached.",
                        attachments=[("screen.png", "image/png", PNG)]))
    message = Message.objects.get(ticket_id=ticket.id)
    attachment = Attachment.objects.get(ticket_id=ticket.id)
    assert message.attachment_ids == [str(attachment.id)] and attachment.uploader_id == requestor.id


def test_a_forged_reply_address_is_refused(listener, people, ticket):
    requestor = people["requestor"]
    good = reply_address.reply_address(ticket_id=ticket.id, user_id=requestor.id)
    local, domain = good.split("@")
    forged = f"{local[:-4]}{'aaaa' if not local.endswith('aaaa') else 'bbbb'}@{domain}"
    other_ticket = submitted_ticket(requestor, title="Another one")
    # This reader's own, valid code for another ticket, pasted onto this one.
    mac = reply_address.reply_mac(ticket_id=other_ticket.id, user_id=requestor.id)
    swapped = f"helpdesk+t-{ticket.id.hex}-{mac}@{domain}"
    for address in (forged, swapped):
        code, text = refused_with(listener, mail(sender=requestor.email, to=address, text="Forged"))
        assert code == 550 and "not issued to the sender" in text
    assert not Message.objects.exists()
    assert InboundMail.objects.filter(outcome="refused").count() == 2


def test_a_reply_address_issued_to_someone_else_is_refused(listener, people, ticket):
    to = reply_address.reply_address(ticket_id=ticket.id, user_id=people["assignee"].id)
    code, _ = refused_with(listener, mail(sender=people["requestor"].email, to=to, text="Not mine"))
    assert code == 550 and not Message.objects.exists()


def test_a_reply_by_someone_who_cannot_see_the_ticket_is_refused(listener, people, ticket):
    """A reply address once issued to them (the ticket since moved out of their sight) signs them
    in as nobody: the conversation's own rule (``room_enter``) refuses them."""
    outsider = people["other"]
    to = reply_address.reply_address(ticket_id=ticket.id, user_id=outsider.id)
    code, text = refused_with(listener, mail(sender=outsider.email, to=to, text="Let me in"))
    assert code == 550 and "cannot see this ticket" in text
    assert not Message.objects.exists()
    assert not TicketParticipant.objects.filter(ticket_id=ticket.id, user_id=outsider.id).exists()  # nor joined
    assert InboundMail.objects.get().reason == "reply refused: sender cannot see the ticket"


def test_a_reply_to_a_finished_ticket_is_refused(listener, people):
    requestor = people["requestor"]
    withdrawn = submitted_ticket(requestor, title="Never mind")
    withdrawn = ticket_withdraw(ticket_id=withdrawn.id, by=requestor, version=withdrawn.version)
    to = reply_address.reply_address(ticket_id=withdrawn.id, user_id=requestor.id)
    code, _ = refused_with(listener, mail(sender=requestor.email, to=to, text="One more thing"))
    assert code == 550 and not Message.objects.exists()
    assert InboundMail.objects.get().outcome == "refused"


def test_a_reply_with_only_quoted_text_is_refused(listener, people, ticket):
    to = reply_address.reply_address(ticket_id=ticket.id, user_id=people["requestor"].id)
    code, _ = refused_with(listener, mail(sender=people["requestor"].email, to=to, text="> only the old text\n"))
    assert code == 554 and not Message.objects.exists()


def test_a_second_recipient_in_one_transaction_is_deferred(listener, people):
    with smtplib.SMTP("127.0.0.1", listener, timeout=30) as client:
        client.ehlo()
        client.mail(people["requestor"].email)
        assert client.rcpt(DESK)[0] == 250
        assert client.rcpt(reply_address.reply_address(ticket_id=people["requestor"].id,
                                                       user_id=people["requestor"].id))[0] == 452


# --- the process the launcher starts -----------------------------------------------------------

def test_manage_py_mail_in_serves_the_desk(people, postgres_only, tmp_path):
    db = django_settings.DATABASES["default"]
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hdms.settings.test", "HDMS_LOG_LEVEL": "WARNING",
           "DATABASE_URL": f"postgres://{db['USER'] or 'root'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                           f"{db['NAME']}",
           "HDMS_MAIL_IN_ADDRESS": DESK, "HDMS_QUARANTINE_DIR": str(tmp_path / "q")}
    proc = subprocess.Popen([sys.executable, "manage.py", "mail_in", "--host", "127.0.0.1", "--port", str(port)],
                            cwd=BACKEND_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
                    client.noop()
                break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()[-2000:] if proc.stdout else ""
                assert time.monotonic() < deadline, "mail_in did not listen"
                time.sleep(0.2)
        assert send(port, mail(sender=people["requestor"].email, subject="From the real process")) == {}
        assert Ticket.objects.get().title == "From the real process"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert proc.returncode == 0
