"""Request bodies without a Content-Length (chunked) get the same checks as every other body.

Django's size limit (``DATA_UPLOAD_MAX_MEMORY_SIZE``) and the API's NUL and JSON-object checks
(``hdms.core.middleware.RejectNulMiddleware``) read ``Content-Length``; a chunked request has none,
so it skipped all of them. This ASGI wrapper reads such an API body up to the limit and hands it on
with its real length; past the limit it stops reading and hands on an empty body whose declared
length is over the limit, so the middleware answers 413 without the rest ever being stored.
Multipart uploads are left alone: they stream to quarantine under the files service's own limits.
``ChunkedBodyLimit`` wraps the ASGI application, ``ChunkedBodyLimitWSGI`` the WSGI one
(``hdms/wsgi.py``), where Django would otherwise read a chunked body as empty.
"""

import io
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings

Scope = dict[str, Any]


class ChunkedBodyLimit:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] != "http" or not scope.get("path", "").startswith("/api/"):
            return await self.app(scope, receive, send)
        names = {name.lower() for name, _ in scope.get("headers", [])}
        content_type = next((v for n, v in scope.get("headers", []) if n.lower() == b"content-type"), b"")
        if b"content-length" in names or content_type.lower().startswith(b"multipart/"):
            return await self.app(scope, receive, send)

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                chunks = []  # the middleware refuses it by its declared length; nothing more is read
                break
            chunks.append(body)
            if not message.get("more_body", False):
                break

        headers = [(n, v) for n, v in scope.get("headers", []) if n.lower() != b"transfer-encoding"]
        headers.append((b"content-length", str(size).encode()))
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed_receive() -> dict[str, Any]:
            if replay:
                return replay.pop()
            while True:  # after the body only a disconnect may come; the rest of a refused body is dropped
                message = await receive()
                if message["type"] != "http.request":
                    return message

        return await self.app(dict(scope, headers=headers), replayed_receive, send)


class ChunkedBodyLimitWSGI:
    """The same for a WSGI application: an API body without ``CONTENT_LENGTH`` is read up to the
    limit and handed on with its real length, or refused by its declared length past the limit."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if (not environ.get("PATH_INFO", "").startswith("/api/") or environ.get("CONTENT_LENGTH")
                or environ.get("CONTENT_TYPE", "").lower().startswith("multipart/")):
            return self.app(environ, start_response)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = environ["wsgi.input"].read(limit + 1)
        size = len(body)
        if size > limit:
            body = b""  # the middleware refuses it by its declared length; nothing more is read
        environ = {**environ, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(size)}
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.app(environ, start_response)
