from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from hdms.core.pagination import MAX_PAGE_SIZE
from hdms.files.models import AttachmentStatus, VariantStatus


class AttachmentVariantOut(Schema):
    kind: str = Field(description="webp | thumbnail | mp4")
    status: VariantStatus
    content_type: str
    size: int | None
    width: int | None
    height: int | None
    download_url: str | None


class AttachmentOut(Schema):
    id: UUID
    ticket_id: UUID
    message_id: UUID | None
    uploader_id: UUID
    original_name: str
    size: int
    kind: str = Field(description="pdf | txt | docx | xlsx | jpg | png | gif | mp4 | mov | mkv | avi")
    content_type: str = Field(description="detected from the content, not the name")
    sha256: str
    status: AttachmentStatus
    scanned: bool = Field(description="false until the antivirus has checked it; false for `unscanned`")
    scan_note: str = Field(description="what the status means, in plain words for the UI")
    downloadable: bool
    download_url: str | None
    variants: list[AttachmentVariantOut]
    scanned_at: datetime | None
    created_at: datetime
    updated_at: datetime


class AttachmentPage(Schema):
    items: list[AttachmentOut]
    count: int
    next: str | None


class AttachmentListParams(Schema):
    message_id: UUID | None = None
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)


class DownloadParams(Schema):
    variant: Literal["original", "webp", "thumbnail", "mp4"] = "original"


# A UUID, or empty / "null" for "no message" (what a browser's FormData sends for a null value).
UUID_PATTERN = "^(null|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$"

# The multipart body of POST tickets/{ticket_id}/attachments, for the OpenAPI schema only: the
# handler streams it itself (see hdms.files.uploads), so Ninja must not parse it first.
UPLOAD_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "additionalProperties": False,
                    "properties": {
                        "file": {"type": "string", "format": "binary",
                                 "description": "PDF, TXT, DOCX, XLSX, JPG, PNG, GIF, MP4, MOV, MKV or AVI; "
                                                "500 MB at most, 100 MB in total per ticket"},
                        "message_id": {"type": "string", "format": "uuid", "pattern": UUID_PATTERN,
                                       "description": "the chat message this file belongs to"},
                    },
                }
            }
        },
    }
}

_BINARY = {"*/*": {"schema": {"type": "string", "format": "binary"}}}
DOWNLOAD_OPENAPI = {
    "responses": {
        "200": {"description": "the file, with the type detected from its content", "content": _BINARY},
        "206": {"description": "the requested byte range", "content": _BINARY},
        "416": {"description": "the requested range is outside the file"},
    }
}
