"""Cross-cutting HTTP guards: request ids, security headers, JSON errors, NUL rejection."""

import functools
import ipaddress
import logging
import re
import uuid
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

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
    """The caller's address: the socket peer, unless that peer is a proxy named in settings.

    Only a trusted proxy (``HDMS_TRUSTED_PROXIES``, addresses or networks; the gateway) speaks for
    the client, through the ``X-Real-IP`` / ``X-Forwarded-For`` it sets from its own peer address
    (deploy/nginx). From anyone else those headers are the client's own words and are ignored.
    """
    peer = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not is_trusted_proxy(peer):
        return peer
    real_ip = request.META.get("HTTP_X_REAL_IP", "").strip()
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for candidate in (real_ip, forwarded[-1]):
        if _parse_ip(candidate) is not None:
            return candidate
    return peer


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


@functools.cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def is_trusted_proxy(address: str) -> bool:
    ip = _parse_ip(address)
    if ip is None:
        return False
    return any(ip in network for network in _trusted_networks(tuple(settings.HDMS_TRUSTED_PROXIES)))


class ProxyHeadersMiddleware:
    """Headers only a trusted proxy may set are dropped from anyone else's request, before any
    code reads them: ``X-Forwarded-Proto`` (Django's ``is_secure`` via SECURE_PROXY_SSL_HEADER)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_trusted_proxy(request.META.get("REMOTE_ADDR", "")):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)


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
    """No HTML error page, URL map or stack trace from this server: every failure is ``{detail, code}``.

    Django renders its own pages for some errors before any view runs (an unknown path, and with
    ``HDMS_DEBUG=true`` its technical 404/500 pages, which list the URL map, settings and the
    traceback); those are replaced here by the JSON error of their status.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except DomainError as exc:
            return domain_error_response(exc)
        if response.status_code >= 400 and _is_html_page(response):
            replacement = _json_error_for_status(response.status_code)
            if response.has_header("Allow"):  # a 405 names the methods the path has (RFC 9110)
                replacement["Allow"] = response["Allow"]
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return domain_error_response(exception)
        if isinstance(exception, Http404):
            return error_response("Not found.", "not_found", status=404)
        if missing_part(exception) is None:
            logger.exception("Unhandled error on %s %s", request.method, request.path)
        return response_for_failure(exception)


_ERROR_BY_STATUS = {
    400: ("Bad request.", "validation_error"),
    401: ("Authentication credentials were not provided.", "not_authenticated"),
    403: ("Forbidden.", "forbidden"),
    404: ("Not found.", "not_found"),
    405: ("Method not allowed.", "validation_error"),
    413: ("The request body is too large.", "validation_error"),
}


def _is_html_page(response: HttpResponse) -> bool:
    return (
        response.get("Content-Type", "").startswith("text/html")
        and not response.streaming
        and bool(response.content)
    )


def _json_error_for_status(status: int) -> HttpResponse:
    fallback = ("Internal server error.", "server_error") if status >= 500 else ("Request refused.", "validation_error")
    detail, code = _ERROR_BY_STATUS.get(status, fallback)
    return error_response(detail, code, status=status)


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _contains_nul(value: bytes) -> bool:
    return b"\x00" in value or b"\\u0000" in value.lower()


def body_too_large_response() -> HttpResponse:
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return error_response(
        f"The request body is larger than the limit of {limit_mb:g} MB.",
        "validation_error",
        status=413,
        errors=[{"loc": ["body"], "msg": f"larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes"}],
    )


class RejectNulMiddleware:
    """A NUL byte anywhere in an API path, query or text body is a 422, never a database error.

    Also: every JSON body of the API is an object; an array or scalar body is a 422; a body other
    than a multipart upload over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413. Chunked bodies arrive
    here with their length too (``hdms.core.http_body``).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path):
            if self._too_large(request):
                return body_too_large_response()
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
    def _too_large(request: HttpRequest) -> bool:
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            return False
        return _content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @staticmethod
    def _json_body_not_object(request: HttpRequest) -> bool:
        if not request.META.get("CONTENT_TYPE", "").startswith("application/json"):
            return False
        length = _content_length(request)
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
        length = _content_length(request)
        if 0 < length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return _contains_nul(request.body)
        return False
