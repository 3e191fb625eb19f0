"""Authentication for HTTP (Ninja) and WebSocket (Channels) entry points."""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja.security import HttpBearer

from hdms.core.context import user_id_var
from hdms.core.errors import TokenInvalid
from hdms.core.jwt import decode_access


def user_for_access_token(token: str) -> Any:
    """The active user an access token names, or ``TokenInvalid``."""
    claims = decode_access(token)
    user_model = get_user_model()
    user = user_model.objects.select_related("department").filter(id=claims.user_id, is_active=True).first()
    if user is None:
        raise TokenInvalid()
    return user


class JWTBearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_access_token(token)
        request.user = user  # type: ignore[attr-defined]
        user_id_var.set(str(user.id))
        return user
