"""Every read of the user service."""

from typing import Any

from django.db.models import Q, QuerySet

from hdms.users.models import AccountSettings, Department, SmsSyncRun, User


def user_list(*, filters: dict[str, Any] | None = None) -> QuerySet[User]:
    filters = filters or {}
    users = User.objects.select_related("department")
    if filters.get("role"):
        users = users.filter(role=filters["role"])
    if filters.get("department"):
        users = users.filter(department_id=filters["department"])
    if filters.get("is_active") is not None:
        users = users.filter(is_active=filters["is_active"])
    if filters.get("is_approver") is not None:
        users = users.filter(is_approver=filters["is_approver"])
    if filters.get("q"):
        q = filters["q"]
        users = users.filter(Q(employee_code__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q))
    return users.order_by("employee_code")


def users_by_ids(*, ids: list[Any]) -> QuerySet[User]:
    return User.objects.filter(id__in=ids).order_by("employee_code")


def user_get(*, user_id: Any) -> User | None:
    return User.objects.select_related("department").filter(id=user_id).first()


def active_user_by_email(*, email: str) -> User | None:
    """The one active user with this email address (case-insensitive); None when nobody or
    several people have it (an address shared by two accounts names neither)."""
    found = list(User.objects.filter(is_active=True, email__iexact=email.strip())[:2]) if email.strip() else []
    return found[0] if len(found) == 1 else None


def users_by_codes(*, codes: list[str]) -> QuerySet[User]:
    return User.objects.filter(employee_code__in=codes, is_active=True)


def users_among_or_with_role(
    *, ids: Any, roles: list[str], q: str = "", codes: list[str] | None = None,
) -> QuerySet[User]:
    """Active users whose id is in ``ids`` (a list or a one-column queryset) or whose role is one of
    ``roles``; narrowed to those whose code starts with or whose name holds ``q``, or to ``codes``
    (case-insensitive). Ordered by name."""
    users = User.objects.filter(is_active=True).filter(Q(id__in=ids) | Q(role__in=roles))
    q = (q or "").strip()
    if q:
        users = users.filter(Q(employee_code__istartswith=q) | Q(full_name__icontains=q))
    if codes is not None:
        match = Q(pk__in=[])
        for code in codes:
            match |= Q(employee_code__iexact=code)
        users = users.filter(match)
    return users.order_by("full_name", "employee_code")


def user_ids_with_role(*, roles: list[str]) -> list[str]:
    return [str(pk) for pk in User.objects.filter(role__in=roles, is_active=True).values_list("id", flat=True)]


def approvers(*, kind: str) -> QuerySet[User]:
    return User.objects.filter(is_approver=True, approver_kind=kind, is_active=True)


def department_list(*, include_inactive: bool = False) -> QuerySet[Department]:
    departments = Department.objects.all()
    return departments if include_inactive else departments.filter(is_active=True)


def department_get(*, department_id: Any) -> Department | None:
    return Department.objects.filter(id=department_id).first()



def sync_runs(*, limit: int = 20) -> list[SmsSyncRun]:
    return list(SmsSyncRun.objects.order_by("-started_at")[:limit])


def account_settings() -> AccountSettings:
    return AccountSettings.current()
