from hdms.testing.matrix import Case

SIGNED_IN = {"requestor": 200, "assignee": 200, "moderator": 200, "admin": 200}
STAFF_READ = {"moderator": 200, "admin": 200}
ADMIN_ONLY = {"admin": 200}


def cases(world):
    requestor = world.users["requestor"]
    other = world.users["other_requestor"]
    it = world.departments["IT"]
    bad_login = {"employee_code": "nobody", "password": "wrong-password"}
    anonymous_401 = {r: 401 for r in ("anonymous", "requestor", "assignee", "moderator", "admin")}
    validation = {r: 422 for r in ("anonymous", "requestor", "assignee", "moderator", "admin")}
    return [
        Case("POST", "/api/v1/auth/login", "/api/v1/auth/login", anonymous_401, body=bad_login),
        Case("POST", "/api/v1/auth/otp/verify", "/api/v1/auth/otp/verify", anonymous_401,
             body={"challenge_id": "00000000-0000-0000-0000-000000000000", "code": "123456"}),
        Case("POST", "/api/v1/auth/refresh", "/api/v1/auth/refresh", anonymous_401, body={"refresh": "x"}),
        Case("POST", "/api/v1/auth/logout", "/api/v1/auth/logout", validation, body={}),
        Case("GET", "/api/v1/auth/me", "/api/v1/auth/me", SIGNED_IN),
        Case("PATCH", "/api/v1/auth/me", "/api/v1/auth/me", SIGNED_IN, body={"language": "en"}),
        Case("POST", "/api/v1/auth/password/change", "/api/v1/auth/password/change",
             {r: 422 for r in SIGNED_IN}, body={"current_password": "not-the-password", "new_password": "x-new-pass-9"},
             note="signed-in users only; a wrong current password is 422"),
        Case("POST", "/api/v1/auth/password/forgot", "/api/v1/auth/password/forgot",
             {r: 202 for r in ("anonymous", *SIGNED_IN)}, body={"employee_code": "nobody"},
             note="202 whatever the code"),
        Case("POST", "/api/v1/auth/password/reset", "/api/v1/auth/password/reset", validation,
             body={"employee_code": "nobody", "code": "123456", "new_password": "x-new-pass-9"}),
        Case("GET", "/api/v1/auth/sessions", "/api/v1/auth/sessions", SIGNED_IN),
        Case("POST", "/api/v1/auth/sessions/revoke-others", "/api/v1/auth/sessions/revoke-others",
             {r: 204 for r in SIGNED_IN}),
        Case("DELETE", "/api/v1/auth/sessions/{session_id}",
             "/api/v1/auth/sessions/00000000-0000-0000-0000-000000000000", {r: 404 for r in SIGNED_IN},
             note="only one's own sessions; an unknown one is 404"),
        Case("POST", "/api/v1/auth/otp/enable", "/api/v1/auth/otp/enable", {r: 202 for r in SIGNED_IN}),
        Case("POST", "/api/v1/auth/otp/confirm", "/api/v1/auth/otp/confirm", {r: 422 for r in SIGNED_IN},
             body={"code": "000000"}, note="no code was sent: 422"),
        Case("POST", "/api/v1/auth/otp/disable", "/api/v1/auth/otp/disable", {r: 422 for r in SIGNED_IN},
             body={"password": "not-the-password"}, note="a wrong password is 422"),
        Case("GET", "/api/v1/users/sync/runs", "/api/v1/users/sync/runs", ADMIN_ONLY),
        Case("GET", "/api/v1/users/account-settings", "/api/v1/users/account-settings", ADMIN_ONLY),
        Case("PUT", "/api/v1/users/account-settings", "/api/v1/users/account-settings", ADMIN_ONLY,
             body={"sms_sync_minutes": 0}),
        Case("POST", "/api/v1/users/{user_id}/unlock", f"/api/v1/users/{other.id}/unlock", ADMIN_ONLY),
        Case("GET", "/api/v1/users", "/api/v1/users", STAFF_READ),
        Case("POST", "/api/v1/users", "/api/v1/users", {"admin": 201},
             body={"employee_code": "matrix-new", "full_name": "Matrix New", "password": "long-password-1"}),
        Case("POST", "/api/v1/users/import", "/api/v1/users/import", {"admin": 200},
             multipart={"file": _csv(), "dry_run": "true"}),
        Case("POST", "/api/v1/users/sync", "/api/v1/users/sync", {"admin": 503},
             note="no School Management System is configured in tests: the admin gets 503"),
        Case("GET", "/api/v1/users/{user_id}", f"/api/v1/users/{other.id}", STAFF_READ),
        Case("GET", "/api/v1/users/{user_id}", f"/api/v1/users/{requestor.id}", {**STAFF_READ, "requestor": 200},
             note="everyone reads their own record"),
        Case("PATCH", "/api/v1/users/{user_id}", f"/api/v1/users/{other.id}", ADMIN_ONLY,
             body={"full_name": "Renamed"}),
        Case("DELETE", "/api/v1/users/{user_id}", f"/api/v1/users/{other.id}", {"admin": 204}),
        Case("GET", "/api/v1/departments", "/api/v1/departments", SIGNED_IN),
        Case("POST", "/api/v1/departments", "/api/v1/departments", {"admin": 201},
             body={"code": "NEWD", "name": "New"}),
        Case("GET", "/api/v1/departments/{department_id}", f"/api/v1/departments/{it.id}", SIGNED_IN),
        Case("PATCH", "/api/v1/departments/{department_id}", f"/api/v1/departments/{it.id}", ADMIN_ONLY,
             body={"name": "Information Technology"}),
        Case("DELETE", "/api/v1/departments/{department_id}", f"/api/v1/departments/{it.id}", {"admin": 204}),
    ]


def _csv():
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = b"employee_code,full_name,role\nmatrix-imp,Imported Person,requestor\n"
    return SimpleUploadedFile("users.csv", content, content_type="text/csv")
