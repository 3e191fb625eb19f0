"""Access-token encoding and verification, shared by every service process.

Refresh tokens are the user service's business (``hdms.users.auth_services``); every
service only needs to verify the short-lived, stateless access token.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt
from django.conf import settings

from hdms.core.errors import TokenInvalid


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    role: str
    expires_at: datetime


def encode_access(*, user_id: str, role: str) -> tuple[str, datetime]:
    now = datetime.now(UTC)
    expires_at = now + settings.ACCESS_TOKEN_LIFETIME
    payload = {
        "sub": str(user_id),
        "role": role,
        "type": "access",
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, settings.JWT_SIGNING_KEY, algorithm=settings.JWT_ALGORITHM), expires_at


def decode_access(token: str) -> AccessClaims:
    try:
        payload = jwt.decode(
            token,
            settings.JWT_SIGNING_KEY,
            algorithms=[settings.JWT_ALGORITHM],
            options={"require": ["exp", "sub", "type"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenInvalid() from exc
    if payload.get("type") != "access":
        raise TokenInvalid()
    return AccessClaims(
        user_id=str(payload["sub"]),
        role=str(payload.get("role", "")),
        expires_at=datetime.fromtimestamp(payload["exp"], UTC),
    )
