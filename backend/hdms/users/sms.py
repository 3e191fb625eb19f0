"""The user sync from the School Management System (SMS), built on its bridge (``sms_client``).

The sync reads the whole listing first and only then writes, in one transaction, so an SMS
that fails half-way through the pages changes nothing.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from hdms.audit.services import audit_record
from hdms.core.errors import DomainError, ServiceUnavailable
from hdms.core.roles import Role
from hdms.users.importing import users_bulk_write_lock
from hdms.users.models import AccountSettings, Department, SmsSyncRun, User
from hdms.users.services import user_create, user_update
from hdms.users.sms_client import STATUS_ACTIVE, STATUS_INACTIVE, SmsClient, SmsEmployee, SmsError, describe_employee

logger = logging.getLogger("hdms.users.sms")


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


def users_sync_from_sms(*, by: User | None, dry_run: bool = False) -> SyncReport:
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


def _deactivate_leavers(
    employees: list[SmsEmployee], *, malformed_count: int, by: User | None, report: SyncReport
) -> None:
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


def users_sync_run(*, by: User | None, trigger: str, dry_run: bool = False) -> SmsSyncRun:
    """Run the sync and keep the run with its per-row report; an SMS outage is kept as a failed
    run and raised (503) to a caller waiting for the answer."""
    run = SmsSyncRun.objects.create(trigger=trigger, dry_run=dry_run, by=by if getattr(by, "pk", None) else None)
    try:
        report = users_sync_from_sms(by=by, dry_run=dry_run)
    except DomainError as exc:
        run.status, run.error, run.error_code, run.finished_at = "failed", exc.detail, exc.code, timezone.now()
        run.save()
        if trigger != "scheduled":  # the scheduled job logs its own failure
            logger.warning("SMS sync failed: %s", exc.detail)
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


def _apply(employees: list[SmsEmployee], *, by: User | None, report: SyncReport) -> None:
    departments = {d.code.upper(): d for d in Department.objects.filter(is_active=True)}
    by_external = {u.sms_external_id: u for u in User.all_objects.filter(
        sms_external_id__in=[e.id for e in employees])}
    by_code = {u.employee_code.lower(): u for u in User.all_objects.filter(
        employee_code__in=[e.employee_code for e in employees])}
    missing_codes = {e.employee_code.lower() for e in employees} - set(by_code)
    if missing_codes:
        from django.db.models.functions import Lower

        for found in User.all_objects.annotate(code_lower=Lower("employee_code")).filter(code_lower__in=missing_codes):
            by_code[found.code_lower] = found
    seen_ids: set[str] = set()
    seen_codes: set[str] = set()
    for employee in employees:
        entry = describe_employee(employee.id, employee.employee_code)
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


def _apply_one(employee: SmsEmployee, user: User | None, department: Department | None, *, by: User | None,
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
