"""The gateway's admin check in front of Celery Flower (nginx auth_request -> ops/flower/auth)."""

from django.test import Client

from hdms.ops.flower import COOKIE
from hdms.testing.client import bearer_for

AUTH = "/api/v1/ops/flower/auth"


def _session_cookie(api, admin) -> str:
    response = api(admin).post("ops/flower/session", {})
    assert response.status_code == 200 and response.json() == {"url": "/flower/"}
    cookie = response.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and int(cookie["max-age"]) == 3600
    assert cookie["path"] == "/flower/"
    return cookie.value


def test_an_admin_passes_with_the_session_cookie_or_a_bearer_token(make_user, api):
    admin = make_user(role="admin")
    value = _session_cookie(api, admin)
    client = Client()
    client.cookies[COOKIE] = value
    assert client.get(AUTH).status_code == 204
    assert Client().get(AUTH, HTTP_AUTHORIZATION=bearer_for(admin)).status_code == 204


def test_nobody_and_other_roles_are_refused(make_user, api):
    assert Client().get(AUTH).status_code == 401
    for role in ("requestor", "assignee", "moderator"):
        response = Client().get(AUTH, HTTP_AUTHORIZATION=bearer_for(make_user(role=role)))
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
        assert api(make_user(role=role)).post("ops/flower/session", {}).status_code == 403


def test_a_forged_cookie_or_one_of_a_former_admin_is_refused(make_user, api):
    admin = make_user(role="admin")
    value = _session_cookie(api, admin)
    forged = Client()
    forged.cookies[COOKIE] = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    assert forged.get(AUTH).status_code == 401
    admin.role = "moderator"
    admin.save(update_fields=["role"])
    demoted = Client()
    demoted.cookies[COOKIE] = value
    assert demoted.get(AUTH).status_code == 403
    admin.role, admin.is_active = "admin", False
    admin.save(update_fields=["role", "is_active"])
    assert demoted.get(AUTH).status_code == 401
