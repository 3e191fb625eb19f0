"""Accounts as the organisation has them (DESIGN §8, issue 14): lockout, self-service passwords,
sessions, two-factor switched by the user, SMS sign-in and the scheduled sync. Real parts: the
local SMS server (sms_server.py) and a real SMTP server (aiosmtpd)."""

import pytest

from hdms.audit.models import AuditEntry
from hdms.testing.client import ApiClient
from hdms.users.models import AccountSettings, RefreshToken, SmsSyncRun, User
from hdms.users.sms import users_sync_scheduled
from hdms.users.tests.sms_server import TOKEN, FakeSms
from hdms.users.tests.test_otp import _code_from, _wait_for_mail, smtp_server  # noqa: F401 - a fixture

PASSWORD = "secret-pass-123"


def login(code, password=PASSWORD, ip="127.0.0.1", agent="pytest-browser"):
    return ApiClient(ip=ip).post("auth/login", {"employee_code": code, "password": password},
                                 HTTP_USER_AGENT=agent)


def signed_in(pair):
    """A client carrying the access token of one sign-in (one session)."""
    client = ApiClient()
    client.headers["HTTP_AUTHORIZATION"] = f"Bearer {pair['access']}"
    return client


def refresh_status(refresh):
    return ApiClient().post("auth/refresh", {"refresh": refresh}).status_code


@pytest.fixture
def sms(settings):
    server = FakeSms().start()
    settings.SMS_BASE_URL = server.base_url
    settings.SMS_TOKEN = TOKEN
    settings.SMS_TIMEOUT = 2.0
    settings.SMS_RETRIES = 1
    settings.SMS_BACKOFF = 0.01
    settings.SMS_AUTH = True
    yield server
    server.stop()


# --------------------------------------------------------------------------- lockout

@pytest.mark.django_db
def test_failures_from_many_addresses_lock_the_account_and_an_admin_unlocks_it(make_user, api, settings):
    settings.LOCKOUT_THRESHOLD = 5
    user = make_user(employee_code="lock1")
    admin = make_user(role="admin")
    statuses = [login("lock1", "wrong-password", ip=f"10.1.0.{n}").status_code for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    # Locked whatever the address, even with the right password.
    locked = login("lock1", ip="10.2.0.1")
    assert locked.status_code == 429
    assert locked.json()["code"] == "account_locked"
    first_wait = int(locked["Retry-After"])
    assert 1 <= first_wait <= 60
    assert AuditEntry.objects.filter(action="auth.locked", object_id=str(user.id)).count() == 1
    # The server says the account is locked, and who may unlock it (DESIGN §9): an admin, not a moderator.
    shown = api(admin).get(f"users/{user.id}").json()
    assert shown["locked"] is True and shown["allowed_actions"] == ["unlock"]
    listed = next(u for u in api(admin).get("users", {"q": "lock1"}).json()["items"] if u["id"] == str(user.id))
    assert listed["locked"] is True and listed["allowed_actions"] == ["unlock"]
    seen_by_moderator = api(make_user(role="moderator")).get(f"users/{user.id}").json()
    assert seen_by_moderator["locked"] is True and seen_by_moderator["allowed_actions"] == []
    # Not an admin: 403; an admin unlocks, audited; the right password works again.
    assert api(make_user()).post(f"users/{user.id}/unlock").status_code == 403
    response = api(admin).post(f"users/{user.id}/unlock")
    assert response.status_code == 200 and response.json()["locked_until"] is None
    assert response.json()["locked"] is False and response.json()["allowed_actions"] == []
    assert AuditEntry.objects.filter(action="user.unlock", object_id=str(user.id), actor_id=admin.id).exists()
    assert login("lock1", ip="10.2.0.1").status_code == 200


@pytest.mark.django_db
def test_the_lock_grows_with_each_lockout(make_user, settings):
    settings.LOCKOUT_THRESHOLD = 3
    user = make_user(employee_code="lock2")
    for _ in range(3):
        login("lock2", "nope-nope")
    first = User.objects.get(id=user.id)
    User.objects.filter(id=user.id).update(locked_until=None)  # the first lock has passed
    for _ in range(3):
        login("lock2", "nope-nope")
    second = User.objects.get(id=user.id)
    assert second.lockouts == 2
    assert int(login("lock2")["Retry-After"]) > 60  # 2 minutes the second time
    assert first.lockouts == 1


# --------------------------------------------------------------------------- passwords

@pytest.mark.django_db
def test_forgot_then_reset_ends_every_old_session(make_user, smtp_server):  # noqa: F811
    user = make_user(employee_code="pw1", email="pw1@idara.example")
    refreshes = [login("pw1").json()["refresh"] for _ in range(2)]
    # 202 for a known code and for an unknown one alike; only the known one gets mail.
    assert ApiClient().post("auth/password/forgot", {"employee_code": "nobody-here"}).status_code == 202
    assert ApiClient().post("auth/password/forgot", {"employee_code": "pw1"}).status_code == 202
    code = _code_from(_wait_for_mail(smtp_server))
    assert len(smtp_server.messages) == 1
    # Policy: a common password, the employee code, too short are refused and nothing changes.
    for weak in ("password123", "my-pw1-password", "short"):
        response = ApiClient(ip="10.5.0.1").post("auth/password/reset", {"employee_code": "pw1", "code": code,
                                                             "new_password": weak})
        assert response.status_code == 422, weak
    wrong = "000000" if code != "000000" else "111111"
    response = ApiClient(ip="10.5.0.2").post("auth/password/reset", {"employee_code": "pw1", "code": wrong,
                                                         "new_password": "a-fresh-passphrase"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    response = ApiClient(ip="10.5.0.3").post("auth/password/reset", {"employee_code": "pw1", "code": code,
                                                         "new_password": "a-fresh-passphrase"})
    assert response.status_code == 204, response.content
    assert [refresh_status(r) for r in refreshes] == [401, 401]
    assert login("pw1", ip="10.5.0.4").status_code == 401
    assert login("pw1", "a-fresh-passphrase", ip="10.5.0.5").status_code == 200
    # The code is spent.
    again = ApiClient(ip="10.5.0.6").post("auth/password/reset", {"employee_code": "pw1", "code": code,
                                                      "new_password": "another-passphrase"})
    assert again.status_code == 422
    assert User.objects.get(id=user.id).check_password("a-fresh-passphrase")


@pytest.mark.django_db
def test_a_reset_code_allows_five_tries(make_user, smtp_server):  # noqa: F811
    make_user(employee_code="pw2", email="pw2@idara.example")
    ApiClient().post("auth/password/forgot", {"employee_code": "pw2"})
    code = _code_from(_wait_for_mail(smtp_server))
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        ApiClient(ip="10.3.0.1").post("auth/password/reset", {"employee_code": "pw2", "code": wrong,
                                                               "new_password": "a-fresh-passphrase"})
    response = ApiClient(ip="10.3.0.2").post("auth/password/reset", {"employee_code": "pw2", "code": code,
                                                                      "new_password": "a-fresh-passphrase"})
    assert response.status_code == 422


@pytest.mark.django_db
def test_change_password_keeps_this_session_and_ends_the_others(make_user):
    make_user(employee_code="pw3")
    this, other = login("pw3").json(), login("pw3").json()
    client = signed_in(this)
    wrong = client.post("auth/password/change", {"current_password": "not-it-at-all", "new_password": "x-new-pass-9"})
    assert wrong.status_code == 422
    response = client.post("auth/password/change", {"current_password": PASSWORD, "new_password": "x-new-pass-9"})
    assert response.status_code == 204, response.content
    assert refresh_status(other["refresh"]) == 401
    assert refresh_status(this["refresh"]) == 200
    assert login("pw3", "x-new-pass-9").status_code == 200


# --------------------------------------------------------------------------- sessions

@pytest.mark.django_db
def test_sessions_list_and_sign_out_one_and_the_others(make_user):
    make_user(employee_code="ses1")
    a = login("ses1", ip="10.4.0.1", agent="Firefox on Linux").json()
    b = login("ses1", ip="10.4.0.2", agent="Chrome on Android").json()
    c = login("ses1", ip="10.4.0.3", agent="Edge on Windows").json()
    client = signed_in(a)
    listed = client.get("auth/sessions").json()
    assert len(listed) == 3
    mine = [s for s in listed if s["current"]]
    assert len(mine) == 1 and mine[0]["user_agent"] == "Firefox on Linux" and mine[0]["ip"] == "10.4.0.1"
    assert {s["user_agent"] for s in listed} == {"Firefox on Linux", "Chrome on Android", "Edge on Windows"}
    assert all(s["last_used_at"] for s in listed)
    chrome = next(s for s in listed if s["user_agent"] == "Chrome on Android")
    assert client.delete(f"auth/sessions/{chrome['id']}").status_code == 204
    assert refresh_status(b["refresh"]) == 401
    assert client.delete(f"auth/sessions/{chrome['id']}").status_code == 404
    # Someone else cannot end my session.
    other_user = make_user()
    edge = next(s for s in client.get("auth/sessions").json() if s["user_agent"] == "Edge on Windows")
    assert ApiClient(other_user).delete(f"auth/sessions/{edge['id']}").status_code == 404
    assert client.post("auth/sessions/revoke-others").status_code == 204
    assert refresh_status(c["refresh"]) == 401
    assert [s["current"] for s in client.get("auth/sessions").json()] == [True]


# --------------------------------------------------------------------------- two-factor by the user

@pytest.mark.django_db
def test_the_user_turns_on_two_factor_then_sign_in_needs_the_code(make_user, smtp_server):  # noqa: F811
    user = make_user(employee_code="tf1", email="tf1@idara.example")
    client = ApiClient(user)
    assert client.post("auth/otp/enable").status_code == 202
    code = _code_from(_wait_for_mail(smtp_server))
    assert client.post("auth/otp/confirm", {"code": "99999x"}).status_code == 422
    assert client.post("auth/otp/confirm", {"code": code}).status_code == 204
    assert User.objects.get(id=user.id).otp_enabled
    first = login("tf1").json()
    assert first["otp_required"] is True and "access" not in first
    sign_in_code = _code_from(_wait_for_mail(smtp_server, 2))
    verified = ApiClient().post("auth/otp/verify", {"challenge_id": first["challenge_id"], "code": sign_in_code})
    assert verified.status_code == 200
    # Off again only with the password.
    assert client.post("auth/otp/disable", {"password": "wrong-wrong"}).status_code == 422
    assert client.post("auth/otp/disable", {"password": PASSWORD}).status_code == 204
    assert "access" in login("tf1").json()


@pytest.mark.django_db
def test_an_admin_requires_two_factor_for_a_role(make_user, api, smtp_server):  # noqa: F811
    admin = make_user(role="admin")
    make_user(employee_code="tf2", role="moderator", email="tf2@idara.example")
    def put(user, body):
        client = ApiClient(user)
        return client.client.put("/api/v1/users/account-settings", body, content_type="application/json",
                                 HTTP_AUTHORIZATION=client.headers["HTTP_AUTHORIZATION"])

    assert put(make_user(role="moderator"), '{"otp_required_roles": []}').status_code == 403
    response = put(admin, '{"otp_required_roles": ["moderator"]}')
    assert response.status_code == 200 and response.json()["otp_required_roles"] == ["moderator"]
    assert login("tf2").json()["otp_required"] is True
    moderator = User.objects.get(employee_code="tf2")
    assert ApiClient(moderator).post("auth/otp/disable", {"password": PASSWORD}).status_code == 403
    assert AccountSettings.current().otp_required_roles == ["moderator"]
    for not_a_number in ('{"sms_sync_minutes": false}', '{"sms_sync_minutes": "15"}', '{"sms_sync_minutes": 1.5}'):
        assert put(admin, not_a_number).status_code == 422, not_a_number
    assert AccountSettings.current().sms_sync_minutes == 0
    # 30.0 is the JSON integer 30 (schemathesis sends it as a valid integer)
    assert put(admin, '{"sms_sync_minutes": 30.0}').status_code == 200
    assert AccountSettings.current().sms_sync_minutes == 30


# --------------------------------------------------------------------------- SMS sign-in

@pytest.mark.django_db
def test_an_sms_linked_user_signs_in_with_the_sms_password_not_a_stale_local_one(make_user, sms):
    make_user(employee_code="S100", sms_external_id="sms-100")  # local password: PASSWORD (stale)
    make_user(employee_code="local1")  # not linked: local password
    sms.employee("sms-100", "S100", "Sara Linked", password="sms-password-1")
    assert login("S100", PASSWORD).status_code == 401
    ok = login("S100", "sms-password-1")
    assert ok.status_code == 200, ok.content
    verify_calls = [r for r in sms.state.requests if r["path"] == "/api/employees/verify"]
    assert len(verify_calls) == 2  # every sign-in asks the SMS: nothing is cached
    assert login("S100", "sms-password-1").status_code == 200
    assert len([r for r in sms.state.requests if r["path"] == "/api/employees/verify"]) == 3
    assert login("local1", PASSWORD).status_code == 200
    assert len([r for r in sms.state.requests if r["path"] == "/api/employees/verify"]) == 3
    # The SMS password is not copied into HDMS.
    assert not User.objects.get(employee_code="S100").check_password("sms-password-1")


@pytest.mark.django_db
def test_sms_down_gives_503_service_unavailable(make_user, sms):
    make_user(employee_code="S101", sms_external_id="sms-101")
    make_user(employee_code="local2")
    sms.employee("sms-101", "S101", "Sana Down", password="sms-password-2")
    sms.stop()
    response = login("S101", "sms-password-2")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert "School Management System" in response.json()["detail"]
    assert login("local2").status_code == 200  # local accounts are unaffected
    assert User.objects.get(employee_code="S101").failed_logins == 0  # an outage is not a failure


# --------------------------------------------------------------------------- scheduled sync

@pytest.mark.django_db
def test_the_scheduled_sync_deactivates_a_leaver_and_ends_their_sessions(make_user, api, sms):
    admin = make_user(role="admin")
    make_user(employee_code="S200", sms_external_id="sms-200")
    leaver = make_user(employee_code="S201", sms_external_id="sms-201")
    sms.employee("sms-200", "S200", "Stays Here", password="sms-pass-200")
    sms.employee("sms-202", "S202", "New Joiner")
    settings_row = AccountSettings.current()
    assert users_sync_scheduled() is None  # 0 minutes: only on demand
    # The leaver is signed in (the SMS still knew them then).
    sms.employee("sms-201", "S201", "Leaves Soon", password="sms-pass-201")
    refresh = login("S201", "sms-pass-201").json()["refresh"]
    sms.state.employees = [e for e in sms.state.employees if e["id"] != "sms-201"]
    settings_row.sms_sync_minutes = 30
    settings_row.save()
    # A dry run reports without changing anything.
    dry = api(admin).post("users/sync", {"dry_run": True}).json()
    assert dry["dry_run"] is True and dry["deactivated"] == 1 and dry["created"] == 1
    assert User.objects.get(id=leaver.id).is_active
    assert not User.objects.filter(employee_code="S202").exists()
    run = users_sync_scheduled()
    assert run is not None and run.status == "ok" and run.trigger == "scheduled"
    assert users_sync_scheduled() is None  # not due again for 30 minutes
    assert not User.objects.get(id=leaver.id).is_active
    assert User.objects.get(employee_code="S202").is_active
    assert refresh_status(refresh) == 401
    assert not RefreshToken.objects.filter(user=leaver, revoked_at__isnull=True).exists()
    rows = {row["employee_code"]: row for row in run.rows}
    assert rows["S201"]["outcome"] == "deactivated" and "no longer listed" in rows["S201"]["reason"]
    assert rows["S202"]["outcome"] == "created"
    runs = api(admin).get("users/sync/runs").json()
    assert [r["trigger"] for r in runs] == ["scheduled", "manual"]
    assert api(make_user(role="moderator")).get("users/sync/runs").status_code == 403
    assert SmsSyncRun.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_sync_is_kept_as_a_failed_run(make_user, api, sms):
    admin = make_user(role="admin")
    sms.stop()
    assert api(admin).post("users/sync").status_code == 503
    run = SmsSyncRun.objects.get()
    assert run.status == "failed" and "School Management System" in run.error
    # A reader gets the code to say in their language; the English detail is for the log.
    [listed] = api(admin).get("users/sync/runs").json()
    assert (listed["status"], listed["error_code"]) == ("failed", "service_unavailable")
