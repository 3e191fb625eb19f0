"""Signing-key rotation (issue 11 item 9): tokens carry a kid, several keys verify, one signs."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from channels.testing import WebsocketCommunicator
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from hdms.asgi import application
from hdms.core.jwt import encode_access
from hdms.settings.signing import jwt_keys, parse_jwt_keys

# Random per run: a key written in the repository is refused by every desk (hdms/settings/keys.py).
OLD = "old-key-" + secrets.token_urlsafe(32)
NEW = "new-key-" + secrets.token_urlsafe(32)
PASSWORD = "secret-pass-123"
BACKEND_DIR = Path(__file__).resolve().parents[3]


def _kid(token: str) -> str | None:
    return jwt.get_unverified_header(token).get("kid")


def _me(token: str):
    return Client().get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")


def _login(api, code: str) -> dict:
    response = api().post("auth/login", {"employee_code": code, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def old_key_only(settings):
    settings.JWT_KEYS = {"2026-06": OLD}
    settings.JWT_SIGNING_KID = "2026-06"
    return settings


def _rotate(settings, *, keep_old: bool = True) -> None:
    """What an operator does: the new key first (it signs), the old one still listed."""
    settings.JWT_KEYS = {"2026-12": NEW, **({"2026-06": OLD} if keep_old else {})}
    settings.JWT_SIGNING_KID = "2026-12"


def test_tokens_carry_the_signing_kid_and_new_tokens_the_new_kid_after_rotation(old_key_only, make_user, api):
    make_user(employee_code="rot1")
    before = _login(api, "rot1")
    assert _kid(before["access"]) == "2026-06" and _kid(before["refresh"]) == "2026-06"
    _rotate(old_key_only)
    after = _login(api, "rot1")
    assert _kid(after["access"]) == "2026-12" and _kid(after["refresh"]) == "2026-12"
    # Signed with the new secret: the old one does not verify it.
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(after["access"], OLD, algorithms=["HS256"])
    jwt.decode(after["access"], NEW, algorithms=["HS256"])


def test_old_key_tokens_still_work_after_rotation_and_refresh_onto_the_new_key(old_key_only, make_user, api):
    make_user(employee_code="rot2")
    pair = _login(api, "rot2")
    _rotate(old_key_only)
    me = _me(pair["access"])
    assert me.status_code == 200, me.content
    assert me.json()["employee_code"] == "rot2"
    refreshed = api().post("auth/refresh", {"refresh": pair["refresh"]})
    assert refreshed.status_code == 200, refreshed.content
    assert _kid(refreshed.json()["access"]) == "2026-12"
    assert _me(refreshed.json()["access"]).status_code == 200


def test_tokens_of_a_removed_key_are_refused(old_key_only, make_user, api):
    make_user(employee_code="rot3")
    pair = _login(api, "rot3")
    _rotate(old_key_only, keep_old=False)
    me = _me(pair["access"])
    assert me.status_code == 401
    assert me.json()["code"] == "token_invalid"
    refreshed = api().post("auth/refresh", {"refresh": pair["refresh"]})
    assert refreshed.status_code == 401
    assert refreshed.json()["code"] == "token_invalid"


@pytest.mark.parametrize("headers", [{}, {"kid": "2026-01"}], ids=["no-kid", "unknown-kid"])
def test_tokens_without_a_known_kid_are_refused_even_with_a_valid_signature(old_key_only, make_user, headers):
    user = make_user(employee_code="rot4")
    valid, _ = encode_access(user_id=str(user.id), role=user.role)
    payload = jwt.decode(valid, OLD, algorithms=["HS256"])
    forged = jwt.encode(payload, OLD, algorithm="HS256", headers=headers)
    assert _me(valid).status_code == 200
    response = _me(forged)
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


@pytest.mark.django_db(transaction=True)
async def test_websocket_accepts_old_key_tokens_after_rotation_and_refuses_removed_ones(settings):
    from channels.db import database_sync_to_async

    from hdms.testing.factories import UserFactory

    settings.JWT_KEYS = {"2026-06": OLD}
    settings.JWT_SIGNING_KID = "2026-06"
    user = await database_sync_to_async(UserFactory)(role="requestor")
    token, _ = encode_access(user_id=str(user.id), role=user.role)

    async def connects() -> bool:
        comm = WebsocketCommunicator(application, "/ws/notifications/", subprotocols=["bearer", token])
        connected, _ = await comm.connect(timeout=20)  # generous: a loaded machine; a refusal is immediate
        await comm.disconnect()
        return connected

    try:
        _rotate(settings)
        assert await connects() is True
        _rotate(settings, keep_old=False)
        assert await connects() is False
    finally:
        # The process's access watch reads the channel layer on this test's event loop: stop it
        # before the loop closes (a read cancelled by the loop's close could hang it).
        from channels.layers import get_channel_layer

        from hdms.communication.relay import relay

        await relay().access.stop(get_channel_layer())
        # The consumer's database thread keeps its connection; close it so the test database can go.
        from asgiref.sync import SyncToAsync
        from django.db import connections

        SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


def test_keys_parse_in_order_and_the_first_signs_unless_named():
    keys, kid = jwt_keys(keys_text=f"2026-12={NEW}, 2026-06={OLD}", keys_file="", single_key="x", signing_kid="")
    assert list(keys) == ["2026-12", "2026-06"] and kid == "2026-12"
    assert jwt_keys(keys_text=f"a={NEW},b={OLD}", keys_file="", single_key="x", signing_kid="b")[1] == "b"
    assert jwt_keys(keys_text="", keys_file="", single_key=OLD, signing_kid="") == ({"default": OLD}, "default")


def test_keys_file_reads_one_pair_a_line_with_comments(tmp_path):
    path = tmp_path / "jwt-keys"
    path.write_text(f"# rotated 2026-12-01\n2026-12={NEW}\n\n2026-06={OLD}  # retire after 2026-12-08\n")
    keys, kid = jwt_keys(keys_text="", keys_file=str(path), single_key="x", signing_kid="")
    assert keys == {"2026-12": NEW, "2026-06": OLD} and kid == "2026-12"


@pytest.mark.parametrize("text", ["nokey", "a=", "bad kid=secret", f"a={NEW},a={OLD}", ","])
def test_malformed_or_empty_key_lists_are_refused(text):
    with pytest.raises(ImproperlyConfigured):
        jwt_keys(keys_text=text, keys_file="", single_key="x", signing_kid="")


def test_parse_keeps_secrets_containing_equals_signs():
    assert parse_jwt_keys(f"a={NEW}==,b={OLD}") == {"a": NEW + "==", "b": OLD}


def test_signing_kid_must_be_listed():
    with pytest.raises(ImproperlyConfigured):
        jwt_keys(keys_text=f"a={NEW}", keys_file="", single_key="x", signing_kid="b")


def _production_settings(**env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("HDMS_JWT")}
    full.update({"DJANGO_SETTINGS_MODULE": "hdms.settings.production", "HDMS_SECRET_KEY": secrets.token_urlsafe(48),
                 "HDMS_CLAMD_URL": "tcp://127.0.0.1:3310", **env})
    code = "import django; django.setup(); from django.conf import settings; print(sorted(settings.JWT_KEYS))"
    return subprocess.run([sys.executable, "-c", code], cwd=BACKEND_DIR, env=full, capture_output=True, text=True)


def test_production_refuses_short_jwt_keys_and_accepts_strong_ones():
    weak = _production_settings(HDMS_JWT_KEYS=f"2026-12={NEW},2026-06=short")
    assert weak.returncode != 0
    assert "2026-06" in weak.stderr and "ImproperlyConfigured" in weak.stderr
    strong = _production_settings(HDMS_JWT_KEYS=f"2026-12={NEW},2026-06={OLD}")
    assert strong.returncode == 0, strong.stderr[-2000:]
    assert strong.stdout.strip() == "['2026-06', '2026-12']"
