import threading

import pytest
from django.db import connection
from django.test import Client

from hdms.audit.models import AuditEntry
from hdms.users.models import RefreshToken

PASSWORD = "secret-pass-123"


def login(api, code, password=PASSWORD, ip="127.0.0.1"):
    return api(ip=ip).post("auth/login", {"employee_code": code, "password": password})


def test_login_returns_tokens_and_user(make_user, api):
    user = make_user(employee_code="t100", role="assignee")
    response = login(api, "t100")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["access"] and body["refresh"]
    assert body["user"]["id"] == str(user.id)
    assert body["user"]["role"] == "assignee"
    me = api().client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['access']}")
    assert me.status_code == 200
    assert me.json()["employee_code"] == "t100"


def test_wrong_password_is_401_and_audited(make_user, api):
    make_user(employee_code="t101")
    response = login(api, "t101", "wrong-password")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 1


def test_inactive_user_cannot_sign_in(make_user, api):
    make_user(employee_code="t102", is_active=False)
    assert login(api, "t102").status_code == 401


def test_refresh_rotates_and_old_token_dies(make_user, api):
    make_user(employee_code="t103")
    first = login(api, "t103").json()
    rotated = api().post("auth/refresh", {"refresh": first["refresh"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refresh"] != first["refresh"]
    again = api().post("auth/refresh", {"refresh": first["refresh"]})
    assert again.status_code == 401
    assert again.json()["code"] == "token_invalid"


def test_reusing_a_dead_refresh_token_revokes_the_whole_family(make_user, api):
    make_user(employee_code="t104")
    first = login(api, "t104").json()
    second = api().post("auth/refresh", {"refresh": first["refresh"]}).json()
    # Someone replays the first (dead) token: the live second one must die too.
    assert api().post("auth/refresh", {"refresh": first["refresh"]}).status_code == 401
    assert api().post("auth/refresh", {"refresh": second["refresh"]}).status_code == 401
    assert AuditEntry.objects.filter(action="auth.refresh_reuse").exists()
    # A fresh sign-in starts a new family that works.
    third = login(api, "t104").json()
    assert api().post("auth/refresh", {"refresh": third["refresh"]}).status_code == 200


def test_logout_kills_the_refresh_token(make_user, api):
    make_user(employee_code="t105")
    pair = login(api, "t105").json()
    assert api().post("auth/logout", {"refresh": pair["refresh"]}).status_code == 204
    assert api().post("auth/refresh", {"refresh": pair["refresh"]}).status_code == 401


def test_garbage_and_access_tokens_are_not_refresh_tokens(make_user, api):
    make_user(employee_code="t106")
    pair = login(api, "t106").json()
    assert api().post("auth/refresh", {"refresh": "garbage"}).json()["code"] == "token_invalid"
    assert api().post("auth/refresh", {"refresh": pair["access"]}).status_code == 401


def test_bad_access_token_is_token_invalid(db, api):
    response = Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_eleventh_login_in_a_minute_is_rate_limited(make_user, api, settings):
    settings.LOCKOUT_THRESHOLD = 100  # the per-client limit alone (the account lockout has its own tests)
    make_user(employee_code="t107")
    statuses = [login(api, "t107", "bad-password", ip="10.9.9.9") for _ in range(11)]
    assert [r.status_code for r in statuses[:10]] == [401] * 10
    limited = statuses[10]
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) >= 1
    assert limited["X-RateLimit-Limit"] == "10"
    assert limited["X-RateLimit-Remaining"] == "0"
    assert int(limited["X-RateLimit-Reset"]) > 0
    # Another client is not affected.
    assert login(api, "t107", ip="10.9.9.8").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_refreshes_give_exactly_one_new_pair(postgres_only, make_user, api):
    make_user(employee_code="t108")
    refresh = login(api, "t108").json()["refresh"]
    before = RefreshToken.objects.count()
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker():
        client = Client()
        barrier.wait()
        response = client.post("/api/v1/auth/refresh", {"refresh": refresh}, content_type="application/json")
        with lock:
            statuses.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] + [401] * 19
    assert RefreshToken.objects.count() == before + 1
