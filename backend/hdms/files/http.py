"""The download response: streamed, single byte ranges (video seeking), safe headers.

Every download is sent as an attachment (never rendered inline) with the original name encoded
per RFC 6266 / RFC 5987 (``filename*=UTF-8''...`` plus an ASCII fallback), the type we detected
(never the client's), its exact length and ``X-Content-Type-Options: nosniff``.
"""

import asyncio
import re
import unicodedata
from collections.abc import AsyncIterator, Iterator
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from hdms.files.services import DownloadTarget
from hdms.files.storage import attachment_storage

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_disposition(filename: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r'[^A-Za-z0-9._ ()-]', "_", ascii_name).strip() or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) of a single satisfiable ``bytes=`` range; None to send the whole file.
    Raises ValueError when the range cannot be satisfied (416)."""
    match = _RANGE.match(header.strip().replace(" ", ""))
    if not match:
        return None  # malformed or several ranges: RFC 9110 lets us ignore it and send everything
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # the last N bytes
        length = int(last_text)
        if length == 0 or size == 0:
            raise ValueError("empty suffix range")
        return max(size - length, 0), size - 1
    first = int(first_text)
    last = min(int(last_text), size - 1) if last_text else size - 1
    if first >= size or first > last:
        raise ValueError("range not satisfiable")
    return first, last


def _read(handle: IO[bytes], first: int, length: int, chunk: int) -> Iterator[bytes]:
    try:
        handle.seek(first)
        remaining = length
        while remaining > 0:
            data = handle.read(min(chunk, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


async def _aread(handle: IO[bytes], first: int, length: int, chunk: int) -> AsyncIterator[bytes]:
    """The same reads for an ASGI server, off the event loop. Django would otherwise collect a
    synchronous iterator into one list before sending it under ASGI: the whole file in memory."""
    try:
        await asyncio.to_thread(handle.seek, first)
        remaining = length
        while remaining > 0:
            data = await asyncio.to_thread(handle.read, min(chunk, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        await asyncio.to_thread(handle.close)


def wants_first_bytes(request: HttpRequest) -> bool:
    """True unless this is a follow-up range request (a player seeking) — those are not audited."""
    match = _RANGE.match(request.headers.get("Range", "").strip())
    return not match or match.group(1) in ("", "0")


def download_response(request: HttpRequest, target: DownloadTarget) -> HttpResponse | StreamingHttpResponse:
    storage = attachment_storage()
    size = storage.size(target.key)
    headers = {
        "Content-Disposition": content_disposition(target.filename),
        "X-Content-Type-Options": "nosniff",
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-store",
        "X-Antivirus-Status": target.attachment.status,
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    try:
        byte_range = parse_range(request.headers.get("Range", ""), size)
    except ValueError:
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    first, last = byte_range if byte_range else (0, size - 1)
    length = last - first + 1 if size else 0
    handle = storage.open(target.key, "rb")
    # Each server kind gets the iterator it can stream without buffering (see _aread).
    reader = _aread if isinstance(request, ASGIRequest) else _read
    response = StreamingHttpResponse(
        reader(handle, first, length, settings.FILES_CHUNK_BYTES),
        status=206 if byte_range else 200,
        content_type=target.content_type,
        headers=headers,
    )
    response["Content-Length"] = str(length)
    if byte_range:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response
