import logging

from hdms.core.context import request_id_var, user_id_var


class RequestContextFilter(logging.Filter):
    """Puts the request id and user id on every log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(record, "request_id", None) or request_id_var.get()
        record.user_id = getattr(record, "user_id", None) or user_id_var.get()
        return True
