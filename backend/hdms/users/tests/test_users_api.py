from hdms.audit.models import AuditEntry
from hdms.users.models import User


def test_admin_creates_a_user_with_an_argon2_capable_password(make_user, api, department):
    admin = make_user(role="admin")
    response = api(admin).post("users", {
        "employee_code": "new1", "full_name": "New Person", "password": "long-enough-1",
        "role": "assignee", "department_id": str(department.id), "email": "new1@idara.example",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["role"] == "assignee"
    assert body["department_id"] == str(department.id)
    user = User.objects.get(employee_code="new1")
    assert user.check_password("long-enough-1")
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.id), actor_id=admin.id).exists()


def test_duplicate_employee_code_is_a_validation_error(make_user, api):
    admin = make_user(role="admin")
    make_user(employee_code="dup1")
    response = api(admin).post("users", {"employee_code": "DUP1", "full_name": "X"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_approver_without_kind_is_refused(make_user, api):
    admin = make_user(role="admin")
    response = api(admin).post("users", {"employee_code": "ap1", "full_name": "X", "is_approver": True})
    assert response.status_code == 422
    assert not User.objects.filter(employee_code="ap1").exists()


def test_role_change_is_audited_with_before_and_after(make_user, api):
    admin = make_user(role="admin")
    target = make_user(role="requestor")
    response = api(admin).patch(f"users/{target.id}", {"role": "moderator", "version": target.version})
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "moderator"
    entry = AuditEntry.objects.get(action="user.role_change", object_id=str(target.id))
    assert entry.before["role"] == "requestor"
    assert entry.after["role"] == "moderator"


def test_stale_version_is_409_and_changes_nothing(make_user, api):
    admin = make_user(role="admin")
    target = make_user(full_name="Before")
    assert api(admin).patch(f"users/{target.id}", {"full_name": "First", "version": 1}).status_code == 200
    stale = api(admin).patch(f"users/{target.id}", {"full_name": "Second", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    target.refresh_from_db()
    assert target.full_name == "First"


def test_deactivated_user_cannot_use_old_tokens_or_sign_in(make_user, api):
    admin = make_user(role="admin")
    target = make_user(employee_code="gone1")
    client = api(target)
    assert client.get("auth/me").status_code == 200
    assert api(admin).patch(f"users/{target.id}", {"is_active": False}).status_code == 200
    target.refresh_from_db()
    assert target.is_active is False
    assert client.get("auth/me").status_code == 401
    assert api().post("auth/login", {"employee_code": "gone1", "password": "secret-pass-123"}).status_code == 401


def test_user_list_filters_and_paginates(make_user, api, department):
    moderator = make_user(role="moderator")
    for _ in range(3):
        make_user(role="assignee", department=department)
    make_user(role="requestor")
    response = api(moderator).get("users", {"role": "assignee", "department": str(department.id), "page_size": 2})
    body = response.json()
    assert body["count"] == 3
    assert len(body["items"]) == 2
    assert body["next"].startswith("/api/v1/users?")
    second = api(moderator).get(body["next"]).json()
    assert len(second["items"]) == 1
    assert second["next"] is None


def test_a_user_reads_their_own_record_but_not_others(make_user, api):
    me = make_user()
    other = make_user()
    assert api(me).get(f"users/{me.id}").status_code == 200
    assert api(me).get(f"users/{other.id}").status_code == 403


def test_departments_are_readable_by_everyone_and_managed_by_admins(make_user, api):
    admin = make_user(role="admin")
    requestor = make_user()
    created = api(admin).post("departments", {"code": "lib", "name": "Library"})
    assert created.status_code == 201
    assert created.json()["code"] == "LIB"
    assert any(d["code"] == "LIB" for d in api(requestor).get("departments").json())
    dep_id = created.json()["id"]
    assert api(requestor).patch(f"departments/{dep_id}", {"name": "X"}).status_code == 403
    renamed = api(admin).patch(f"departments/{dep_id}", {"name": "Central Library", "version": 1})
    assert renamed.json()["name"] == "Central Library"
    assert api(admin).delete(f"departments/{dep_id}").status_code == 204
    assert api(requestor).get(f"departments/{dep_id}").status_code == 404


def test_an_admin_cannot_deactivate_or_demote_themselves(make_user, api):
    admin = make_user(role="admin")
    assert api(admin).delete(f"users/{admin.id}").status_code == 403
    assert api(admin).patch(f"users/{admin.id}", {"role": "requestor"}).status_code == 403
    admin.refresh_from_db()
    assert admin.is_active and admin.role == "admin"


def test_array_bodies_are_refused(make_user, api):
    admin = make_user(role="admin")
    target = make_user(full_name="Kept")
    response = api(admin).patch(f"users/{target.id}", [None, None])
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_deleting_a_user_hides_them_but_keeps_the_code_taken(make_user, api):
    admin = make_user(role="admin")
    target = make_user(employee_code="del1")
    assert api(admin).delete(f"users/{target.id}").status_code == 204
    assert api(admin).get(f"users/{target.id}").status_code == 404
    assert User.all_objects.get(id=target.id).is_active is False
    again = api(admin).post("users", {"employee_code": "del1", "full_name": "Someone Else"})
    assert again.status_code == 422


def test_booleans_are_not_coerced_from_numbers(make_user, api):
    admin = make_user(role="admin")
    target = make_user()
    assert api(admin).patch(f"users/{target.id}", {"is_approver": 0}).status_code == 422


def test_names_of_only_invisible_characters_are_refused_and_bidi_controls_removed(make_user, api):
    """Issue 10 item 12: the same text rule as ticket titles (hdms.core.text)."""
    admin = api(make_user(role="admin"))
    for name in ("\u200b\u200d", " \u3164\u2800 ", "\u202e\u2069"):
        response = admin.post("users", {"employee_code": "E100", "full_name": name, "role": "requestor"})
        assert response.status_code == 422 and response.json()["code"] == "validation_error", name
    assert not User.objects.filter(employee_code="E100").exists()
    response = admin.post("users", {"employee_code": "E100", "full_name": "Ali \u202enahK\u202c", "role": "requestor"})
    assert response.status_code == 201 and response.json()["full_name"] == "Ali nahK"
    user = response.json()
    response = admin.patch(f"users/{user['id']}", {"version": user["version"], "full_name": "\ufeff\u200b"})
    assert response.status_code == 422
    response = admin.patch(f"users/{user['id']}", {"version": user["version"], "full_name": "\u2066Sara\u2069 Ali"})
    assert response.status_code == 200 and response.json()["full_name"] == "Sara Ali"
