"""Who may see Celery Flower behind the gateway (seed §21): admins only.

nginx asks ``GET /api/v1/ops/flower/auth`` before every ``/flower/`` request (``auth_request``)
with the browser's own headers. An admin's access JWT (``Authorization: Bearer``, for scripts) or
the short-lived cookie the web app obtains for a signed-in admin (``POST ops/flower/session``)
lets the request through; everyone else gets 401 (nobody) or 403 (not an admin). The cookie is
signed with the secret key, names the admin, lives one hour, is sent only with ``/flower/``
requests (HttpOnly, SameSite=Strict, Secure over HTTPS; nginx hands their headers to the check),
and the admin must still be an active admin on every request.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core import signing

from hdms.core.auth import user_for_access_token
from hdms.core.errors import Forbidden, NotAuthenticated, TokenInvalid
from hdms.core.roles import Role

COOKIE = "hdms_flower"
COOKIE_MAX_AGE = 3600
_SALT = "hdms.ops.flower"


def flower_cookie_value(*, user: Any) -> str:
    return signing.dumps({"uid": str(user.id)}, salt=_SALT)


def flower_viewer(*, authorization: str, cookie: str) -> Any:
    """The admin allowed to see Flower, or ``NotAuthenticated`` / ``TokenInvalid`` / ``Forbidden``."""
    user = None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token:
        user = user_for_access_token(token.strip())
    elif cookie:
        try:
            uid = signing.loads(cookie, salt=_SALT, max_age=COOKIE_MAX_AGE)["uid"]
        except (signing.BadSignature, KeyError, TypeError) as exc:
            raise TokenInvalid("The Flower session has expired; open Flower again from the desk.") from exc
        user = get_user_model().objects.filter(id=uid, is_active=True).first()
        if user is None:
            raise TokenInvalid()
    if user is None:
        raise NotAuthenticated()
    if user.role != Role.ADMIN:
        raise Forbidden("Flower is for admins.")
    return user
