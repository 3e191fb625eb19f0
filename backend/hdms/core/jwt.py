"""Token signing and verification, shared by every service process.

Every token names its signing key in the ``kid`` header; ``settings.JWT_KEYS`` holds every key
that verifies and ``settings.JWT_SIGNING_KID`` the one that signs (hdms/settings/signing.py), so a
new key can sign while tokens of the previous one stay valid until they expire. Refresh tokens
are the user service's business (``hdms.users.auth_services``, through ``sign``/``verify``); every
service only needs to verify the short-lived, stateless access token.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from django.conf import settings

from hdms.core.errors import TokenInvalid


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    role: str
    expires_at: datetime
    family: str = ""  # the refresh family (session) the token was issued with, if any


def sign(payload: dict[str, Any]) -> str:
    """The payload signed with the current signing key, its kid in the header."""
    kid = settings.JWT_SIGNING_KID
    return jwt.encode(payload, settings.JWT_KEYS[kid], algorithm=settings.JWT_ALGORITHM, headers={"kid": kid})


def verify(token: str, *, require: list[str], detail: str | None = None) -> dict[str, Any]:
    """The verified payload, or ``TokenInvalid`` (no kid, a kid not configured, a bad signature,
    an expired token or a missing claim)."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = settings.JWT_KEYS.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise TokenInvalid(detail)
        return jwt.decode(token, key, algorithms=[settings.JWT_ALGORITHM], options={"require": require})
    except jwt.PyJWTError as exc:
        raise TokenInvalid(detail) from exc


def is_uuid(value: object) -> bool:
    """A token's ids are UUID strings; anything else in a validly signed token is still invalid."""
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def encode_access(*, user_id: str, role: str, family: str = "") -> tuple[str, datetime]:
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
    if family:
        payload["fam"] = family
    return sign(payload), expires_at


def decode_access(token: str) -> AccessClaims:
    payload = verify(token, require=["exp", "sub", "type"])
    if payload.get("type") != "access" or not is_uuid(payload["sub"]):
        raise TokenInvalid()
    return AccessClaims(
        user_id=str(uuid.UUID(payload["sub"])),
        role=str(payload.get("role", "")),
        expires_at=datetime.fromtimestamp(payload["exp"], UTC),
        family=str(payload["fam"]) if is_uuid(payload.get("fam")) else "",
    )
