import uuid
from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, EmailStr, StrictBool

from hdms.core.text import VisibleLine, visible_line_field
from hdms.users.auth_services import otp_required_by_role, sms_manages_password
from hdms.users.models import User
from hdms.users.rules import (
    EMPLOYEE_CODE_MAX,
    EMPLOYEE_CODE_PATTERN,
    EMPLOYEE_CODE_RULE,
    PASSWORD_MAX,
    PASSWORD_MIN,
    account_locked,
    user_allowed_actions,
)


class StrictIn(Schema):
    """Input that names an unknown field is refused (422), as the OpenAPI schema says."""

    model_config = ConfigDict(extra="forbid")


def _a_json_number(value: object) -> object:
    if isinstance(value, bool | str):
        raise ValueError("expected a whole number")
    return value


# A JSON integer: 1812 and 1812.0 are the same number to JSON Schema, so both are taken; true/false
# and "15" (which lax validation would read as 1/0 and 15) and 1812.5 are refused.
WholeNumber = Annotated[int, BeforeValidator(_a_json_number)]


RoleName = Literal["requestor", "moderator", "assignee", "admin"]
ApproverKindName = Literal["finance", "ceo"]
EmployeeCode = Field(..., min_length=1, max_length=EMPLOYEE_CODE_MAX, pattern=EMPLOYEE_CODE_PATTERN,
                     description=EMPLOYEE_CODE_RULE)


class DepartmentOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    is_active: bool
    version: int


class DepartmentIn(StrictIn):
    code: str = Field(..., min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(..., min_length=1, max_length=120)


class DepartmentPatch(StrictIn):
    code: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str | None = Field(None, min_length=1, max_length=120)
    is_active: StrictBool | None = None
    version: int | None = Field(None, ge=1)


class UserOut(Schema):
    id: uuid.UUID
    employee_code: str
    full_name: str
    email: str
    phone: str
    role: str
    department_id: uuid.UUID | None
    department_name: str | None = Field(None, alias="department.name")
    is_approver: bool
    approver_kind: str | None
    is_active: bool
    otp_enabled: bool
    language: str
    version: int
    created_at: datetime
    last_login: datetime | None
    locked_until: datetime | None = None
    otp_required: bool = Field(False, description="An admin requires two-factor for the user's role.")
    sms_linked: bool = Field(False, description="Signs in with the School Management System password.")
    locked: bool = Field(False, description="Locked now by repeated failed sign-ins (until locked_until).")
    allowed_actions: list[str] = Field(
        default_factory=list, description="What the caller may do to this account now: unlock.")

    @staticmethod
    def resolve_locked(obj: object) -> bool:
        return account_locked(obj)

    @staticmethod
    def resolve_allowed_actions(obj: object, context: dict | None = None) -> list[str]:
        request = (context or {}).get("request")
        return user_allowed_actions(viewer=getattr(request, "auth", None), user=obj)

    @staticmethod
    def resolve_otp_required(obj: User) -> bool:
        return otp_required_by_role(obj)

    @staticmethod
    def resolve_sms_linked(obj: User) -> bool:
        return sms_manages_password(obj)


class UserIn(StrictIn):
    employee_code: str = EmployeeCode
    full_name: VisibleLine = visible_line_field(..., max_length=150)
    password: str | None = Field(None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    email: EmailStr | Literal[""] = ""
    phone: str = Field("", max_length=32)
    role: RoleName = "requestor"
    department_id: uuid.UUID | None = None
    is_approver: StrictBool = False
    approver_kind: ApproverKindName | None = None
    otp_enabled: StrictBool = False


class UserPatch(StrictIn):
    full_name: VisibleLine | None = visible_line_field(None, max_length=150)
    password: str | None = Field(None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    email: EmailStr | Literal[""] | None = None
    phone: str | None = Field(None, max_length=32)
    role: RoleName | None = None
    department_id: uuid.UUID | None = None
    is_approver: StrictBool | None = None
    approver_kind: ApproverKindName | None = None
    is_active: StrictBool | None = None
    otp_enabled: StrictBool | None = None
    language: Literal["en", "ur"] | None = None
    version: int | None = Field(None, ge=1)


class MePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    language: Literal["en", "ur"]


class UserFilters(Schema):
    role: RoleName | None = None
    department: uuid.UUID | None = None
    is_active: bool | None = None
    is_approver: bool | None = None
    q: str | None = Field(None, max_length=100)


class UserPage(Schema):
    items: list[UserOut]
    count: int
    next: str | None


class LoginIn(StrictIn):
    employee_code: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=1, max_length=256)


class TokenPairOut(Schema):
    access: str
    refresh: str
    access_expires_at: datetime
    user: UserOut


class OtpRequiredOut(Schema):
    otp_required: bool = True
    challenge_id: uuid.UUID


class OtpVerifyIn(StrictIn):
    challenge_id: uuid.UUID
    code: str = Field(..., min_length=6, max_length=6, pattern=r"^\d{6}$")


class RefreshIn(StrictIn):
    refresh: str = Field(..., min_length=1, max_length=2048)


class ImportRowOut(Schema):
    row: int
    employee_code: str
    result: Literal["created", "updated", "unchanged", "refused"]
    errors: list[str]


class ImportReportOut(Schema):
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    refused: int
    rows: list[ImportRowOut]


class SyncReportOut(Schema):
    created: int
    updated: int
    deactivated: int
    unchanged: int
    refused: int
    errors: list[str]


class PasswordChangeIn(StrictIn):
    current_password: str = Field(..., min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(..., min_length=1, max_length=PASSWORD_MAX)


class PasswordForgotIn(StrictIn):
    employee_code: str = Field(..., min_length=1, max_length=64)


class PasswordResetIn(StrictIn):
    employee_code: str = Field(..., min_length=1, max_length=64)
    code: str = Field(..., min_length=1, max_length=12)
    new_password: str = Field(..., min_length=1, max_length=PASSWORD_MAX)


class SessionOut(Schema):
    id: uuid.UUID
    created_at: datetime
    last_used_at: datetime
    user_agent: str
    ip: str
    current: bool


class OtpConfirmIn(StrictIn):
    code: str = Field(..., min_length=1, max_length=12)


class OtpDisableIn(StrictIn):
    password: str = Field(..., min_length=1, max_length=PASSWORD_MAX)


class AccountSettingsOut(Schema):
    otp_required_roles: list[RoleName]
    sms_sync_minutes: int


class AccountSettingsIn(StrictIn):
    otp_required_roles: list[RoleName] | None = None
    # A WholeNumber with its bounds before the validator: after it (or on the field) they reached
    # the OpenAPI schema as "ge"/"le", which JSON Schema does not know (schemathesis sent -30794).
    sms_sync_minutes: Annotated[int, Field(ge=0, le=7 * 24 * 60), BeforeValidator(_a_json_number)] | None = Field(
        None, description="0 = only on demand")


class SyncIn(StrictIn):
    dry_run: StrictBool = False


class SyncRowOut(Schema):
    employee_code: str
    sms_id: str
    outcome: Literal["created", "updated", "deactivated", "refused"]
    reason: str


class SyncRunOut(Schema):
    id: uuid.UUID
    started_at: datetime
    finished_at: datetime | None
    trigger: Literal["manual", "scheduled"]
    dry_run: bool
    by_id: uuid.UUID | None
    status: Literal["running", "ok", "failed"]
    error: str
    error_code: str = Field(..., description="A failed run's error code (DESIGN §4); clients say it in words, "
                                            "`error` is the English detail.")
    created: int
    updated: int
    deactivated: int
    unchanged: int
    refused: int
    rows: list[SyncRowOut]
