"""User service routers: /auth, /users, /departments."""

import uuid

from django.http import HttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from hdms.core.auth import ApiRequest
from hdms.core.errors import NotFound
from hdms.core.pagination import PageParams, paginate
from hdms.core.permissions import is_staff, require_admin, require_staff
from hdms.users import auth_services, selectors, services
from hdms.users.schemas import (
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    ImportReportOut,
    LoginIn,
    MePatch,
    OtpRequiredOut,
    OtpVerifyIn,
    RefreshIn,
    SyncReportOut,
    TokenPairOut,
    UserFilters,
    UserIn,
    UserOut,
    UserPage,
    UserPatch,
)

auth_router = Router(tags=["auth"])
users_router = Router(tags=["users"])
departments_router = Router(tags=["departments"])


def _pair_out(pair: auth_services.TokenPair) -> dict:
    return {"access": pair.access, "refresh": pair.refresh, "access_expires_at": pair.access_expires_at,
            "user": pair.user}


@auth_router.post("/login", auth=None, response={200: TokenPairOut | OtpRequiredOut})
def login(request: ApiRequest, payload: LoginIn) -> dict:
    result = auth_services.auth_login(employee_code=payload.employee_code, password=payload.password)
    if isinstance(result, auth_services.OtpRequired):
        return {"otp_required": True, "challenge_id": result.challenge_id}
    return _pair_out(result)


@auth_router.post("/otp/verify", auth=None, response=TokenPairOut)
def otp_verify(request: ApiRequest, payload: OtpVerifyIn) -> dict:
    return _pair_out(auth_services.auth_otp_verify(challenge_id=payload.challenge_id, code=payload.code))


@auth_router.post("/refresh", auth=None, response=TokenPairOut)
def refresh(request: ApiRequest, payload: RefreshIn) -> dict:
    return _pair_out(auth_services.auth_refresh(refresh=payload.refresh))


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
    from hdms.users.importing import users_import

    report = users_import(by=request.auth, filename=file.name or "", fileobj=file.file, dry_run=dry_run)
    return report.as_dict()


@users_router.post("/sync", response=SyncReportOut)
def user_sync(request: ApiRequest) -> dict:
    require_admin(request.auth)
    from hdms.users.sms import users_sync_from_sms

    return users_sync_from_sms(by=request.auth).as_dict()


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
