"""The SMTP listener of email in (DESIGN §11): aiosmtpd, thin. RCPT refuses addresses that are not
the desk's (550) and a second recipient in one transaction (452: the relay sends it again on its
own); DATA hands the mail to ``mail_in.mail_in_deliver`` in a worker thread (the ORM is
synchronous) and answers what it decides. Mail above ``HDMS_MAIL_IN_MAX_BYTES`` is refused by
aiosmtpd itself (552) before it is read. ``manage.py mail_in`` runs it as its own process."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connections

from hdms.communication.mail_in import mail_in_deliver, recipient_refusal

logger = logging.getLogger("hdms.communication.mail_in")


def _deliver(*, return_path: str, recipient: str, content: bytes) -> str:
    close_old_connections()
    try:
        return mail_in_deliver(return_path=return_path, recipient=recipient, content=content)
    except Exception:
        logger.exception("mail in failed", extra={"event": "mail_in.error", "mail_recipient": recipient})
        return "451 4.3.0 Temporary failure; try again later"
    finally:
        # This thread's connection: closed after each mail (the listener is idle most of the time).
        connections.close_all()


class DeskHandler:
    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        refusal = recipient_refusal(address)
        if refusal:
            logger.warning("mail in refused recipient", extra={
                "event": "mail_in.refused", "reason": "unknown recipient", "mail_recipient": address[:254]})
            return refusal
        if envelope.rcpt_tos:
            return "452 4.5.3 One recipient per message"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content
        if not isinstance(content, bytes):
            content = str(content or "").encode("utf-8", "surrogateescape")
        return await sync_to_async(_deliver, thread_sensitive=False)(
            return_path=envelope.mail_from or "", recipient=envelope.rcpt_tos[0], content=content)


def smtp_factory(*, hostname: str | None = None) -> SMTP:
    return SMTP(DeskHandler(), data_size_limit=settings.HDMS_MAIL_IN_MAX_BYTES, enable_SMTPUTF8=True,
                decode_data=False, hostname=hostname, ident="HDMS mail in")


async def serve(*, host: str, port: int, ready: Any = None) -> None:
    """Listen until cancelled; ``ready(port)`` is called once the socket listens."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(smtp_factory, host=host, port=port)
    bound = server.sockets[0].getsockname()[1]
    logger.info("mail in listening on %s:%s", host, bound, extra={"event": "mail_in.listening"})
    if ready is not None:
        ready(bound)
    async with server:
        await server.serve_forever()
