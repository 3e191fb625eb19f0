"""Receiving a multipart upload straight into quarantine, never holding the file in memory.

``receive_upload(request, max_bytes=...)`` replaces the request's upload handlers with one
``QuarantineUploadHandler`` before anything reads the body: every chunk the multipart parser
yields is hashed (SHA-256), counted and written to ``<quarantine>/<uuid>.part``; past
``max_bytes`` the partial file is deleted and the upload refused. Django's own handlers would
first buffer small files in memory and large ones in the system temp folder; this one does
neither. Text fields of the form (``message_id``) stay bounded by DATA_UPLOAD_MAX_MEMORY_SIZE.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from hdms.core.errors import FileTooLarge, ValidationFailed
from hdms.files.storage import discard, partial_path, quarantine_path

FILE_FIELD = "file"
# Multipart framing around the file: boundaries, part headers, a message_id field.
_ENVELOPE_BYTES = 64 * 1024


@dataclass
class ReceivedUpload:
    """A complete upload sitting in quarantine; ``discard()`` removes it."""

    stored_name: str
    path: Path
    client_name: str
    declared_content_type: str
    size: int
    sha256: str
    fields: dict[str, str]

    def discard(self) -> None:
        discard(self.path)


class QuarantineUploadHandler(FileUploadHandler):
    chunk_size = 256 * 1024

    def __init__(self, request: HttpRequest, *, max_bytes: int, too_large_detail: str) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large_detail = too_large_detail
        self.stored_name = ""
        self.path: Path | None = None
        self._fd: int | None = None
        self._sha = hashlib.sha256()
        self.size = 0
        self.received: ReceivedUpload | None = None
        self.client_name = ""
        self.declared_content_type = ""

    def new_file(self, field_name: str, file_name: str, content_type: str, content_length: int | None,
                 charset: str | None = None, content_type_extra: dict | None = None) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset, content_type_extra)
        if field_name != FILE_FIELD or self.path is not None:
            self.abort()
            raise ValidationFailed(
                "Send exactly one file, in the form field `file`.",
                errors=[{"loc": ["body", field_name], "msg": "unexpected file part"}],
            )
        if content_length is not None and content_length > self.max_bytes:
            raise FileTooLarge(self.too_large_detail)
        self.stored_name = uuid4().hex
        self.path = partial_path(self.stored_name)
        # O_EXCL: never reuse or follow anything already at that name; 0600: nobody else reads it.
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        self.client_name = file_name
        self.declared_content_type = (content_type or "")[:128]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self._fd is None:
            return None
        self.size += len(raw_data)
        if self.size > self.max_bytes:
            self.abort()
            raise FileTooLarge(self.too_large_detail)
        self._sha.update(raw_data)
        view = memoryview(raw_data)
        while view:
            written = os.write(self._fd, view)
            view = view[written:]
        return None

    def file_complete(self, file_size: int) -> None:
        if self._fd is None or self.path is None:
            return None
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None
        final = quarantine_path(self.stored_name)
        os.replace(self.path, final)
        self.path = final
        self.received = ReceivedUpload(
            stored_name=self.stored_name, path=final, client_name=self.client_name,
            declared_content_type=self.declared_content_type, size=self.size, sha256=self._sha.hexdigest(),
            fields={},
        )
        # Nothing goes into request.FILES: the caller takes ``received`` from this handler.
        return None

    def upload_interrupted(self) -> None:
        self.abort()

    def abort(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        discard(self.path)
        self.path = None
        self.received = None


def receive_upload(request: HttpRequest, *, max_bytes: int, too_large_detail: str) -> ReceivedUpload:
    """Parse the multipart body into quarantine. On any refusal nothing is left on disk."""
    if not (request.content_type or "").startswith("multipart/form-data"):
        raise ValidationFailed(
            "Send the file as multipart/form-data in the field `file`.",
            errors=[{"loc": ["body", FILE_FIELD], "msg": "multipart/form-data expected"}],
        )
    declared_length = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared_length > max_bytes + _ENVELOPE_BYTES:
        raise FileTooLarge(too_large_detail)
    handler = QuarantineUploadHandler(request, max_bytes=max_bytes, too_large_detail=too_large_detail)
    request.upload_handlers = [handler]
    try:
        fields = request.POST  # drives the parser through the whole body
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent) as exc:
        handler.abort()
        raise ValidationFailed(f"The upload is not a valid multipart form: {exc}") from exc
    except RequestDataTooBig as exc:
        handler.abort()
        raise ValidationFailed("The form fields besides the file are too large.") from exc
    except BaseException:
        handler.abort()
        raise
    received = handler.received
    if received is None:
        handler.abort()
        raise ValidationFailed(
            "No file received: send it in the form field `file`.",
            errors=[{"loc": ["body", FILE_FIELD], "msg": "field required"}],
        )
    received.fields = {key: fields.get(key, "") for key in fields}
    return received


def receive_bytes(
    *, data: bytes, name: str, content_type: str, max_bytes: int, too_large_detail: str,
) -> ReceivedUpload:
    """A file that arrived some other way than a form (a mail's attachment) put into quarantine
    as ``receive_upload`` would: the same limit, checks and SHA-256, for ``attachment_upload``."""
    if len(data) > max_bytes:
        raise FileTooLarge(too_large_detail)
    stored_name = uuid4().hex
    path = partial_path(stored_name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        discard(path)
        raise
    os.close(fd)
    final = quarantine_path(stored_name)
    os.replace(path, final)
    return ReceivedUpload(stored_name=stored_name, path=final, client_name=name,
                          declared_content_type=(content_type or "")[:128], size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), fields={})
