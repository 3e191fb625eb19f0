"""Every write of the file service: receive, scan, release, convert, download (DESIGN §6).

Life of an attachment::

    upload -> quarantine (pending) -> scan task (scanning)
        -> infected: bytes deleted at once, uploader notified, audit entry
        -> clean: copied to the attachments storage, quarantine copy deleted, then converted
        -> clamd unreachable / no verdict: back to pending in quarantine, retried with backoff
        -> no scanner configured (embedded mode only): released as ``unscanned``, said plainly

Nobody can download anything that is not ``clean`` or ``unscanned``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from hdms.audit.services import audit_record
from hdms.communication.selectors import message_in_room
from hdms.core.errors import DomainError, FileTooLarge, Forbidden, InvalidTransition, NotFound, ValidationFailed
from hdms.core.events import publish_on_commit
from hdms.core.notification_kinds import NotificationKind
from hdms.core.outbox import outbox_task
from hdms.files import convert
from hdms.files.detect import clean_original_name, detect_kind
from hdms.files.models import (
    IMAGE_KINDS,
    VIDEO_KINDS,
    Attachment,
    AttachmentStatus,
    AttachmentVariant,
    VariantKind,
    VariantStatus,
)
from hdms.files.scanner import ScannerUnavailable, configured_scanner
from hdms.files.schemas import UUID_PATTERN
from hdms.files.selectors import (
    attachment_get_visible,
    attachment_payload,
    is_downloadable,
    ticket_bytes_remaining,
    ticket_bytes_used,
)
from hdms.files.storage import discard, local_copy, quarantine_dir, quarantine_path, storage_key, store_from_path
from hdms.files.uploads import ReceivedUpload
from hdms.tickets.selectors import TERMINAL_STATUSES, attach_refusal, ticket_get_visible

if TYPE_CHECKING:
    from hdms.tickets.models import Ticket
    from hdms.users.models import User

logger = logging.getLogger("hdms.files")

_MB = 1024 * 1024
_UUID_RE = re.compile(UUID_PATTERN)

Receiver = Callable[[int, str], ReceivedUpload]


def _mb(value: int) -> str:
    return f"{value / _MB:.1f} MB"


# ---------------------------------------------------------------- upload

def _upload_budget(*, ticket_id: Any) -> tuple[int, str]:
    """How many bytes this upload may have, and the sentence that explains the limit."""
    per_file = int(settings.FILES_MAX_FILE_BYTES)
    per_ticket = int(settings.FILES_MAX_TICKET_BYTES)
    remaining = ticket_bytes_remaining(ticket_id=ticket_id)
    ticket_detail = (
        f"The attachments of one ticket may total at most {_mb(per_ticket)}; "
        f"this ticket already holds {_mb(per_ticket - remaining)}."
    )
    if remaining <= 0:
        raise FileTooLarge(ticket_detail, limit_bytes=per_ticket, used_bytes=per_ticket - remaining)
    if remaining < per_file:
        return remaining, ticket_detail
    return per_file, f"A file may be at most {_mb(per_file)}."


def _lock_ticket_files(ticket_id: UUID) -> None:
    """Serialise uploads to one ticket so two at once cannot both fit under the total."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"files:{ticket_id}"])
    # SQLite (embedded mode) runs write transactions one at a time already.


def _refuse_unknown_fields(fields: dict[str, str]) -> None:
    unknown = sorted(set(fields) - {"message_id"})
    if unknown:
        raise ValidationFailed(
            "Only the fields `file` and `message_id` are accepted.",
            errors=[{"loc": ["body", name[:64]], "msg": "unknown field"} for name in unknown[:10]],
        )


def _parse_message_id(raw: str) -> UUID | None:
    raw = raw or ""
    if raw in ("", "null"):
        return None
    try:
        if not _UUID_RE.match(raw):
            raise ValueError(raw)
        return UUID(raw)
    except ValueError:
        raise ValidationFailed(
            "message_id must be a UUID.", errors=[{"loc": ["body", "message_id"], "msg": "not a UUID"}]
        ) from None


def _check_message_belongs(*, ticket: Ticket, message_id: UUID | None) -> None:
    """An upload may name a message of its own ticket's conversation only."""
    if message_id is None:
        return
    if not message_in_room(room_id=ticket.parent_id or ticket.id, message_id=message_id):
        raise ValidationFailed("message_id must name a message of this ticket.",
                               errors=[{"loc": ["body", "message_id"], "msg": "not a message of this ticket"}])


def _record_refusal(*, user: User, ticket_id: Any, upload: ReceivedUpload | None, exc: DomainError) -> None:
    details = {
        "ticket_id": str(ticket_id),
        "code": exc.code,
        "detail": exc.detail,
        "name": clean_original_name(upload.client_name) if upload else None,
        "size": upload.size if upload else None,
        "sha256": upload.sha256 if upload else None,
        "declared_type": upload.declared_content_type if upload else None,
        "detected_type": exc.extra.get("detected_type"),
    }
    logger.warning("upload refused: %s", exc.detail,
                   extra={"event": "attachment.refused", **{f"file_{k}": v for k, v in details.items()}})
    # The audit entry says what a person may read, in their language, from the code (DESIGN §9); the
    # English detail and the declared and detected MIME types stay in the log line above.
    audit_record(action="attachment.refused", actor=user, object_type="ticket", object_id=ticket_id,
                 after={k: details[k] for k in ("ticket_id", "code", "name", "size", "sha256")})


def attachment_upload(*, user: User, ticket_id: Any, receive: Receiver) -> Attachment:
    """Take one upload for a ticket the user can see: stream it into quarantine (``receive``
    gets the byte limit and its explanation), check it, record it and queue its scan.

    Refusals (413 size, 415 type, 422 form) leave no file behind and are audited.
    """
    logger.info("upload attempt", extra={"event": "attachment.attempt", "ticket_id": str(ticket_id)})
    ticket = ticket_get_visible(user=user, ticket_id=ticket_id)

    upload: ReceivedUpload | None = None
    try:
        try:
            refusal = attach_refusal(user=user, ticket=ticket)
            if refusal:
                raise Forbidden(refusal)
            if getattr(ticket, "status", "") in TERMINAL_STATUSES:  # finished tickets take no new files
                raise InvalidTransition(f"Files cannot be added to a {ticket.status} ticket.")
            max_bytes, limit_detail = _upload_budget(ticket_id=ticket.id)
            upload = receive(max_bytes, limit_detail)
            _refuse_unknown_fields(upload.fields)
            message_id = _parse_message_id(upload.fields.get("message_id", ""))
            _check_message_belongs(ticket=ticket, message_id=message_id)
            name = clean_original_name(upload.client_name)
            kind, content_type = detect_kind(path=upload.path, name=name)
            with transaction.atomic():
                _lock_ticket_files(ticket.id)
                used = ticket_bytes_used(ticket_id=ticket.id)
                if used + upload.size > settings.FILES_MAX_TICKET_BYTES:
                    raise FileTooLarge(
                        f"The attachments of one ticket may total at most {_mb(settings.FILES_MAX_TICKET_BYTES)}; "
                        f"this ticket already holds {_mb(used)}.",
                        limit_bytes=settings.FILES_MAX_TICKET_BYTES, used_bytes=used,
                    )
                attachment = Attachment.objects.create(
                    ticket_id=ticket.id,
                    room_id=getattr(ticket, "parent_id", None) or ticket.id,
                    message_id=message_id,
                    uploader=user,
                    original_name=name,
                    stored_name=upload.stored_name,
                    size=upload.size,
                    kind=kind,
                    content_type=content_type,
                    declared_content_type=upload.declared_content_type,
                    sha256=upload.sha256,
                )
                audit_record(
                    action="attachment.uploaded", actor=user, object_type="attachment", object_id=attachment.id,
                    after={"ticket_id": str(ticket.id), "name": name, "size": upload.size, "kind": kind,
                           "sha256": upload.sha256},
                )
                _enqueue_scan(str(attachment.id))
        except DomainError as exc:
            if upload is not None:
                upload.discard()
            _record_refusal(user=user, ticket_id=ticket.id, upload=upload, exc=exc)
            raise
    except BaseException:
        if upload is not None:
            upload.discard()
        raise
    logger.info("upload accepted", extra={"event": "attachment.uploaded", "attachment_id": str(attachment.id),
                                          "ticket_id": str(ticket.id), "size": attachment.size, "kind": kind})
    return attachment


def _enqueue_scan(attachment_id: str) -> None:
    """In the upload's transaction, through the outbox: the scan is queued even if Redis is down."""
    outbox_task("files.scan_attachment", args=[attachment_id], queue="high")


# ---------------------------------------------------------------- scan

def attachment_scan(*, attachment_id: Any) -> str:
    """Scan one quarantined attachment; returns its status afterwards. Idempotent: a released,
    infected or failed attachment is left alone. Raises ``ScannerUnavailable`` (the caller retries)
    when clamd cannot give a verdict; the file then stays in quarantine as ``pending``."""
    lease_expired = timezone.now() - timedelta(seconds=settings.FILES_SCAN_LEASE_SECONDS)
    with transaction.atomic():
        attachment = Attachment.objects.select_for_update().filter(id=attachment_id).first()
        if attachment is None:
            return "missing"
        if attachment.status == AttachmentStatus.SCANNING and attachment.updated_at > lease_expired:
            return attachment.status  # another worker is on it; if it died, the lease runs out
        if attachment.status not in (AttachmentStatus.PENDING, AttachmentStatus.SCANNING):
            return attachment.status
        attachment.status = AttachmentStatus.SCANNING
        attachment.scan_attempts = F("scan_attempts") + 1
        attachment.version = F("version") + 1
        attachment.save(update_fields=["status", "scan_attempts", "version", "updated_at"])
    attachment.refresh_from_db()

    path = quarantine_path(attachment.stored_name)
    if not path.exists():
        _mark_failed(attachment, "The quarantined file is missing.")
        return AttachmentStatus.FAILED

    scanner = configured_scanner()
    if scanner is None:
        logger.warning("no antivirus configured; releasing unscanned",
                       extra={"event": "attachment.unscanned", "attachment_id": str(attachment.id)})
        _release(attachment, status=AttachmentStatus.UNSCANNED, scan_result="")
        return AttachmentStatus.UNSCANNED

    try:
        verdict = scanner.scan_file(path)
    except ScannerUnavailable as exc:
        Attachment.objects.filter(id=attachment.id).update(
            status=AttachmentStatus.PENDING, scan_error=str(exc)[:255], version=F("version") + 1,
            updated_at=timezone.now(),
        )
        logger.warning("scan postponed: %s", exc, extra={"event": "attachment.scan_unavailable",
                                                         "attachment_id": str(attachment.id)})
        raise
    if verdict.infected:
        _destroy_infected(attachment, signature=verdict.signature, raw=verdict.raw)
        return AttachmentStatus.INFECTED
    _release(attachment, status=AttachmentStatus.CLEAN, scan_result=verdict.raw)
    return AttachmentStatus.CLEAN


def _mark_failed(attachment: Attachment, reason: str) -> None:
    with transaction.atomic():
        Attachment.objects.filter(id=attachment.id).update(
            status=AttachmentStatus.FAILED, scan_error=reason[:255], version=F("version") + 1,
            updated_at=timezone.now(),
        )
        audit_record(action="attachment.scan_failed", object_type="attachment", object_id=attachment.id,
                     after={"ticket_id": str(attachment.ticket_id)}, reason=reason)
    logger.error("scan failed: %s", reason, extra={"event": "attachment.scan_failed",
                                                    "attachment_id": str(attachment.id)})


def _destroy_infected(attachment: Attachment, *, signature: str, raw: str) -> None:
    discard(quarantine_path(attachment.stored_name))  # first, before anything else can fail
    now = timezone.now()
    with transaction.atomic():
        Attachment.objects.filter(id=attachment.id).update(
            status=AttachmentStatus.INFECTED, scan_result=raw[:255], scan_error="", scanned_at=now,
            deleted_file_at=now, version=F("version") + 1, updated_at=now,
        )
        audit_record(
            action="attachment.infected", object_type="attachment", object_id=attachment.id,
            after={"ticket_id": str(attachment.ticket_id), "name": attachment.original_name,
                   "sha256": attachment.sha256, "signature": signature, "uploader_id": str(attachment.uploader_id)},
            reason=f"clamd: {signature}",
        )
        publish_on_commit(
            "notification.requested",
            user_ids=[str(attachment.uploader_id)],
            kind=NotificationKind.ATTACHMENT_INFECTED,
            title="Your file was refused: a virus was found",
            body=(f"“{attachment.original_name}” contains a virus ({signature}). It was deleted and nobody "
                  "can download it. Check your computer with an antivirus program."),
            ticket_id=str(attachment.ticket_id),
            urgent=False,
            actor_id=None,
        )
    logger.warning("infected upload deleted", extra={"event": "attachment.infected",
                                                      "attachment_id": str(attachment.id), "signature": signature})


def _planned_variants(kind: str) -> list[tuple[str, str]]:
    if kind in IMAGE_KINDS:
        return [(VariantKind.WEBP, "image/webp"), (VariantKind.THUMBNAIL, "image/webp")]
    if kind in VIDEO_KINDS:
        return [(VariantKind.MP4, "video/mp4"), (VariantKind.THUMBNAIL, "image/webp")]
    return []


def _release(attachment: Attachment, *, status: str, scan_result: str) -> None:
    """Move the bytes from quarantine to the attachments storage and open them for download."""
    source = quarantine_path(attachment.stored_name)
    store_from_path(source=source, key=storage_key(attachment.stored_name))
    now = timezone.now()
    with transaction.atomic():
        Attachment.objects.filter(id=attachment.id).update(
            status=status, scan_result=scan_result[:255], scan_error="",
            scanned_at=now if status == AttachmentStatus.CLEAN else None,
            released_at=now, version=F("version") + 1, updated_at=now,
        )
        for variant_kind, content_type in _planned_variants(attachment.kind):
            AttachmentVariant.objects.get_or_create(
                attachment_id=attachment.id, kind=variant_kind, defaults={"content_type": content_type}
            )
        attachment_id = str(attachment.id)
        kind = attachment.kind
        transaction.on_commit(lambda: discard(source))
        _enqueue_conversion(attachment_id, kind)
        _publish_ready(attachment_id)
    logger.info("attachment released", extra={"event": f"attachment.{status}", "attachment_id": attachment_id,
                                               "scan_result": scan_result})


def _enqueue_conversion(attachment_id: str, kind: str) -> None:
    if kind in IMAGE_KINDS:
        outbox_task("files.convert_image", args=[attachment_id], queue="default")
    elif kind in VIDEO_KINDS:
        outbox_task("files.transcode_video", args=[attachment_id], queue="low")


def _publish_ready(attachment_id: str) -> None:
    """``attachment.ready`` to the ticket's room: once when the file is released, again when its
    converted versions are done (clients update the attachment by id)."""
    attachment = Attachment.objects.prefetch_related("variants").get(id=attachment_id)
    publish_on_commit("attachment.ready", room_id=str(attachment.room_id), attachment=attachment_payload(attachment))


# ---------------------------------------------------------------- conversion

# The stored file name ending of each variant, looked up with the stored kind (a plain str).
VARIANT_SUFFIX: dict[str, str] = {
    VariantKind.WEBP: ".webp", VariantKind.THUMBNAIL: ".thumb.webp", VariantKind.MP4: ".mp4",
}


def _variant_key(attachment: Attachment, variant_kind: str) -> str:
    return storage_key(attachment.stored_name, VARIANT_SUFFIX[variant_kind])


def _make_variant(attachment: Attachment, variant_kind: str, make: Callable[[Path], Any]) -> str | None:
    """Run ``make(target_path)``, store the result, record it; a failure marks only this variant
    and is returned (the reason), so the caller can tell the uploader."""
    variant = AttachmentVariant.objects.filter(attachment_id=attachment.id, kind=variant_kind).first()
    if variant is None or variant.status == VariantStatus.READY:
        return None
    target = quarantine_dir() / f"{attachment.stored_name}.{variant_kind}.tmp"
    try:
        made = make(target)
        key = store_from_path(source=target, key=_variant_key(attachment, variant_kind))
        AttachmentVariant.objects.filter(id=variant.id).update(
            status=VariantStatus.READY, stored_name=key, size=target.stat().st_size,
            width=getattr(made, "width", None), height=getattr(made, "height", None), error="",
            version=F("version") + 1, updated_at=timezone.now(),
        )
        logger.info("variant made", extra={"event": "attachment.variant_ready", "attachment_id": str(attachment.id),
                                           "variant": variant_kind})
    except convert.ConversionFailed as exc:
        AttachmentVariant.objects.filter(id=variant.id).update(
            status=VariantStatus.FAILED, error=str(exc)[:255], version=F("version") + 1, updated_at=timezone.now(),
        )
        logger.warning("variant failed: %s", exc, extra={"event": "attachment.variant_failed",
                                                          "attachment_id": str(attachment.id), "variant": variant_kind})
        return str(exc)
    finally:
        discard(target)
    return None


def _tell_uploader_conversion_failed(attachment: Attachment, reason: str) -> None:
    """A file that could not be converted (a bomb past the upload checks, a decoder that gave up)
    keeps its original; the uploader hears why it shows no preview."""
    what = "video" if attachment.kind in VIDEO_KINDS else "image"
    publish_on_commit(
        "notification.requested",
        user_ids=[str(attachment.uploader_id)],
        kind=NotificationKind.ATTACHMENT_CONVERSION_FAILED,
        title=f"Your {what} could not be converted",
        body=(f"“{attachment.original_name}” could not be converted for viewing in the browser ({reason[:200]}). "
              "The file itself is kept and can be downloaded."),
        ticket_id=str(attachment.ticket_id),
        urgent=False,
        actor_id=None,
    )


def _released_or_none(attachment_id: Any) -> Attachment | None:
    attachment = Attachment.objects.filter(id=attachment_id).first()
    if attachment is None or not is_downloadable(attachment):
        return None
    return attachment


def attachment_convert_image(*, attachment_id: Any) -> None:
    """WebP and thumbnail of a released JPG, PNG or GIF (the original is kept)."""
    attachment = _released_or_none(attachment_id)
    if attachment is None or attachment.kind not in IMAGE_KINDS:
        return
    with local_copy(storage_key(attachment.stored_name)) as source:
        failed = _make_variant(attachment, VariantKind.WEBP, lambda t: convert.make_webp(source=source, target=t))
        failed = _make_variant(attachment, VariantKind.THUMBNAIL,
                               lambda t: convert.make_thumbnail(source=source, target=t)) or failed
    with transaction.atomic():
        _publish_ready(str(attachment.id))
        if failed:
            _tell_uploader_conversion_failed(attachment, failed)


def attachment_transcode_video(*, attachment_id: Any) -> None:
    """H.264 MP4 and a thumbnail of a released video (the original is kept)."""
    attachment = _released_or_none(attachment_id)
    if attachment is None or attachment.kind not in VIDEO_KINDS:
        return
    kind = attachment.kind
    with local_copy(storage_key(attachment.stored_name)) as source:
        failed = _make_variant(attachment, VariantKind.MP4,
                               lambda t: convert.transcode_mp4(source=source, target=t, kind=kind))
        failed = _make_variant(attachment, VariantKind.THUMBNAIL,
                               lambda t: convert.video_thumbnail(source=source, target=t, kind=kind)) or failed
    with transaction.atomic():
        _publish_ready(str(attachment.id))
        if failed:
            _tell_uploader_conversion_failed(attachment, failed)


# ---------------------------------------------------------------- download

@dataclass(frozen=True)
class DownloadTarget:
    attachment: Attachment
    key: str  # the storage key of the bytes to send
    filename: str  # offered to the browser
    content_type: str
    variant: str  # "original" or a variant kind


def _variant_filename(original: str, suffix: str) -> str:
    stem = original.rsplit(".", 1)[0] if "." in original else original
    return f"{stem}{suffix}"


def attachment_download(*, user: User, attachment_id: Any, variant: str = "original", first_range: bool = True
                        ) -> DownloadTarget:
    """What to send for a download by ``user``: 404 unless they can see the ticket, 409
    ``invalid_transition`` unless the file is ``clean`` (or ``unscanned`` without a scanner).
    Each download is audited (a video player's follow-up range requests only logged)."""
    attachment = attachment_get_visible(user=user, attachment_id=attachment_id)
    if not is_downloadable(attachment):
        logger.warning("download refused: %s", attachment.status,
                       extra={"event": "attachment.download_refused", "attachment_id": str(attachment.id)})
        refusals: dict[str, str] = {
            AttachmentStatus.INFECTED: "This file contained a virus and was deleted; it cannot be downloaded.",
            AttachmentStatus.FAILED: "This file could not be scanned for viruses; it cannot be downloaded.",
        }
        detail = refusals.get(attachment.status,
                              "This file has not been scanned for viruses yet; try again in a moment.")
        raise InvalidTransition(detail, attachment_status=attachment.status)

    if variant == "original":
        target = DownloadTarget(attachment, storage_key(attachment.stored_name), attachment.original_name,
                                attachment.content_type, "original")
    else:
        record = next((v for v in attachment.variants.all() if v.kind == variant), None)
        if record is None or record.status == VariantStatus.FAILED:
            raise NotFound(f"This attachment has no {variant} version.")
        if record.status != VariantStatus.READY:
            raise InvalidTransition(f"The {variant} version is still being prepared.", variant_status=record.status)
        target = DownloadTarget(attachment, record.stored_name,
                                _variant_filename(attachment.original_name, VARIANT_SUFFIX[variant]),
                                record.content_type, variant)

    logger.info("download", extra={"event": "attachment.downloaded", "attachment_id": str(attachment.id),
                                   "variant": variant})
    if first_range:
        audit_record(action="attachment.downloaded", actor=user, object_type="attachment", object_id=attachment.id,
                     after={"ticket_id": str(attachment.ticket_id), "variant": variant, "status": attachment.status})
    return target


# ---------------------------------------------------------------- housekeeping

def attachment_requeue_stale(*, older_than_seconds: int = 900) -> int:
    """Queue the scan again for attachments left waiting (a worker died, clamd was down longer
    than the retries lasted). Returns how many were queued."""
    now = timezone.now()
    waiting = Q(status=AttachmentStatus.PENDING, updated_at__lt=now - timedelta(seconds=older_than_seconds))
    stuck = Q(status=AttachmentStatus.SCANNING,
              updated_at__lt=now - timedelta(seconds=settings.FILES_SCAN_LEASE_SECONDS))
    ids = list(Attachment.objects.filter(waiting | stuck).values_list("id", flat=True)[:500])
    for attachment_id in ids:
        _enqueue_scan(str(attachment_id))
    return len(ids)


def quarantine_sweep(*, older_than_seconds: int = 86400) -> int:
    """Delete what a crashed process or a rolled-back transaction left in quarantine: partial
    uploads, and complete ones no attachment row points at. Returns how many were removed."""
    cutoff = timezone.now().timestamp() - older_than_seconds
    old = []
    for path in [*quarantine_dir().glob("*.part"), *quarantine_dir().glob("*.q")]:
        try:
            if path.stat().st_mtime < cutoff:
                old.append(path)
        except FileNotFoundError:
            continue
    names = {path.name.split(".", 1)[0] for path in old if path.suffix == ".q"}
    kept = set(Attachment.all_objects.filter(stored_name__in=names).values_list("stored_name", flat=True))
    removed = 0
    for path in old:
        if path.suffix == ".q" and path.name.split(".", 1)[0] in kept:
            continue
        discard(path)
        removed += 1
    return removed
