"""WebSocket authentication (DESIGN §5).

The client offers the subprotocols ``bearer`` and the access JWT; ``?token=`` is the fallback.
The middleware puts the user (or ``None``) in ``scope["user"]``, the chosen subprotocol in
``scope["hdms_subprotocol"]`` and the token's claims (expiry, role) in ``scope["hdms_claims"]``;
consumers refuse the connection before accepting it when the user is missing, and close it
when the token expires (docs/realtime.md, close codes).
"""

from typing import Any
from urllib.parse import parse_qs, urlparse

from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator

from hdms.core.auth import active_user
from hdms.core.errors import TokenInvalid
from hdms.core.jwt import AccessClaims, decode_access


def token_from_scope(scope: dict[str, Any]) -> tuple[str | None, str | None]:
    """(token, subprotocol to accept) from the handshake."""
    subprotocols = [p.strip() for p in scope.get("subprotocols") or []]
    if len(subprotocols) >= 2 and subprotocols[0].lower() == "bearer":
        return subprotocols[1], subprotocols[0]
    query = parse_qs((scope.get("query_string") or b"").decode("latin-1"))
    tokens = query.get("token")
    return (tokens[0] if tokens else None), None


@database_sync_to_async
def _load_user(token: str) -> tuple[Any, AccessClaims | None]:
    try:
        claims = decode_access(token)
        return active_user(claims.user_id, claims.family), claims
    except TokenInvalid:
        return None, None


class JWTWebSocketMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        token, subprotocol = token_from_scope(scope)
        user, claims = await _load_user(token) if token else (None, None)
        scope = dict(scope, user=user, hdms_claims=claims, hdms_subprotocol=subprotocol)
        return await self.inner(scope, receive, send)


class OriginCheck:
    """Browsers always send ``Origin``: when present its host must be one of ALLOWED_HOSTS.

    Clients that are not browsers (the mobile app, scripts) send none; they are let through,
    since authentication is the bearer token in the handshake, not a cookie a foreign page
    could ride on.

    The rules are channels' (``AllowedHostsOriginValidator``: the allowed hosts, how an origin
    matches them, the last ``Origin`` header read); a refused handshake is answered by
    ``deny_handshake``, not by channels' ``WebsocketDenier``, a consumer that opened a channel on
    the Redis layer and read it for every refused handshake until the socket's end. A read of the
    Redis layer can lose its cancellation, and then its event loop never closes (a test that hung
    300 s at teardown, docs/decisions.md).
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.validator = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origins = [value for name, value in scope.get("headers", []) if name == b"origin"]
        if not origins:
            return await self.inner(scope, receive, send)
        if self.validator.valid_origin(urlparse(origins[-1].decode("latin1"))):  # latin-1 decodes any bytes
            return await self.inner(scope, receive, send)
        return await deny_handshake(scope, receive, send)


async def deny_handshake(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Refuse a WebSocket handshake: ``websocket.close`` before accepting, which the server
    answers with HTTP 403."""
    if (await receive())["type"] == "websocket.connect":
        await send({"type": "websocket.close"})
