"""Domain errors with machine codes (DESIGN §4). Services raise these, never HTTP types.

The API layer maps each code to its status in ``hdms.core.api.STATUS_BY_CODE``.
"""

from typing import Any


class DomainError(Exception):
    code = "error"
    default_detail = "The request could not be completed."

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra: Any) -> None:
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.extra = extra
        super().__init__(self.detail)


class ValidationFailed(DomainError):
    code = "validation_error"
    default_detail = "The input is not valid."

    def __init__(self, detail: str | None = None, *, errors: list[dict[str, Any]] | None = None, **extra: Any) -> None:
        super().__init__(detail, errors=errors or [], **extra)


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    default_detail = "Authentication credentials were not provided."


class TokenInvalid(DomainError):
    code = "token_invalid"
    default_detail = "The token is invalid or expired."


class Forbidden(DomainError):
    code = "forbidden"
    default_detail = "You are not allowed to do this."


class NotFound(DomainError):
    code = "not_found"
    default_detail = "Not found."


class VersionConflict(DomainError):
    code = "version_conflict"
    default_detail = "This record was changed by someone else; reload it and try again."


class InvalidTransition(DomainError):
    code = "invalid_transition"
    default_detail = "This action is not allowed in the current state."


class FileTooLarge(DomainError):
    code = "file_too_large"
    default_detail = "The file is too large."


class UnsupportedFileType(DomainError):
    code = "unsupported_file_type"
    default_detail = "This type of file is not allowed."


class RateLimited(DomainError):
    code = "rate_limited"
    default_detail = "Too many requests; slow down."


class AccountLocked(DomainError):
    """Too many failed sign-ins of one account (DESIGN §8); ``retry_after`` seconds go in Retry-After."""

    code = "account_locked"
    default_detail = "This account is locked after too many failed sign-ins."


class ServiceUnavailable(DomainError):
    code = "service_unavailable"
    default_detail = "A required service is unavailable; try again shortly."


STATUS_BY_CODE: dict[str, int] = {
    "validation_error": 422,
    "not_authenticated": 401,
    "token_invalid": 401,
    "forbidden": 403,
    "not_found": 404,
    "version_conflict": 409,
    "invalid_transition": 409,
    "file_too_large": 413,
    "unsupported_file_type": 415,
    "rate_limited": 429,
    "account_locked": 429,
    "service_unavailable": 503,
    "server_error": 500,
}
