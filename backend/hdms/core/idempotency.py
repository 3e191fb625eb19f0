"""``Idempotency-Key`` (DESIGN §9): a client that lost an answer retries and writes nothing twice.

On ``POST tickets``, ``POST tickets/bulk``, ``POST tickets/{id}/messages``, ``POST tickets/{id}/attachments`` and
``POST tickets/{id}/actions/{action}``, a request carrying the header runs in one transaction that
first inserts ``(user, key)`` into ``core.IdempotencyKey`` (unique) and, before committing, stores
the answer beside it. So:

- a repeat by the same user within 24 hours gets the first answer (same status and body, header
  ``Idempotent-Replayed: true``) and writes nothing;
- a repeat sent while the first is still running waits on the unique index until the first
  commits, then gets its answer: two at once write once;
- the same key with a different request (another path, or another JSON body) is
  422 ``validation_error`` naming the header;
- an answer of 500 or more is not kept: the transaction rolls back, the write with it, and a
  retry runs again.

Keys live in the database, so this works with Redis down. Multipart uploads are matched by path
only (a browser's retry changes the multipart boundary; the bytes are not read twice).
"""

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hdms.core.errors import TokenInvalid
from hdms.core.jwt import decode_access
from hdms.core.models import IdempotencyKey
from hdms.core.responses import error_response

HEADER = "Idempotency-Key"
LIFETIME = timedelta(hours=24)
_UUID = r"[0-9a-fA-F-]{36}"
IDEMPOTENT_PATHS = re.compile(
    rf"^/api/v1/tickets(/bulk|/{_UUID}/(messages|attachments|actions/[a-z_]+))?/?$"
)
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,255}$")


def _key_error(message: str) -> HttpResponse:
    return error_response(f"{HEADER}: {message}", "validation_error", status=422,
                          errors=[{"loc": ["header", HEADER], "msg": message}])


def _user_id(request: HttpRequest) -> str | None:
    cached = getattr(request, "hdms_access_claims", None)
    if cached is not None:
        return str(cached[1].user_id)
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    try:
        return str(decode_access(header[7:].strip()).user_id)
    except TokenInvalid:
        return None


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if not request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        digest.update(request.body)
    return digest.hexdigest()


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status_code,
                            content_type=record.content_type or "application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def idempotency_key_purge() -> int:
    """Delete keys past their 24 hours (beat, hourly)."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - LIFETIME).delete()
    return deleted


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not IDEMPOTENT_PATHS.match(request.path):
            return self.get_response(request)
        if not _KEY_RE.match(key):
            return _key_error("must be 1 to 255 visible ASCII characters (a UUID is a good choice).")
        user_id = _user_id(request)
        if user_id is None:
            return self.get_response(request)  # the view answers 401
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        if not multipart and int(request.META.get("CONTENT_LENGTH") or 0) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return self.get_response(request)  # refused as too large before anything is written
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            IdempotencyKey.objects.filter(user_id=user_id, key=key, created_at__lt=timezone.now() - LIFETIME).delete()
            try:
                with transaction.atomic():
                    # A parallel request with this key waits here until the first one commits.
                    record = IdempotencyKey.objects.create(user_id=user_id, key=key, fingerprint=fingerprint)
            except IntegrityError:
                record = None
            if record is not None:
                response = self.get_response(request)
                if response.status_code >= 500 or response.streaming:
                    transaction.set_rollback(True)  # nothing kept: a retry runs again
                    return response
                record.status_code = response.status_code
                record.content_type = response.get("Content-Type", "")
                record.body = response.content
                record.save(update_fields=["status_code", "content_type", "body"])
                return response
        first = IdempotencyKey.objects.filter(user_id=user_id, key=key).first()
        if first is None or first.status_code is None:
            return self.get_response(request)  # the first one rolled back in between: this one runs
        if first.fingerprint != fingerprint:
            return _key_error("this key was already used for a different request; use a new key per request.")
        return _replay(first)
