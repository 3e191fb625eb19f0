import logging
import re
from typing import Any

from hdms.core.context import request_id_var, user_id_var


class RequestContextFilter(logging.Filter):
    """Puts the request id and user id on every log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or request_id_var.get()
        record.user_id = getattr(record, "user_id", None) or user_id_var.get()
        return True


# ``?token=`` carries an access JWT on WebSocket handshakes (DESIGN §5, the fallback to the
# subprotocol); an access log line must never hold one. Matches the parameter raw or URL-encoded.
_TOKEN_PARAMETER = re.compile(r"((?:^|[?&;\s\"'])(?:access_)?token=)[^&;\s\"']*", re.IGNORECASE)
REDACTED = "[redacted]"
# Loggers of the ASGI servers that write request paths (uvicorn, granian, daphne) and Django's own.
PATH_LOGGERS = ("uvicorn.access", "uvicorn.error", "granian.access", "daphne.access", "daphne.server",
                "django.request", "django.server", "django.channels.server")


def redact_tokens(text: str) -> str:
    return _TOKEN_PARAMETER.sub(rf"\1{REDACTED}", text)


def _redacted(value: Any) -> Any:
    return redact_tokens(value) if isinstance(value, str) else value


class RedactTokensFilter(logging.Filter):
    """Replaces the value of any ``token=`` query parameter in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_tokens(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return True


def install_token_redaction() -> None:
    """Attach the filter to every logger that writes request paths (idempotent)."""
    for name in PATH_LOGGERS:
        target = logging.getLogger(name)
        if not any(isinstance(existing, RedactTokensFilter) for existing in target.filters):
            target.addFilter(RedactTokensFilter())
