"""Every write of the user service: users and departments."""

from typing import Any

from django.db import transaction
from django.db.models import F

from hdms.audit.services import audit_record
from hdms.core.errors import Forbidden, NotFound, ValidationFailed, VersionConflict
from hdms.core.events import publish_on_commit
from hdms.core.roles import ApproverKind, Role
from hdms.core.text import clean_line
from hdms.users.auth_services import auth_sessions_revoke_all
from hdms.users.models import AccountSettings, Department, User
from hdms.users.rules import employee_code_problem

# A change of one of these may change what the user can see or do (open sockets re-check).
ACCESS_FIELDS = ("is_active", "role", "department_id", "is_approver", "approver_kind")

USER_AUDIT_FIELDS = ("employee_code", "full_name", "email", "role", "department_id", "is_approver",
                     "approver_kind", "is_active", "otp_enabled")


def user_snapshot(user: User) -> dict[str, Any]:
    return {field: _jsonable(getattr(user, field)) for field in USER_AUDIT_FIELDS}


def _jsonable(value: Any) -> Any:
    return str(value) if value is not None and not isinstance(value, bool | int | str) else value


def _check_approver(is_approver: bool, approver_kind: str | None) -> None:
    if approver_kind and approver_kind not in ApproverKind.values:
        raise ValidationFailed(errors=[{"loc": ["approver_kind"], "msg": "must be finance or ceo"}])
    if is_approver and not approver_kind:
        raise ValidationFailed(
            "An approver needs an approver kind (finance or ceo).",
            errors=[{"loc": ["approver_kind"], "msg": "required for approvers"}],
        )


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationFailed(errors=[{"loc": ["role"], "msg": f"must be one of {', '.join(Role.values)}"}])


@transaction.atomic
def department_create(*, by: User | None, code: str, name: str) -> Department:
    code = code.strip().upper()
    if Department.all_objects.filter(code=code).exists():
        raise ValidationFailed(f"A department with code {code} exists.", errors=[{"loc": ["code"], "msg": "taken"}])
    department = Department.objects.create(code=code, name=name.strip())
    audit_record(action="department.create", actor=by, object_type="department", object_id=department.id,
                 after={"code": department.code, "name": department.name})
    return department


@transaction.atomic
def department_update(*, by: User | None, department_id: Any, version: int | None = None, **changes: Any) -> Department:
    department = Department.objects.select_for_update().filter(id=department_id).first()
    if department is None:
        raise NotFound()
    if version is not None and version != department.version:
        raise VersionConflict()
    before = {"code": department.code, "name": department.name, "is_active": department.is_active}
    for field in ("name", "is_active"):
        if changes.get(field) is not None:
            setattr(department, field, changes[field])
    if changes.get("code"):
        code = changes["code"].strip().upper()
        if Department.all_objects.filter(code=code).exclude(id=department.id).exists():
            raise ValidationFailed(f"A department with code {code} exists.", errors=[{"loc": ["code"], "msg": "taken"}])
        department.code = code
    department.version += 1
    department.save()
    audit_record(action="department.update", actor=by, object_type="department", object_id=department.id,
                 before=before, after={"code": department.code, "name": department.name,
                                       "is_active": department.is_active})
    return department


@transaction.atomic
def department_delete(*, by: User | None, department_id: Any) -> None:
    department = Department.objects.select_for_update().filter(id=department_id).first()
    if department is None:
        raise NotFound()
    department.is_deleted = True
    department.is_active = False
    department.version += 1
    department.save()
    audit_record(action="department.delete", actor=by, object_type="department", object_id=department.id,
                 before={"code": department.code})


def _department_or_error(department_id: Any) -> Department | None:
    if department_id in (None, ""):
        return None
    department = Department.objects.filter(id=department_id).first()
    if department is None:
        raise ValidationFailed("Unknown department.", errors=[{"loc": ["department_id"], "msg": "not found"}])
    return department


@transaction.atomic
def user_create(
    *,
    by: User | None,
    employee_code: str,
    full_name: str,
    password: str | None = None,
    email: str = "",
    role: str = Role.REQUESTOR,
    department_id: Any = None,
    is_approver: bool = False,
    approver_kind: str | None = None,
    otp_enabled: bool = False,
    phone: str = "",
    sms_external_id: str | None = None,
) -> User:
    employee_code = employee_code.strip()
    problem = employee_code_problem(employee_code)
    if problem:
        raise ValidationFailed(f"Employee code: {problem}.", errors=[{"loc": ["employee_code"], "msg": problem}])
    _check_role(role)
    _check_approver(is_approver, approver_kind)
    if User.all_objects.filter(employee_code__iexact=employee_code).exists():
        raise ValidationFailed(
            f"Employee code {employee_code} is taken.", errors=[{"loc": ["employee_code"], "msg": "taken"}]
        )
    user = User(
        employee_code=employee_code,
        full_name=clean_line(full_name, field="full_name"),
        email=email.strip(),
        role=role,
        department=_department_or_error(department_id),
        is_approver=is_approver,
        approver_kind=approver_kind or None,
        otp_enabled=otp_enabled,
        phone=phone,
        sms_external_id=sms_external_id,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(action="user.create", actor=by, object_type="user", object_id=user.id, after=user_snapshot(user))
    return user


@transaction.atomic
def user_update(*, by: User | None, user_id: Any, version: int | None = None, **changes: Any) -> User:
    user = User.objects.select_for_update().filter(id=user_id).first()
    if user is None:
        raise NotFound()
    if version is not None and version != user.version:
        raise VersionConflict()
    if getattr(by, "id", None) == user.id and (
        changes.get("is_active") is False or changes.get("role") not in (None, user.role)
    ):
        raise Forbidden("You cannot deactivate your own account or change your own role.")
    before = user_snapshot(user)
    if "role" in changes and changes["role"] is not None:
        _check_role(changes["role"])
    if "department_id" in changes:
        user.department = _department_or_error(changes.pop("department_id"))
    password = changes.pop("password", None)
    if changes.get("full_name") is not None:
        changes["full_name"] = clean_line(changes["full_name"], field="full_name")
    for field in ("full_name", "email", "phone", "role", "is_approver", "approver_kind", "is_active",
                  "otp_enabled", "language", "sms_external_id"):
        if field in changes and (changes[field] is not None or field == "approver_kind"):
            setattr(user, field, changes[field])
    if not user.is_approver:
        user.approver_kind = None
    _check_approver(user.is_approver, user.approver_kind)
    if password:
        user.set_password(password)
    user.version += 1
    user.save()
    after = user_snapshot(user)
    if password or before["is_active"] != after["is_active"]:
        reason = "password_reset" if password else ("deactivated" if not user.is_active else "reactivated")
        auth_sessions_revoke_all(user=user, by=by, reason=reason)
    action = "user.role_change" if before["role"] != after["role"] or before["is_approver"] != after["is_approver"] \
        else "user.update"
    audit_record(action=action, actor=by, object_type="user", object_id=user.id, before=before, after=after)
    if any(before[field] != after[field] for field in ACCESS_FIELDS):
        publish_on_commit("user.access_changed", user_id=str(user.id), active=user.is_active)
    return user


def user_deactivate(*, by: User | None, user_id: Any) -> User:
    """Deactivation is soft: the user can no longer sign in, and their history stays."""
    return user_update(by=by, user_id=user_id, is_active=False)


@transaction.atomic
def user_delete(*, by: User | None, user_id: Any) -> None:
    """Soft delete: deactivated and hidden from lists and look-ups; the row and its history stay,
    and the employee code stays taken."""
    user = user_deactivate(by=by, user_id=user_id)
    User.all_objects.filter(id=user.id).update(is_deleted=True, version=F("version") + 1)
    audit_record(action="user.delete", actor=by, object_type="user", object_id=user.id)


def user_set_language(*, user: User, language: str) -> User:
    """A person's own language (``en``/``ur``): the web app's language switch and their emails."""
    if language not in ("en", "ur"):
        raise ValidationFailed(errors=[{"loc": ["language"], "msg": "invalid", "code": "invalid_choice"}])
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


@transaction.atomic
def account_settings_update(*, by: User | None, otp_required_roles: list[str] | None = None,
                            sms_sync_minutes: int | None = None) -> AccountSettings:
    current = AccountSettings.current()
    row = AccountSettings.objects.select_for_update().get(id=current.id)
    before = {"otp_required_roles": row.otp_required_roles, "sms_sync_minutes": row.sms_sync_minutes}
    if otp_required_roles is not None:
        row.otp_required_roles = sorted(set(otp_required_roles))
    if sms_sync_minutes is not None:
        row.sms_sync_minutes = sms_sync_minutes
    row.save()
    audit_record(action="users.account_settings", actor=by, object_type="account_settings", object_id=row.id,
                 before=before, after={"otp_required_roles": row.otp_required_roles,
                                       "sms_sync_minutes": row.sms_sync_minutes})
    return row
