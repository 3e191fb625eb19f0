"""User service routers: /auth, /users, /departments."""

import uuid

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from hdms.core.auth import ApiRequest
from hdms.core.errors import NotFound
from hdms.core.jwt import decode_access
from hdms.core.middleware import client_ip
from hdms.core.pagination import PageParams, paginate
from hdms.core.permissions import is_staff, require_admin, require_staff
from hdms.users import auth_services, selectors, services
from hdms.users.importing import users_import
from hdms.users.schemas import (
    AccountSettingsIn,
    AccountSettingsOut,
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    ImportReportOut,
    LoginIn,
    MePatch,
    OtpConfirmIn,
    OtpDisableIn,
    OtpRequiredOut,
    OtpVerifyIn,
    PasswordChangeIn,
    PasswordForgotIn,
    PasswordResetIn,
    RefreshIn,
    SessionOut,
    SyncIn,
    SyncRunOut,
    TokenPairOut,
    UserFilters,
    UserIn,
    UserOut,
    UserPage,
    UserPatch,
)
from hdms.users.sms import users_sync_run

auth_router = Router(tags=["auth"])
users_router = Router(tags=["users"])
departments_router = Router(tags=["departments"])


def _pair_out(pair: auth_services.TokenPair) -> dict:
    return {"access": pair.access, "refresh": pair.refresh, "access_expires_at": pair.access_expires_at,
            "user": pair.user}


def _device(request: HttpRequest) -> auth_services.Device:
    return auth_services.Device(user_agent=request.headers.get("User-Agent", "")[:255], ip=client_ip(request))


def _current_family(request: HttpRequest) -> str:
    """The session (refresh family) the caller's access token was issued with."""
    header = request.headers.get("Authorization", "")
    return decode_access(header[7:].strip()).family if header.lower().startswith("bearer ") else ""


@auth_router.post("/login", auth=None, response={200: TokenPairOut | OtpRequiredOut})
def login(request: ApiRequest, payload: LoginIn) -> dict:
    result = auth_services.auth_login(employee_code=payload.employee_code, password=payload.password,
                                      device=_device(request))
    if isinstance(result, auth_services.OtpRequired):
        return {"otp_required": True, "challenge_id": result.challenge_id}
    return _pair_out(result)


@auth_router.post("/otp/verify", auth=None, response=TokenPairOut)
def otp_verify(request: ApiRequest, payload: OtpVerifyIn) -> dict:
    return _pair_out(auth_services.auth_otp_verify(challenge_id=payload.challenge_id, code=payload.code,
                                                   device=_device(request)))


@auth_router.post("/refresh", auth=None, response=TokenPairOut)
def refresh(request: ApiRequest, payload: RefreshIn) -> dict:
    return _pair_out(auth_services.auth_refresh(refresh=payload.refresh, device=_device(request)))


@auth_router.post("/logout", auth=None, response={204: None})
def logout(request: ApiRequest, payload: RefreshIn) -> tuple[int, None]:
    auth_services.auth_logout(refresh=payload.refresh)
    return 204, None


@auth_router.get("/me", response=UserOut)
def me(request: ApiRequest):
    return request.auth


@auth_router.patch("/me", response=UserOut)
def me_update(request: ApiRequest, payload: MePatch):
    """What a person sets for themselves: the language the desk speaks to them in (emails too)."""
    return services.user_set_language(user=request.auth, language=payload.language)


@auth_router.post("/password/change", response={204: None})
def password_change(request: ApiRequest, payload: PasswordChangeIn) -> tuple[int, None]:
    auth_services.auth_password_change(user=request.auth, current_password=payload.current_password,
                                       new_password=payload.new_password, current_family=_current_family(request))
    return 204, None


@auth_router.post("/password/forgot", auth=None, response={202: None})
def password_forgot(request: ApiRequest, payload: PasswordForgotIn) -> tuple[int, None]:
    auth_services.auth_password_forgot(employee_code=payload.employee_code)
    return 202, None


@auth_router.post("/password/reset", auth=None, response={204: None})
def password_reset(request: ApiRequest, payload: PasswordResetIn) -> tuple[int, None]:
    auth_services.auth_password_reset(employee_code=payload.employee_code, code=payload.code,
                                      new_password=payload.new_password)
    return 204, None


@auth_router.get("/sessions", response=list[SessionOut])
def sessions(request: ApiRequest) -> list[dict]:
    return auth_services.auth_sessions(user=request.auth, current_family=_current_family(request))


@auth_router.post("/sessions/revoke-others", response={204: None})
def sessions_revoke_others(request: ApiRequest) -> tuple[int, None]:
    auth_services.auth_sessions_revoke_others(user=request.auth, current_family=_current_family(request))
    return 204, None


@auth_router.delete("/sessions/{session_id}", response={204: None})
def session_revoke(request: ApiRequest, session_id: uuid.UUID) -> tuple[int, None]:
    auth_services.auth_session_revoke(user=request.auth, session_id=session_id)
    return 204, None


@auth_router.post("/otp/enable", response={202: None})
def otp_enable(request: ApiRequest) -> tuple[int, None]:
    auth_services.auth_otp_enable(user=request.auth)
    return 202, None


@auth_router.post("/otp/confirm", response={204: None})
def otp_confirm(request: ApiRequest, payload: OtpConfirmIn) -> tuple[int, None]:
    auth_services.auth_otp_confirm(user=request.auth, code=payload.code)
    return 204, None


@auth_router.post("/otp/disable", response={204: None})
def otp_disable(request: ApiRequest, payload: OtpDisableIn) -> tuple[int, None]:
    auth_services.auth_otp_disable(user=request.auth, password=payload.password)
    return 204, None


@users_router.get("", response=UserPage)
def user_list(request: ApiRequest, filters: Query[UserFilters], page: Query[PageParams]) -> dict:
    require_staff(request.auth)
    return paginate(request, selectors.user_list(filters=filters.dict()), page)


@users_router.post("", response={201: UserOut})
def user_create(request: ApiRequest, payload: UserIn) -> tuple[int, object]:
    require_admin(request.auth)
    return 201, services.user_create(by=request.auth, **payload.dict())


@users_router.post("/import", response=ImportReportOut)
def user_import(request: ApiRequest, file: File[UploadedFile], dry_run: Form[bool] = False) -> dict:
    require_admin(request.auth)
    report = users_import(by=request.auth, filename=file.name or "", fileobj=file, dry_run=dry_run)
    return report.as_dict()


@users_router.post("/sync", response=SyncRunOut)
def user_sync(request: ApiRequest, payload: SyncIn):
    require_admin(request.auth)
    return users_sync_run(by=request.auth, trigger="manual", dry_run=payload.dry_run)


@users_router.get("/sync/runs", response=list[SyncRunOut])
def user_sync_runs(request: ApiRequest, limit: int = 20):
    require_admin(request.auth)
    return selectors.sync_runs(limit=max(1, min(limit, 100)))


@users_router.get("/account-settings", response=AccountSettingsOut)
def account_settings(request: ApiRequest):
    require_admin(request.auth)
    return selectors.account_settings()


@users_router.put("/account-settings", response=AccountSettingsOut)
def account_settings_update(request: ApiRequest, payload: AccountSettingsIn):
    require_admin(request.auth)
    return services.account_settings_update(by=request.auth, **payload.dict(exclude_unset=True))


@users_router.post("/{user_id}/unlock", response=UserOut)
def user_unlock(request: ApiRequest, user_id: uuid.UUID):
    require_admin(request.auth)
    return auth_services.auth_unlock(by=request.auth, user_id=user_id)


@users_router.get("/{user_id}", response=UserOut)
def user_detail(request: ApiRequest, user_id: uuid.UUID):
    if str(user_id) != str(request.auth.id):
        require_staff(request.auth)
    user = selectors.user_get(user_id=user_id)
    if user is None:
        raise NotFound()
    return user


@users_router.patch("/{user_id}", response=UserOut)
def user_update(request: ApiRequest, user_id: uuid.UUID, payload: UserPatch):
    require_admin(request.auth)
    return services.user_update(by=request.auth, user_id=user_id, **payload.dict(exclude_unset=True))


@users_router.delete("/{user_id}", response={204: None})
def user_delete(request: ApiRequest, user_id: uuid.UUID) -> tuple[int, None]:
    require_admin(request.auth)
    services.user_delete(by=request.auth, user_id=user_id)
    return 204, None


@departments_router.get("", response=list[DepartmentOut])
def department_list(request: ApiRequest, include_inactive: bool = False):
    return selectors.department_list(include_inactive=include_inactive and is_staff(request.auth))


@departments_router.post("", response={201: DepartmentOut})
def department_create(request: ApiRequest, payload: DepartmentIn) -> tuple[int, object]:
    require_admin(request.auth)
    return 201, services.department_create(by=request.auth, code=payload.code, name=payload.name)


@departments_router.get("/{department_id}", response=DepartmentOut)
def department_detail(request: ApiRequest, department_id: uuid.UUID):
    department = selectors.department_get(department_id=department_id)
    if department is None:
        raise NotFound()
    return department


@departments_router.patch("/{department_id}", response=DepartmentOut)
def department_update(request: ApiRequest, department_id: uuid.UUID, payload: DepartmentPatch):
    require_admin(request.auth)
    return services.department_update(by=request.auth, department_id=department_id,
                                      **payload.dict(exclude_unset=True))


@departments_router.delete("/{department_id}", response={204: None})
def department_delete(request: ApiRequest, department_id: uuid.UUID) -> HttpResponse | tuple[int, None]:
    require_admin(request.auth)
    services.department_delete(by=request.auth, department_id=department_id)
    return 204, None


routes = [("/auth", auth_router), ("/users", users_router), ("/departments", departments_router)]
