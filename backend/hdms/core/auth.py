"""Authentication for HTTP (Ninja) and WebSocket (Channels) entry points."""

from datetime import UTC, datetime
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja.security import HttpBearer

from hdms.core.context import user_id_var
from hdms.core.errors import TokenInvalid
from hdms.core.jwt import AccessClaims, decode_access


def _claims_for(request: HttpRequest | None, token: str) -> AccessClaims:
    """The token's claims, verified once per request: the rate limiter already decoded them."""
    cached = getattr(request, "hdms_access_claims", None) if request is not None else None
    if cached is not None and cached[0] == token and cached[1].expires_at > datetime.now(UTC):
        return cached[1]
    return decode_access(token)


def active_user(user_id: Any, family: str = "") -> Any:
    """The user if still active, or ``TokenInvalid``: what every authenticated call rests on.
    ``family``: the access token's session; a signed-out session's tokens are refused at once
    (DESIGN §8), not when they expire (the users service's ``UserManager.signed_in`` decides)."""
    try:
        user = cast(Any, get_user_model()).objects.signed_in(user_id=user_id, family=family)
    except (ValueError, TypeError, DjangoValidationError):  # a malformed id is an invalid token
        user = None
    if user is None:
        raise TokenInvalid()
    return user


def user_for_access_token(token: str, request: HttpRequest | None = None) -> Any:
    """The active user an access token names (its session still signed in), or ``TokenInvalid``."""
    claims = _claims_for(request, token)
    return active_user(claims.user_id, claims.family)


class JWTBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_access_token(token, request)
        request.user = user
        user_id_var.set(str(user.id))
        return user


class ApiRequest(HttpRequest):
    """The request an API handler gets: Ninja's authentication sets ``auth`` to the signed-in user
    (a ``users`` User; typed loosely so core depends on no service)."""

    auth: Any
