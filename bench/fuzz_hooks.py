"""Schemathesis hooks for bench/fuzz_api.sh: the run signs in as the demo admin and signs in again
when an answer is 401.

Fuzzing every operation as admin includes the ones that end sessions (sign out, sign out other
devices, revoke a session, an admin password reset of oneself): since revoked sessions end at once,
one of them would leave every later request of the run unauthenticated (the coverage phase then
reports dozens of operations that "returned only 401"). Schemathesis re-runs a case once with a
fresh token when it is answered 401, so each case is judged by what it does, not by an earlier case.

Some cases also change what signing in needs (two-factor required for admins in the account
settings, the admin deactivated, locked out, their password reset or their role changed). When
signing in does not give a token, the harness puts the fuzzing admin back as seed_demo made them,
out of band through Django, and signs in again. The desk's answers are still all judged.
"""
import os
import subprocess

import requests
import schemathesis

BASE = os.environ["FUZZ_BASE_URL"]


@schemathesis.auth(retry_on=[401])
class DeskAdmin:
    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
        token = _sign_in()
        if token is None:
            _restore_admin()
            token = _sign_in()
        if token is None:
            raise RuntimeError("signing in as the fuzzing admin failed even after restoring them")
        return token

    def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


USER, PASSWORD = "admin1", "demo12345"

RESTORE = f"""
from hdms.core.roles import Role
from hdms.users.models import AccountSettings, User
AccountSettings.objects.update_or_create(id=1, defaults={{"otp_required_roles": [], "sms_sync_minutes": 0}})
user = User.objects.get(employee_code="{USER}")
user.is_active, user.role, user.otp_enabled = True, Role.ADMIN, False
user.failed_logins, user.locked_until = 0, None
user.set_password("{PASSWORD}")
user.save()
"""


def _sign_in() -> str | None:
    answer = requests.post(f"{BASE}/api/v1/auth/login", timeout=60,
                           json={"employee_code": USER, "password": PASSWORD})
    return answer.json().get("access") if answer.status_code == 200 else None


def _restore_admin() -> None:
    subprocess.run([os.environ["FUZZ_PYTHON"], "manage.py", "shell", "-c", RESTORE],  # noqa: S603
                   cwd=os.environ["FUZZ_BACKEND"], check=True, capture_output=True, timeout=120)
