"""Sessions end when they should (DESIGN §8, issue 10 item 8): an admin password reset, a
deactivation and a reactivation revoke every refresh family of the user."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from hdms.users.models import RefreshToken, User, signed_in_query

PASSWORD = "secret-pass-123"


def _sign_in_twice(api, employee_code):
    """Two sign-ins: two refresh families (two devices)."""
    return [api().post("auth/login", {"employee_code": employee_code, "password": PASSWORD}).json()["refresh"]
            for _ in range(2)]


def _refresh_status(api, refresh):
    response = api().post("auth/refresh", {"refresh": refresh})
    if response.status_code != 200:
        assert response.json()["code"] == "token_invalid"
    return response.status_code


def test_an_admin_password_reset_revokes_every_refresh_family(make_user, api):
    admin = make_user(role="admin")
    user = make_user(employee_code="sess1")
    refreshes = _sign_in_twice(api, "sess1")
    assert api(admin).patch(f"users/{user.id}", {"password": "brand-new-pass-1"}).status_code == 200
    assert [_refresh_status(api, refresh) for refresh in refreshes] == [401, 401]
    assert not RefreshToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    # The new password signs in as usual.
    assert api().post("auth/login", {"employee_code": "sess1", "password": "brand-new-pass-1"}).status_code == 200


def test_a_deactivation_revokes_every_refresh_family(make_user, api):
    admin = make_user(role="admin")
    user = make_user(employee_code="sess2")
    refreshes = _sign_in_twice(api, "sess2")
    assert api(admin).patch(f"users/{user.id}", {"is_active": False}).status_code == 200
    assert not RefreshToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert [_refresh_status(api, refresh) for refresh in refreshes] == [401, 401]


def test_a_reactivation_does_not_bring_old_sessions_back(make_user, api):
    admin = make_user(role="admin")
    user = make_user(employee_code="sess3")
    refreshes = _sign_in_twice(api, "sess3")
    assert api(admin).patch(f"users/{user.id}", {"is_active": False}).status_code == 200
    # Tokens issued before the reactivation stay dead even if revocation had been missed at deactivation.
    RefreshToken.objects.filter(user=user).update(revoked_at=None)
    assert api(admin).patch(f"users/{user.id}", {"is_active": True}).status_code == 200
    assert [_refresh_status(api, refresh) for refresh in refreshes] == [401, 401]
    assert api().post("auth/login", {"employee_code": "sess3", "password": PASSWORD}).status_code == 200


def test_revocations_are_audited(make_user, api):
    from hdms.audit.models import AuditEntry

    admin = make_user(role="admin")
    user = make_user(employee_code="sess4")
    _sign_in_twice(api, "sess4")
    api(admin).patch(f"users/{user.id}", {"password": "brand-new-pass-2"})
    entry = AuditEntry.objects.filter(action="auth.sessions_revoked", object_id=str(user.id)).get()
    assert entry.after == {"reason": "password_reset", "tokens": 2}
    assert entry.actor_id == admin.id


def test_an_ordinary_profile_change_keeps_sessions(make_user, api):
    admin = make_user(role="admin")
    user = make_user(employee_code="sess5")
    refreshes = _sign_in_twice(api, "sess5")
    assert api(admin).patch(f"users/{user.id}", {"full_name": "New Name"}).status_code == 200
    assert [_refresh_status(api, refresh) for refresh in refreshes] == [200, 200]


def test_signed_in_answers_as_its_query_does_in_one_statement(make_user, django_assert_num_queries):
    """The statement built once and reused with new values (``UserManager.signed_in``) answers
    what the ORM query of its rule answers, for every kind of user and session."""
    active, inactive, deleted = make_user(), make_user(is_active=False), make_user()
    User.objects.filter(id=deleted.id).update(is_deleted=True)
    live, ended = uuid.uuid4(), uuid.uuid4()
    for family, revoked in ((live, None), (ended, timezone.now())):
        RefreshToken.objects.create(family=family, user=active, expires_at=timezone.now(), revoked_at=revoked)
    cases = [(user.id, family) for user in (active, inactive, deleted) for family in ("", str(live), str(ended))]
    cases += [(uuid.uuid4(), ""), (str(active.id), str(uuid.uuid4()))]
    for user_id, family in cases:
        expected = next(iter(signed_in_query(User.objects, user_id=user_id, family=family or None)), None)
        with django_assert_num_queries(1):
            found = User.objects.signed_in(user_id=user_id, family=family)
        assert (found and found.pk) == (expected and expected.pk), (user_id, family)
        if found:
            assert (found.role, found.department_id, found.is_active) == (expected.role, expected.department_id, True)
    assert User.objects.signed_in(user_id=active.id, family=str(live)).pk == active.pk
    assert User.objects.signed_in(user_id=active.id, family=str(ended)) is None
    assert User.objects.signed_in(user_id=inactive.id) is None
    for user_id, family in (("not-a-uuid", ""), (active.id, "not-a-uuid")):
        with pytest.raises(ValidationError):
            User.objects.signed_in(user_id=user_id, family=family)
