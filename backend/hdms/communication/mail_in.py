"""Email in (DESIGN §11): the decisions and writes behind the SMTP listener (``smtp.py``).

Mail to the desk address from a known employee opens a ticket (filed and submitted as them, as the
web form would); a reply to a notification email (its per-ticket, per-reader reply address,
``reply_address.py``) becomes their message in the ticket's conversation, through the same
services as the API (``ticket_create``, ``room_enter`` + ``message_create``): who may see and write
there is decided by the same rules. Attachments go through the file service's upload
(``attachment_upload``: size, type, quarantine, antivirus scan, conversion). Every decision is one
``InboundMail`` row and one log line (``event: mail_in.<outcome>``).

Answers, as SMTP replies the listener gives:

- 250: a ticket or a message was made; a mail sent by a machine (auto-reply, bounce, list,
  the desk's own address) is accepted and dropped, so nothing ever answers it (no loop);
  the same Message-ID a second time: "already delivered", nothing made again.
- 550: unknown or ambiguous sender, a reply address not issued to the sender, a ticket the sender
  may not see or write on (finished, closed chat).
- 554: unreadable mail (no single From, undecodable text, neither text nor attachment), or text
  the services refuse (e.g. an invisible subject and body).
- 451: something failed on our side; the relay retries later.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction

from hdms.communication import reply_address
from hdms.communication.mail_parse import Letter, MailAttachment, Unreadable, letter_from_bytes
from hdms.communication.models import InboundMail, InboundMailOutcome
from hdms.communication.services import message_create, room_enter
from hdms.core.errors import DomainError, Forbidden, InvalidTransition, NotFound
from hdms.files.services import attachment_upload
from hdms.files.uploads import receive_bytes
from hdms.tickets.services import ticket_create
from hdms.users.selectors import active_user_by_email

if TYPE_CHECKING:
    from hdms.users.models import User

logger = logging.getLogger("hdms.communication.mail_in")

Outcome = InboundMailOutcome
TITLE_MAX = 200           # TicketIn.title
DESCRIPTION_MAX = 20_000  # TicketIn.description


@dataclass
class Refusal(Exception):
    """A mail the desk will not take: ``reply`` is the SMTP answer, ``reason`` what is logged."""

    reply: str
    reason: str


def recipient_refusal(address: str) -> str | None:
    """The SMTP answer refusing ``address`` at RCPT time, or None when it is one of the desk's."""
    if reply_address.recipient_of(address) is None:
        return "550 5.1.1 No such mailbox here"
    return None


def mail_in_deliver(*, return_path: str, recipient: str, content: bytes) -> str:
    """Take one delivered mail for one of the desk's addresses; returns the SMTP answer."""
    record: dict[str, Any] = {"return_path": return_path[:254], "recipient": recipient[:254]}
    try:
        target = reply_address.recipient_of(recipient)
        if target is None:
            raise Refusal("550 5.1.1 No such mailbox here", "not one of the desk's addresses")
        try:
            letter = letter_from_bytes(content, return_path=return_path)
        except Unreadable as exc:
            raise Refusal("554 5.6.0 The message could not be read", f"unreadable: {exc}") from None
        record.update(sender=letter.sender[:254], subject=letter.subject[:200], message_id=letter.message_id)
        loop = letter.automatic or ("sent from the desk's own address" if reply_address.is_desk_address(letter.sender)
                                    else "")
        if loop:
            _record(Outcome.IGNORED, reason=f"automatic mail: {loop}", **record)
            return "250 2.6.0 Sent automatically: accepted and ignored"
        user = active_user_by_email(email=letter.sender)
        if user is None:
            raise Refusal("550 5.7.1 The sender is not a known employee of the desk", "unknown sender")
        record["user"] = user
        if _already_delivered(letter.message_id):
            _log("duplicate", "same Message-ID delivered before", **record)
            return "250 2.0.0 Already delivered"
        try:
            if target.ticket_id is None:
                row = _open_ticket(user=user, letter=letter, record=record)
            else:
                if not target.issued_to(user.id):
                    raise Refusal("550 5.7.1 This reply address was not issued to the sender",
                                  "reply address not issued to the sender (forged or forwarded)")
                row = _post_reply(user=user, ticket_id=target.ticket_id, letter=letter, record=record)
        except IntegrityError:
            if _already_delivered(letter.message_id):  # a concurrent delivery of the same mail won
                _log("duplicate", "same Message-ID delivered at the same time", **record)
                return "250 2.0.0 Already delivered"
            raise
    except Refusal as refusal:
        _record(Outcome.REFUSED, reason=refusal.reason, **record)
        return refusal.reply
    _log(row.outcome, "", **{**record, "ticket_id": row.ticket_id, "refused_attachments": len(row.refused_attachments)})
    return "250 2.0.0 Delivered"


def _already_delivered(message_id: str) -> bool:
    return bool(message_id) and InboundMail.objects.filter(
        message_id=message_id, outcome__in=[Outcome.TICKET, Outcome.REPLY]).exists()


def _title_of(letter: Letter) -> str:
    title = letter.subject or next((line.strip() for line in letter.text.splitlines() if line.strip()), "")
    title = title or ", ".join(a.name for a in letter.attachments)
    return title[: TITLE_MAX - 1] + "…" if len(title) > TITLE_MAX else title


def _open_ticket(*, user: User, letter: Letter, record: dict[str, Any]) -> InboundMail:
    description = letter.text
    if len(description) > DESCRIPTION_MAX:
        description = description[: DESCRIPTION_MAX - 1] + "…"
    try:
        with transaction.atomic():
            row = InboundMail.objects.create(outcome=Outcome.TICKET, **record)  # the Message-ID's claim
            ticket = ticket_create(requestor=user, title=_title_of(letter), description=description, submit=True)
            _, refused = _attach(user=user, ticket_id=ticket.id, attachments=letter.attachments)
            row.ticket_id, row.refused_attachments = ticket.id, refused
            row.save(update_fields=["ticket_id", "refused_attachments", "updated_at"])
    except DomainError as exc:
        raise Refusal(f"554 5.6.0 The ticket could not be opened: {_one_line(exc.detail)}",
                      f"ticket refused: {exc.code}: {exc.detail}") from None
    return row


def _post_reply(*, user: User, ticket_id: Any, letter: Letter, record: dict[str, Any]) -> InboundMail:
    text = letter.reply_text
    if not text and not letter.attachments:
        raise Refusal("554 5.6.0 The reply has no new text", "unreadable: the reply has no new text")
    record["ticket_id"] = ticket_id
    try:
        with transaction.atomic():
            row = InboundMail.objects.create(outcome=Outcome.REPLY, **record)  # the Message-ID's claim
            access = room_enter(user=user, ticket_id=ticket_id)
            access.ensure_may_post()
            accepted, refused = _attach(user=user, ticket_id=ticket_id, attachments=letter.attachments)
            body = text or ", ".join(a.name for a in letter.attachments)
            limit = settings.HDMS_MESSAGE_MAX_LENGTH
            body = html.escape(body if len(body) <= limit else body[: limit - 200] + "…", quote=False)
            message, _ = message_create(author=user, access=access, body=body, attachment_ids=accepted)
            row.chat_message_id, row.refused_attachments = message.id, refused
            row.save(update_fields=["chat_message_id", "refused_attachments", "updated_at"])
    except NotFound:
        raise Refusal("550 5.7.1 The sender cannot see this ticket", "reply refused: sender cannot see the ticket"
                      ) from None
    except (Forbidden, InvalidTransition) as exc:  # an admin observing; a finished ticket's closed chat
        raise Refusal(f"550 5.7.1 {_one_line(exc.detail)}", f"reply refused: {exc.detail}") from None
    except DomainError as exc:
        raise Refusal(f"554 5.6.0 The reply could not be posted: {_one_line(exc.detail)}",
                      f"reply refused: {exc.code}: {exc.detail}") from None
    return row


def _attach(*, user: User, ticket_id: Any, attachments: list[MailAttachment]) -> tuple[list[str], list[dict]]:
    """Each attachment through the file service's upload, as the web app's would go; one it refuses
    (too big, a forbidden type, the ticket's total) is left out and noted, the mail's text is kept.
    The file service logs and audits each refusal (``attachment.refused``)."""
    accepted: list[str] = []
    refused: list[dict] = []
    for index, item in enumerate(attachments):
        if index >= settings.HDMS_MESSAGE_MAX_ATTACHMENTS:
            refused.append({"name": item.name[:200], "code": "too_many", "detail": "too many attachments"})
            continue

        def receive(max_bytes: int, detail: str, item: MailAttachment = item) -> Any:
            return receive_bytes(data=item.data, name=item.name, content_type=item.content_type,
                                 max_bytes=max_bytes, too_large_detail=detail)

        try:
            accepted.append(str(attachment_upload(user=user, ticket_id=ticket_id, receive=receive).id))
        except DomainError as exc:
            refused.append({"name": item.name[:200], "code": exc.code, "detail": exc.detail[:300]})
    return accepted, refused


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:200]


def _record(outcome: str, *, reason: str, **record: Any) -> None:
    InboundMail.objects.create(outcome=outcome, reason=reason[:300], **record)
    _log(outcome, reason, **record)


def _log(outcome: str, reason: str, **record: Any) -> None:
    user = record.pop("user", None)
    level = logging.INFO if outcome in (Outcome.TICKET, Outcome.REPLY) else logging.WARNING
    logger.log(level, "mail in %s%s", outcome, f": {reason}" if reason else "",
               extra={"event": f"mail_in.{outcome}", "reason": reason, "user_id": str(user.id) if user else None,
                      **{f"mail_{k}": str(v) for k, v in record.items()}})
