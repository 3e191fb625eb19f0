"""Attachments on tickets and chat messages, and their converted versions (DESIGN §6).

The bytes never live under their original name: an upload is written to the quarantine folder
as ``<stored_name>.q`` and, once the scan finds it clean (or no scanner is configured), moved to
the attachments storage as ``attachments/<stored_name>``. ``original_name`` is metadata only.

``ticket_id`` and ``message_id`` are plain UUID columns, not foreign keys: the file service
reaches tickets and messages only through their services' selectors.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hdms.core.models import BaseModel


class AttachmentStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the antivirus scan"
    SCANNING = "scanning", "Being scanned"
    CLEAN = "clean", "Scanned, clean"
    INFECTED = "infected", "Infected, deleted"
    UNSCANNED = "unscanned", "Not scanned (no antivirus configured)"
    FAILED = "failed", "Could not be scanned"


# Statuses whose bytes may be downloaded.
DOWNLOADABLE_STATUSES = (AttachmentStatus.CLEAN, AttachmentStatus.UNSCANNED)
# Statuses whose size counts toward the ticket's total (everything still holding bytes).
COUNTED_STATUSES = (
    AttachmentStatus.PENDING, AttachmentStatus.SCANNING, AttachmentStatus.CLEAN, AttachmentStatus.UNSCANNED,
)


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    TXT = "txt", "Text"
    DOCX = "docx", "Word document"
    XLSX = "xlsx", "Excel workbook"
    JPG = "jpg", "JPEG image"
    PNG = "png", "PNG image"
    GIF = "gif", "GIF image"
    MP4 = "mp4", "MP4 video"
    MOV = "mov", "QuickTime video"
    MKV = "mkv", "Matroska video"
    AVI = "avi", "AVI video"


IMAGE_KINDS = (FileKind.JPG, FileKind.PNG, FileKind.GIF)
VIDEO_KINDS = (FileKind.MP4, FileKind.MOV, FileKind.MKV, FileKind.AVI)


class Attachment(BaseModel):
    ticket_id = models.UUIDField(db_index=True)
    # The chat room the ticket belongs to (the parent's id for a sub-ticket), for attachment.ready.
    room_id = models.UUIDField()
    message_id = models.UUIDField(null=True, blank=True, db_index=True)
    uploader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=64, unique=True)  # a random UUID hex, no extension
    size = models.BigIntegerField()
    kind = models.CharField(max_length=8, choices=FileKind.choices)
    content_type = models.CharField(max_length=128)  # detected from the content, not the client's claim
    declared_content_type = models.CharField(max_length=128, blank=True)  # what the client said, for the log
    sha256 = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        max_length=12, choices=AttachmentStatus.choices, default=AttachmentStatus.PENDING, db_index=True
    )
    scan_result = models.CharField(max_length=255, blank=True)  # clamd's verdict, e.g. "OK" or a signature
    scan_attempts = models.PositiveSmallIntegerField(default=0)
    scan_error = models.CharField(max_length=255, blank=True)  # the last reason a scan could not run
    scanned_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)  # moved from quarantine to storage
    deleted_file_at = models.DateTimeField(null=True, blank=True)  # bytes destroyed (infected)

    class Meta:
        ordering = ("created_at", "id")
        indexes = [
            models.Index(fields=["ticket_id", "created_at"], name="attachment_ticket_created"),
            models.Index(
                fields=["status", "created_at"], name="attachment_waiting",
                condition=Q(status__in=["pending", "scanning"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"


class VariantKind(models.TextChoices):
    WEBP = "webp", "WebP image"
    THUMBNAIL = "thumbnail", "Thumbnail (WebP)"
    MP4 = "mp4", "H.264 MP4 video"


class VariantStatus(models.TextChoices):
    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be produced"


class AttachmentVariant(BaseModel):
    """A version made by the server from a released attachment (the original is kept)."""

    attachment = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="variants")
    kind = models.CharField(max_length=12, choices=VariantKind.choices)
    status = models.CharField(max_length=8, choices=VariantStatus.choices, default=VariantStatus.PENDING)
    stored_name = models.CharField(max_length=80, blank=True)
    content_type = models.CharField(max_length=64)
    size = models.BigIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ("kind",)
        constraints = [models.UniqueConstraint(fields=["attachment", "kind"], name="attachment_variant_unique")]

    def __str__(self) -> str:
        return f"{self.attachment_id} {self.kind} ({self.status})"
