"""Every read of the file service: visibility (through the ticket service), totals, payloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet, Sum

from hdms.core.errors import NotFound
from hdms.files.models import (
    COUNTED_STATUSES,
    DOWNLOADABLE_STATUSES,
    Attachment,
    AttachmentStatus,
    AttachmentVariant,
    VariantStatus,
)
from hdms.tickets.selectors import ticket_get_visible

if TYPE_CHECKING:
    from hdms.tickets.models import Ticket
    from hdms.users.models import User

SCAN_NOTES = {
    AttachmentStatus.PENDING: "Waiting for the antivirus scan; it can be downloaded once it is found clean.",
    AttachmentStatus.SCANNING: "Being scanned for viruses; it can be downloaded once it is found clean.",
    AttachmentStatus.CLEAN: "Scanned for viruses: clean.",
    AttachmentStatus.INFECTED: "A virus was found in this file; it was deleted and cannot be downloaded.",
    AttachmentStatus.UNSCANNED: (
        "Not scanned for viruses: no antivirus scanner is configured on this server. "
        "Open it only if you trust the person who sent it."
    ),
    AttachmentStatus.FAILED: "The antivirus scan could not be completed; the file cannot be downloaded.",
}


def _visible_ticket(*, user: User, ticket_id: Any) -> Ticket:
    return ticket_get_visible(user=user, ticket_id=ticket_id)


def attachment_base_qs() -> QuerySet[Attachment]:
    return Attachment.objects.prefetch_related(
        Prefetch("variants", queryset=AttachmentVariant.objects.order_by("kind"))
    )


def attachment_get_visible(*, user: User, attachment_id: Any) -> Attachment:
    """The attachment if ``user`` can see its ticket; ``NotFound`` otherwise (never 403)."""
    try:
        attachment = attachment_base_qs().filter(id=attachment_id).first()
    except (ValueError, TypeError, DjangoValidationError):
        attachment = None
    if attachment is None:
        raise NotFound("Attachment not found.")
    try:
        _visible_ticket(user=user, ticket_id=attachment.ticket_id)
    except NotFound:
        raise NotFound("Attachment not found.") from None
    return attachment


def attachment_ids_usable_in_room(*, user: User, room_id: Any, attachment_ids: list[str]) -> set[str]:
    """Those of ``attachment_ids`` that belong to the room's ticket (or one of its sub-tickets) and
    whose ticket ``user`` can see: what a message in that room may point to."""
    found = set()
    for attachment in Attachment.objects.filter(id__in=attachment_ids, room_id=room_id):
        try:
            _visible_ticket(user=user, ticket_id=attachment.ticket_id)
        except NotFound:
            continue
        found.add(str(attachment.id))
    return found


def attachment_list(*, user: User, ticket_id: Any, message_id: UUID | None = None) -> QuerySet[Attachment]:
    """A visible ticket's attachments, oldest first; ``NotFound`` if the ticket is not visible."""
    ticket = _visible_ticket(user=user, ticket_id=ticket_id)
    qs = attachment_base_qs().filter(ticket_id=ticket.id).select_related("uploader")
    if message_id is not None:
        qs = qs.filter(message_id=message_id)
    return qs.order_by("created_at", "id")


def ticket_bytes_used(*, ticket_id: Any) -> int:
    """Bytes counting toward the ticket's total: every attachment still holding its file."""
    total = Attachment.objects.filter(ticket_id=ticket_id, status__in=COUNTED_STATUSES).aggregate(s=Sum("size"))["s"]
    return int(total or 0)


def ticket_bytes_remaining(*, ticket_id: Any) -> int:
    return int(settings.FILES_MAX_TICKET_BYTES) - ticket_bytes_used(ticket_id=ticket_id)


def is_downloadable(attachment: Attachment) -> bool:
    return attachment.status in DOWNLOADABLE_STATUSES and attachment.released_at is not None


def download_url(attachment: Attachment, variant: str | None = None) -> str:
    base = f"/api/v1/attachments/{attachment.id}/download"
    return f"{base}?variant={variant}" if variant else base


def attachment_payload(attachment: Attachment) -> dict[str, Any]:
    """The API dict of an attachment (also the ``attachment`` of ``attachment.ready``)."""
    downloadable = is_downloadable(attachment)
    variants = [
        {
            "kind": v.kind,
            "status": v.status,
            "content_type": v.content_type,
            "size": v.size,
            "width": v.width,
            "height": v.height,
            "download_url": download_url(attachment, v.kind) if downloadable and v.status == VariantStatus.READY
            else None,
        }
        for v in attachment.variants.all()
    ]
    return {
        "id": str(attachment.id),
        "ticket_id": str(attachment.ticket_id),
        "message_id": str(attachment.message_id) if attachment.message_id else None,
        "uploader_id": str(attachment.uploader_id),
        "original_name": attachment.original_name,
        "size": attachment.size,
        "kind": attachment.kind,
        "content_type": attachment.content_type,
        "sha256": attachment.sha256,
        "status": attachment.status,
        "scanned": attachment.status in (AttachmentStatus.CLEAN, AttachmentStatus.INFECTED),
        "scan_note": SCAN_NOTES[AttachmentStatus(attachment.status)],
        "downloadable": downloadable,
        "download_url": download_url(attachment) if downloadable else None,
        "variants": variants,
        "scanned_at": attachment.scanned_at.isoformat() if attachment.scanned_at else None,
        "created_at": attachment.created_at.isoformat(),
        "updated_at": attachment.updated_at.isoformat(),
    }
