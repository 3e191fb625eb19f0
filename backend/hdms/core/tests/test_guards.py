import json
import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client


def test_nul_byte_in_json_body_is_422_not_500(make_user, api):
    admin = make_user(role="admin")
    response = api(admin).post("departments", {"code": "X1", "name": "bad\x00name"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_nul_byte_in_query_is_422(make_user, api):
    admin = make_user(role="admin")
    response = api(admin).get("/api/v1/users?q=a%00b")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_absurd_page_number_is_422(make_user, api):
    moderator = make_user(role="moderator")
    response = api(moderator).get("users", {"page": "99999999999999999999"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "errors" in response.json()


def test_malformed_json_is_a_clean_error(make_user):
    admin = make_user(role="admin")
    from hdms.testing.client import bearer_for

    response = Client().post("/api/v1/departments", "{not json", content_type="application/json",
                             HTTP_AUTHORIZATION=bearer_for(admin))
    assert response.status_code in (400, 422)
    assert response.json()["code"] == "validation_error"


def test_security_headers_on_api_responses(db, api):
    response = api().get("health")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response
    secure = Client().get("/api/v1/health", secure=True)
    assert "max-age=" in secure["Strict-Transport-Security"]


def test_every_response_carries_rate_limit_headers(make_user, api):
    requestor = make_user(role="requestor")
    response = api(requestor).get("auth/me")
    assert response["X-RateLimit-Limit"] == "150"
    assert int(response["X-RateLimit-Remaining"]) == 149
    moderator = make_user(role="moderator")
    assert api(moderator).get("auth/me")["X-RateLimit-Limit"] == "unlimited"


def test_requestor_bucket_empties_at_150_and_assignee_has_250(make_user, api):
    import math
    import time

    requestor = make_user(role="requestor")
    client = api(requestor)
    started = time.monotonic()
    statuses = []
    while 429 not in statuses and len(statuses) < 400:
        statuses.append(client.get("auth/me").status_code)
    refilled = math.ceil((time.monotonic() - started) * 150 / 60)  # the bucket refills as we go
    assert statuses[:150] == [200] * 150
    assert statuses[-1] == 429
    assert len(statuses) - 1 <= 150 + refilled
    assignee = make_user(role="assignee")
    response = api(assignee).get("auth/me")
    assert response["X-RateLimit-Limit"] == "250"


def test_unhandled_errors_are_json_without_a_trace(make_user, api, monkeypatch):
    from hdms.users import selectors

    def boom(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "department_list", boom)
    response = api(make_user()).get("departments")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error.", "code": "server_error"}
    assert b"secret internals" not in response.content


def test_production_settings_refuse_the_default_secret_key(monkeypatch):
    import importlib
    import sys

    monkeypatch.delenv("HDMS_SECRET_KEY", raising=False)
    sys.modules.pop("hdms.settings.production", None)
    with pytest.raises(ImproperlyConfigured):
        importlib.import_module("hdms.settings.production")


def test_argon2_is_the_production_password_hasher():
    from hdms.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_request_id_is_echoed_and_generated(db):
    given = Client().get("/api/v1/health", HTTP_X_REQUEST_ID="abc-123")
    assert given["X-Request-ID"] == "abc-123"
    generated = Client().get("/api/v1/health", HTTP_X_REQUEST_ID="bad id with spaces")
    assert generated["X-Request-ID"] != "bad id with spaces"
    assert len(generated["X-Request-ID"]) == 32
    json.loads(given.content)


def test_multipart_without_boundary_is_400(make_user):
    from hdms.testing.client import bearer_for

    admin = make_user(role="admin")
    response = Client().generic("POST", "/api/v1/users/import", b"garbage", content_type="multipart/form-data",
                                HTTP_AUTHORIZATION=bearer_for(admin))
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize("value", ["12345", "0304-04-29T12:53:39-23:31", "2332-11-15T06:40:16+19:44", "yesterday"])
def test_odd_date_times_in_filters_are_422(make_user, api, value):
    moderator = make_user(role="moderator")
    response = api(moderator).get("tickets", {"created_before": value})
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"


def test_iso_date_time_filters_work(make_user, api):
    moderator = make_user(role="moderator")
    response = api(moderator).get("tickets", {"created_before": "2026-11-26T10:00:00+05:00"})
    assert response.status_code == 200


def test_production_uses_per_request_connections_or_the_psycopg_pool():
    import os
    code = (
        "import django.conf, hdms.settings.production as s;"
        "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], 'pool' in d.get('OPTIONS', {}))"
    )
    env = dict(os.environ, HDMS_SECRET_KEY=secrets.token_urlsafe(48), DATABASE_URL="postgres://root@127.0.0.1:5432/hdms",
               HDMS_CLAMD_URL="tcp://127.0.0.1:3310", DJANGO_SETTINGS_MODULE="hdms.settings.production")
    plain = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert plain.stdout.split() == ["0", "False"]
    pooled = subprocess.run([sys.executable, "-c", code], env={**env, "HDMS_DB_POOL": "true"},
                            capture_output=True, text=True, check=True)
    assert pooled.stdout.split() == ["0", "True"]


def test_forwarded_proto_is_believed_only_from_a_trusted_gateway(db, settings):
    """A client talking to a process directly cannot claim HTTPS; from a proxy named in
    HDMS_TRUSTED_PROXIES (the gateway; the launcher's setting) X-Forwarded-Proto is believed."""
    from django.conf import settings as loaded

    assert loaded.HDMS_TRUSTED_PROXIES == [] and loaded.SECURE_PROXY_SSL_HEADER is None
    spoofed = Client().get("/api/v1/health", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in spoofed
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    for trusted, expected in (("127.0.0.1", "('HTTP_X_FORWARDED_PROTO', 'https')"), ("", "None")):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                env={**os.environ, "DJANGO_SETTINGS_MODULE": "hdms.settings.test",
                                     "HDMS_TRUSTED_PROXIES": trusted})
        assert result.stdout.strip() == expected
    # With a gateway trusted, a caller that is not the gateway still cannot claim HTTPS.
    settings.HDMS_TRUSTED_PROXIES = ["10.0.0.80"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    direct = Client(REMOTE_ADDR="10.0.0.5").get("/api/v1/health", HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in direct
    gateway = Client(REMOTE_ADDR="10.0.0.80").get("/api/v1/health", HTTP_X_FORWARDED_PROTO="https")
    assert "max-age=" in gateway["Strict-Transport-Security"]
