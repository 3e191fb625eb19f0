"""The School Management System (SMS) REST bridge and the user sync built on it.

Contract (docs/users-import.md): ``GET {SMS_BASE_URL}/employees?page=N`` with
``Authorization: Bearer {SMS_TOKEN}`` answers
``{"results": [{"id", "employee_code", "full_name", "email", "department_code", "status", "phone"}],
"next": <absolute or relative URL of the next page, or null>}``.

The sync reads the whole listing first and only then writes, in one transaction, so an SMS
that fails half-way through the pages changes nothing.
"""

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from hdms.audit.services import audit_record
from hdms.core.errors import DomainError, ServiceUnavailable
from hdms.core.roles import Role
from hdms.core.text import is_blank, strip_bidi_controls
from hdms.users.importing import users_bulk_write_lock
from hdms.users.models import AccountSettings, Department, SmsSyncRun, User
from hdms.users.rules import employee_code_problem
from hdms.users.services import user_create, user_update

# Bounds against a misbehaving SMS: a listing never ends, or a page is enormous.
MAX_PAGES = 500
MAX_EMPLOYEES = 50_000
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"
logger = logging.getLogger("hdms.users.sms")


class SmsError(Exception):
    """The SMS could not be reached or answered badly; ``transient`` says whether a retry may help."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class SmsEmployee:
    id: str
    employee_code: str
    full_name: str
    email: str
    department_code: str
    status: str
    phone: str


class SmsClient:
    """A small httpx client for the SMS bridge: Bearer token, timeouts, retries with backoff."""

    def __init__(self, *, base_url: str, token: str, timeout: float = 10.0, retries: int = 2,
                 backoff: float = 0.25, transport: httpx.BaseTransport | None = None) -> None:
        if not base_url:
            raise ServiceUnavailable("The School Management System bridge is not configured (HDMS_SMS_BASE_URL).")
        self.base_url = base_url.rstrip("/") + "/"
        self.retries = max(0, retries)
        self.backoff = backoff
        self._client = httpx.Client(
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                     "User-Agent": "hdms-sms-bridge/1"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
        )

    @classmethod
    def from_settings(cls) -> "SmsClient":
        return cls(
            base_url=settings.SMS_BASE_URL,
            token=settings.SMS_TOKEN,
            timeout=settings.SMS_TIMEOUT,
            retries=getattr(settings, "SMS_RETRIES", 2),
            backoff=getattr(settings, "SMS_BACKOFF", 0.25),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "SmsClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _same_origin(self, url: str) -> bool:
        # The token must never be sent to a host the SMS merely names in a "next" link.
        base, other = urlsplit(self.base_url), urlsplit(url)
        return (base.scheme, base.netloc) == (other.scheme, other.netloc)

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self._json_with_retries("GET", url, params=params)

    def post_json(self, url: str, body: dict[str, Any]) -> Any:
        return self._json_with_retries("POST", url, body=body)

    def _json_with_retries(self, method: str, url: str, *, params: dict[str, Any] | None = None,
                           body: dict[str, Any] | None = None) -> Any:
        attempt = 0
        while True:
            try:
                return self._json_once(method, url, params, body)
            except SmsError as exc:
                if not exc.transient or attempt >= self.retries:
                    raise
            attempt += 1
            time.sleep(self.backoff * (2 ** (attempt - 1)))

    def _json_once(self, method: str, url: str, params: dict[str, Any] | None, body: dict[str, Any] | None) -> Any:
        try:
            response = self._client.request(method, url, params=params, json=body)
        except httpx.TimeoutException as exc:
            raise SmsError(f"timed out ({type(exc).__name__})", transient=True) from exc
        except httpx.TransportError as exc:
            raise SmsError(f"cannot connect ({type(exc).__name__})", transient=True) from exc
        if response.status_code in (401, 403):
            raise SmsError(f"refused our token (HTTP {response.status_code})", transient=False)
        if response.status_code in TRANSIENT_STATUSES:
            raise SmsError(f"HTTP {response.status_code}", transient=True)
        if response.status_code != 200:
            raise SmsError(f"unexpected HTTP {response.status_code}", transient=False)
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise SmsError("response too large", transient=False)
        try:
            return response.json()
        except ValueError as exc:
            raise SmsError("answered with something that is not JSON", transient=False) from exc

    def verify_password(self, *, employee_code: str, password: str) -> bool:
        """Whether the SMS accepts this employee code and password (DESIGN §8); ``SmsError`` when
        it cannot say. An employee the SMS lists as inactive is refused."""
        body = self.post_json(urljoin(self.base_url, "employees/verify"),
                              {"employee_code": employee_code, "password": password})
        if not isinstance(body, dict) or not isinstance(body.get("valid"), bool):
            raise SmsError("answered the password check without a 'valid' flag", transient=False)
        employee = body.get("employee") if isinstance(body.get("employee"), dict) else {}
        status = str(employee.get("status") or STATUS_ACTIVE).lower()
        return body["valid"] and status == STATUS_ACTIVE

    def iter_employee_pages(self) -> Iterator[list[Any]]:
        url: str | None = urljoin(self.base_url, "employees")
        params: dict[str, Any] | None = {"page": 1}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if url is None:
                return
            key = f"{url}?{params}"
            if key in seen:
                raise SmsError("the employee listing loops back on itself", transient=False)
            seen.add(key)
            body = self.get_json(url, params)
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise SmsError("an employee page lacks its 'results' list", transient=False)
            yield body["results"]
            next_url = body.get("next")
            if next_url in (None, ""):
                return
            if not isinstance(next_url, str):
                raise SmsError("'next' is not a URL", transient=False)
            url, params = urljoin(url, next_url), None
            if not self._same_origin(url):
                raise SmsError("'next' points to another host", transient=False)
        raise SmsError(f"the employee listing has more than {MAX_PAGES} pages", transient=False)

    def list_employees(self) -> tuple[list[SmsEmployee], list[str]]:
        """Every employee the SMS lists, and the records too malformed to use (with reasons)."""
        employees: list[SmsEmployee] = []
        malformed: list[str] = []
        count = 0
        for page in self.iter_employee_pages():
            for record in page:
                count += 1
                if count > MAX_EMPLOYEES:
                    raise SmsError(f"more than {MAX_EMPLOYEES} employees", transient=False)
                employee, errors = _parse_employee(record)
                if employee is None:
                    malformed.append(_error_entry(record, errors))
                else:
                    employees.append(employee)
        return employees, malformed


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError
    return str(value).strip()[:limit]


def _parse_employee(record: Any) -> tuple[SmsEmployee | None, list[str]]:
    if not isinstance(record, dict):
        return None, ["not an object"]
    try:
        employee = SmsEmployee(
            id=_text(record.get("id"), 64),
            employee_code=_text(record.get("employee_code"), 33),
            full_name=strip_bidi_controls(_text(record.get("full_name"), 151)).strip(),
            email=_text(record.get("email"), 255),
            department_code=_text(record.get("department_code"), 33).upper(),
            status=_text(record.get("status"), 16).lower(),
            phone=_text(record.get("phone"), 33),
        )
    except TypeError:
        return None, ["a field has the wrong type"]
    errors = []
    if not employee.id:
        errors.append("id: required")
    problem = employee_code_problem(employee.employee_code)
    if problem:
        errors.append(f"employee_code: {problem}")
    if not employee.full_name:
        errors.append("full_name: required")
    elif is_blank(employee.full_name):
        errors.append("full_name: only invisible characters")
    elif len(employee.full_name) > 150:
        errors.append("full_name: at most 150 characters")
    if employee.status not in (STATUS_ACTIVE, STATUS_INACTIVE):
        errors.append("status: must be active or inactive")
    if employee.email:
        try:
            validate_email(employee.email)
        except DjangoValidationError:
            errors.append("email: not a valid address")
    if len(employee.phone) > 32:
        errors.append("phone: at most 32 characters")
    return (None if errors else employee), errors


def _describe(sms_id: Any, employee_code: Any) -> str:
    code = str(employee_code or "?")[:32]
    return f"{code} (SMS id {str(sms_id or '?')[:64]})"


def _error_entry(record: Any, errors: list[str]) -> str:
    get = record.get if isinstance(record, dict) else (lambda _key: None)
    return f"{_describe(get('id'), get('employee_code'))}: {'; '.join(errors)}"


# --------------------------------------------------------------------------- the sync

_ENTRY_RE = re.compile(r"^(.*?) \(SMS id (.*?)\): (.*)$", re.DOTALL)


class _DryRun(Exception):
    """Raised at the end of a dry run to roll its writes back."""


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0
    refused: int = 0
    # one line per refused SMS record: "<employee code> (SMS id <id>): <reasons>"
    errors: list[str] = field(default_factory=list)
    # one entry per row that was not left unchanged: {employee_code, sms_id, outcome, reason}
    rows: list[dict[str, str]] = field(default_factory=list)

    def refuse(self, entry: str) -> None:
        self.refused += 1
        self.errors.append(entry)
        match = _ENTRY_RE.match(entry)
        code, sms_id, reason = match.groups() if match else ("?", "?", entry)
        self.rows.append({"employee_code": code, "sms_id": sms_id, "outcome": "refused", "reason": reason})

    def add(self, outcome: str, *, employee_code: str, sms_id: str, reason: str = "") -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.rows.append({"employee_code": employee_code, "sms_id": sms_id, "outcome": outcome, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "deactivated": self.deactivated,
                "unchanged": self.unchanged, "refused": self.refused, "errors": list(self.errors)}


def users_sync_from_sms(*, by: Any, dry_run: bool = False) -> SyncReport:
    """Bring HDMS users in line with the SMS: create, update, deactivate (an employee the SMS marks
    inactive or no longer lists; sessions end); never delete, never touch roles. A dry run computes
    the same report and rolls every write back."""
    try:
        with SmsClient.from_settings() as client:
            employees, malformed = client.list_employees()
    except SmsError as exc:
        raise ServiceUnavailable(f"The School Management System {exc}; nothing was changed.") from exc
    report = SyncReport()
    for entry in malformed:
        report.refuse(entry)
    try:
        with transaction.atomic():
            users_bulk_write_lock()
            _apply(employees, by=by, report=report)
            _deactivate_leavers(employees, malformed_count=len(malformed), by=by, report=report)
            audit_record(action="user.sms_sync", actor=by, object_type="user_sync", object_id="",
                         after={k: v for k, v in report.as_dict().items() if k != "errors"})
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _deactivate_leavers(employees: list[SmsEmployee], *, malformed_count: int, by: Any, report: SyncReport) -> None:
    """SMS-linked users the SMS no longer lists have left: deactivated (their sessions end). An
    empty listing, or one with malformed records, deactivates nobody (a broken SMS must not
    sign the whole staff out)."""
    if not employees or malformed_count:
        return
    listed = {e.id for e in employees}
    leavers = User.objects.filter(sms_external_id__isnull=False, is_active=True).exclude(sms_external_id__in=listed)
    for user in leavers:
        user_update(by=by, user_id=user.id, is_active=False)
        report.add("deactivated", employee_code=user.employee_code, sms_id=user.sms_external_id or "",
                   reason="no longer listed by the SMS")


def users_sync_run(*, by: Any, trigger: str, dry_run: bool = False) -> SmsSyncRun:
    """Run the sync and keep the run with its per-row report; an SMS outage is kept as a failed
    run and raised (503) to a caller waiting for the answer."""
    run = SmsSyncRun.objects.create(trigger=trigger, dry_run=dry_run, by=by if getattr(by, "pk", None) else None)
    try:
        report = users_sync_from_sms(by=by, dry_run=dry_run)
    except DomainError as exc:
        run.status, run.error, run.finished_at = "failed", exc.detail, timezone.now()
        run.save()
        raise
    run.status, run.finished_at = "ok", timezone.now()
    for name in ("created", "updated", "deactivated", "unchanged", "refused"):
        setattr(run, name, getattr(report, name))
    run.rows = report.rows
    run.save()
    return run


def users_sync_scheduled() -> SmsSyncRun | None:
    """The beat's job: runs when the admin's interval (AccountSettings.sms_sync_minutes) has passed
    since the last scheduled run; 0 means only on demand."""
    minutes = AccountSettings.current().sms_sync_minutes
    if not minutes or not settings.SMS_BASE_URL:
        return None
    last = SmsSyncRun.objects.filter(trigger="scheduled").order_by("-started_at").first()
    if last is not None and last.started_at > timezone.now() - timedelta(minutes=minutes) + timedelta(seconds=5):
        return None
    try:
        return users_sync_run(by=None, trigger="scheduled")
    except DomainError as exc:
        logger.warning("Scheduled SMS sync failed: %s", exc.detail)
        return SmsSyncRun.objects.filter(trigger="scheduled").order_by("-started_at").first()


def _apply(employees: list[SmsEmployee], *, by: Any, report: SyncReport) -> None:
    departments = {d.code.upper(): d for d in Department.objects.filter(is_active=True)}
    by_external = {u.sms_external_id: u for u in User.all_objects.filter(
        sms_external_id__in=[e.id for e in employees])}
    by_code = {u.employee_code.lower(): u for u in User.all_objects.filter(
        employee_code__in=[e.employee_code for e in employees])}
    missing_codes = {e.employee_code.lower() for e in employees} - set(by_code)
    if missing_codes:
        from django.db.models.functions import Lower

        for user in User.all_objects.annotate(code_lower=Lower("employee_code")).filter(code_lower__in=missing_codes):
            by_code[user.code_lower] = user
    seen_ids: set[str] = set()
    seen_codes: set[str] = set()
    for employee in employees:
        entry = _describe(employee.id, employee.employee_code)
        if employee.id in seen_ids or employee.employee_code.lower() in seen_codes:
            report.refuse(f"{entry}: listed twice by the SMS; the first listing was used")
            continue
        seen_ids.add(employee.id)
        seen_codes.add(employee.employee_code.lower())
        user = by_external.get(employee.id)
        if user is None:
            user = by_code.get(employee.employee_code.lower())
            if user is not None and user.sms_external_id and user.sms_external_id != employee.id:
                report.refuse(f"{entry}: employee_code: already linked to SMS record {user.sms_external_id}")
                continue
        errors: list[str] = []
        department = None
        if employee.department_code:
            department = departments.get(employee.department_code)
            if department is None:
                errors.append(f"department_code: no HDMS department with code '{employee.department_code}'")
        if user is not None and user.is_deleted:
            errors.append("the matching HDMS user is deleted; it is left alone")
        if errors:
            report.refuse(f"{entry}: {'; '.join(errors)}")
            continue
        try:
            with transaction.atomic():  # a savepoint per employee
                _apply_one(employee, user, department, by=by, report=report)
        except DomainError as exc:
            details = exc.extra.get("errors") or []
            reasons = [f"{'.'.join(map(str, d.get('loc', [])))}: {d.get('msg')}" for d in details] or [exc.detail]
            report.refuse(f"{entry}: {'; '.join(reasons)}")
        except IntegrityError:
            report.refuse(f"{entry}: changed concurrently; sync again")


def _apply_one(employee: SmsEmployee, user: User | None, department: Department | None, *, by: Any,
               report: SyncReport) -> None:
    if user is None:
        if employee.status != STATUS_ACTIVE:
            report.unchanged += 1  # an inactive employee HDMS never knew needs no account
            return
        user_create(by=by, employee_code=employee.employee_code, full_name=employee.full_name,
                    email=employee.email, phone=employee.phone, role=Role.REQUESTOR,
                    department_id=department.id if department else None, sms_external_id=employee.id)
        report.add("created", employee_code=employee.employee_code, sms_id=employee.id)
        return
    changes: dict[str, Any] = {}
    if user.full_name != employee.full_name:
        changes["full_name"] = employee.full_name
    if employee.email and user.email != employee.email:
        changes["email"] = employee.email
    if employee.phone and user.phone != employee.phone:
        changes["phone"] = employee.phone
    if department is not None and user.department_id != department.id:
        changes["department_id"] = department.id
    deactivate = employee.status == STATUS_INACTIVE and user.is_active
    if deactivate:
        changes["is_active"] = False
    if not changes:
        report.unchanged += 1
        return
    if user.sms_external_id != employee.id:
        # Links a user first matched by employee code (honoured once user_update accepts the field).
        changes["sms_external_id"] = employee.id
    user_update(by=by, user_id=user.id, **changes)
    fields = ", ".join(sorted(name for name in changes if name not in ("is_active", "sms_external_id")))
    if deactivate:
        report.add("deactivated", employee_code=employee.employee_code, sms_id=employee.id,
                   reason="inactive in the SMS")
    else:
        report.add("updated", employee_code=employee.employee_code, sms_id=employee.id, reason=fields)
