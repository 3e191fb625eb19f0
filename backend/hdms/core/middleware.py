"""Cross-cutting HTTP guards: request ids, security headers, JSON errors, NUL rejection."""

import logging
import re
import uuid
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from hdms.core.context import client_ip_var, request_id_var, user_id_var
from hdms.core.errors import DomainError
from hdms.core.faults import missing_part, response_for_failure
from hdms.core.responses import domain_error_response, error_response

logger = logging.getLogger("hdms.request")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

Handler = Callable[[HttpRequest], HttpResponse]


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def client_ip(request: HttpRequest) -> str:
    # Behind the gateway, nginx sets X-Real-IP; REMOTE_ADDR is then the gateway.
    if settings.HDMS_TRUST_PROXY:
        real_ip = request.META.get("HTTP_X_REAL_IP", "")
        if real_ip:
            return real_ip
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class RequestIdMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        tokens = (request_id_var.set(request_id), user_id_var.set(""), client_ip_var.set(client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(tokens[0])
            user_id_var.reset(tokens[1])
            client_ip_var.reset(tokens[2])
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        docs = request.path.startswith("/api/v1/docs") or request.path.startswith(settings.STATIC_URL_PATH)
        response.setdefault("Content-Security-Policy", settings.HDMS_DOCS_CSP if docs else settings.HDMS_CSP)
        response.setdefault("X-Frame-Options", "DENY")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure():
            response.setdefault("Strict-Transport-Security", f"max-age={settings.HDMS_HSTS_SECONDS}; includeSubDomains")
        return response


class ApiErrorMiddleware:
    """No HTML error page and no stack trace from the API: every failure is ``{detail, code}``."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except DomainError as exc:
            return domain_error_response(exc)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_path(request.path):
            return None
        if isinstance(exception, DomainError):
            return domain_error_response(exception)
        if missing_part(exception) is None:
            logger.exception("Unhandled error on %s %s", request.method, request.path)
        return response_for_failure(exception)


def _contains_nul(value: bytes) -> bool:
    return b"\x00" in value or b"\\u0000" in value.lower()


class RejectNulMiddleware:
    """A NUL byte anywhere in an API path, query or text body is a 422, never a database error.

    Also: every JSON body of the API is an object; an array or scalar body is a 422.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path):
            if self._has_nul(request):
                return error_response(
                    "The request contains a NUL character, which is not allowed.",
                    "validation_error",
                    errors=[{"loc": ["request"], "msg": "NUL character not allowed"}],
                )
            if self._json_body_not_object(request):
                return error_response(
                    "The request body must be a JSON object.",
                    "validation_error",
                    errors=[{"loc": ["body"], "msg": "must be a JSON object"}],
                )
        return self.get_response(request)

    @staticmethod
    def _json_body_not_object(request: HttpRequest) -> bool:
        if not request.META.get("CONTENT_TYPE", "").startswith("application/json"):
            return False
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if not 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return False
        stripped = request.body.lstrip()
        return bool(stripped) and stripped[:1] != b"{"

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or _contains_nul(unquote_to_bytes(request.META.get("QUERY_STRING", ""))):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/"):
            return False  # file contents may hold NULs; text fields are checked by the schemas
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return _contains_nul(request.body)
        return False
