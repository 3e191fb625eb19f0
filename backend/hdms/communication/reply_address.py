"""The desk's inbound addresses (DESIGN §11, email in).

- The desk address (``HDMS_MAIL_IN_ADDRESS``, e.g. ``helpdesk@idara.example``): mail from a known
  employee opens a ticket.
- A reply address per ticket and reader, ``helpdesk+t-<ticket hex>-<mac>@idara.example``, the
  Reply-To of every notification email about one ticket. ``<mac>`` is an HMAC of the ticket's and
  the reader's ids keyed with the desk's secret key, so a guessed or edited address, or one issued
  to someone else, is refused. 54 characters of local part for ``helpdesk``: within SMTP's 64.

Lower-case hex and base32 only: some mail systems lower-case the local part.
"""

import base64
import hmac
import re
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

_SALT = "hdms.communication.reply_address"
_MAC_BYTES = 10  # 80 bits, 16 base32 characters
_REPLY_RE = re.compile(r"^t-([0-9a-f]{32})-([a-z2-7]{16})$")


def enabled() -> bool:
    """Email in is on when the listener has a port (``HDMS_MAIL_IN_PORT``)."""
    return bool(settings.HDMS_MAIL_IN_PORT)


def desk_address() -> str:
    return (settings.HDMS_MAIL_IN_ADDRESS or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]).lower()


def _split(address: str) -> tuple[str, str]:
    local, _, domain = address.strip().lower().rpartition("@")
    return local, domain


def reply_mac(*, ticket_id: Any, user_id: Any) -> str:
    digest = salted_hmac(_SALT, f"{uuid.UUID(str(ticket_id)).hex}:{uuid.UUID(str(user_id)).hex}").digest()
    return base64.b32encode(digest[:_MAC_BYTES]).decode().lower()


def reply_address(*, ticket_id: Any, user_id: Any) -> str:
    """Where ``user``'s answer to a notification about ``ticket`` goes."""
    local, domain = _split(desk_address())
    ticket_hex = uuid.UUID(str(ticket_id)).hex
    return f"{local}+t-{ticket_hex}-{reply_mac(ticket_id=ticket_id, user_id=user_id)}@{domain}"


@dataclass(frozen=True)
class Recipient:
    """One of the desk's addresses: the desk itself (``ticket_id`` None) or a reply address."""

    ticket_id: uuid.UUID | None = None
    mac: str = ""

    def issued_to(self, user_id: Any) -> bool:
        return self.ticket_id is not None and hmac.compare_digest(
            self.mac, reply_mac(ticket_id=self.ticket_id, user_id=user_id))


def recipient_of(address: str) -> Recipient | None:
    """What ``address`` is to the desk, or None when it is not one of its addresses."""
    desk_local, desk_domain = _split(desk_address())
    local, domain = _split(address)
    if not local or domain != desk_domain:
        return None
    if local == desk_local:
        return Recipient()
    base, plus, tag = local.partition("+")
    match = _REPLY_RE.match(tag) if plus and base == desk_local else None
    if match is None:
        return None
    return Recipient(ticket_id=uuid.UUID(match.group(1)), mac=match.group(2))


def is_desk_address(address: str) -> bool:
    """The desk's own addresses and the address its emails come from (a loop)."""
    address = address.strip().lower()
    return recipient_of(address) is not None or address == parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
