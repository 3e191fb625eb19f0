"""Operations API (``/api/v1/ops``): the gateway's check in front of Celery Flower."""

from django.http import HttpResponse
from ninja import Router, Schema

from hdms.core.auth import ApiRequest
from hdms.core.permissions import require_admin
from hdms.ops import flower

router = Router(tags=["ops"])


class FlowerSessionOut(Schema):
    url: str


@router.post("/flower/session", response=FlowerSessionOut)
def flower_session(request: ApiRequest, response: HttpResponse) -> dict:
    """Sets the cookie that lets this admin's browser open ``/flower/`` for an hour."""
    require_admin(request.auth)
    value = flower.flower_cookie_value(user=request.auth)
    # Sent only with /flower/ requests; nginx's auth_request passes them on to ops/flower/auth.
    response.set_cookie(flower.COOKIE, value, max_age=flower.COOKIE_MAX_AGE, path="/flower/", httponly=True,
                        samesite="Strict", secure=request.is_secure())
    return {"url": "/flower/"}


@router.get("/flower/auth", auth=None, response={204: None})
def flower_auth(request: ApiRequest) -> tuple[int, None]:
    """204 for an admin (bearer token or the Flower cookie), else 401 / 403: nginx's auth_request."""
    flower.flower_viewer(authorization=request.headers.get("Authorization", ""),
                         cookie=request.COOKIES.get(flower.COOKIE, ""))
    return 204, None


routes = [("/ops", router)]
