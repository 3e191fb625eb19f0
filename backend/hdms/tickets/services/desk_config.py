"""Desk configuration, by admins (DESIGN §3, §4 ``/sla``): SLA targets per priority, holidays and
the desk settings (working calendar, CEO approval threshold, auto-close and reminder days)."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.db import transaction

from hdms.audit.services import audit_record
from hdms.core.errors import NotFound, ValidationFailed
from hdms.core.outbox import outbox_task
from hdms.tickets import policy
from hdms.tickets.models import DeskSettings, Holiday, SlaPolicy
from hdms.tickets.services.base import check_priority, check_version, jsonable, require

if TYPE_CHECKING:
    from hdms.users.models import User


@transaction.atomic
def sla_policy_upsert(*, by: User, priority: str, first_response_minutes: int, resolution_minutes: int,
                      is_active: bool = True) -> SlaPolicy:
    require(policy.is_admin(by))
    check_priority(priority)
    if first_response_minutes <= 0 or resolution_minutes <= 0:
        raise ValidationFailed(errors=[{"loc": ["body"], "msg": "targets must be positive"}])
    sla_policy = SlaPolicy.all_objects.select_for_update().filter(priority=priority).first()
    before = None
    if sla_policy is None:
        sla_policy = SlaPolicy(priority=priority, first_response_minutes=first_response_minutes,
                               resolution_minutes=resolution_minutes, is_active=is_active)
    else:
        before = {"first_response_minutes": sla_policy.first_response_minutes,
                  "resolution_minutes": sla_policy.resolution_minutes, "is_active": sla_policy.is_active}
        sla_policy.first_response_minutes, sla_policy.resolution_minutes = first_response_minutes, resolution_minutes
        sla_policy.is_active, sla_policy.is_deleted = is_active, False
        sla_policy.version += 1
    sla_policy.save()
    audit_record(action="sla.policy_set", actor=by, object_type="sla_policy", object_id=sla_policy.id, before=before,
                 after={"priority": priority, "first_response_minutes": first_response_minutes,
                        "resolution_minutes": resolution_minutes, "is_active": is_active})
    return sla_policy


@transaction.atomic
def sla_policy_update(*, by: User, policy_id: uuid.UUID | str, version: int, changes: dict[str, Any]) -> SlaPolicy:
    require(policy.is_admin(by))
    sla_policy = SlaPolicy.objects.select_for_update().filter(id=policy_id).first()
    if sla_policy is None:
        raise NotFound("SLA policy not found.")
    check_version(sla_policy, version)
    before = {"first_response_minutes": sla_policy.first_response_minutes,
              "resolution_minutes": sla_policy.resolution_minutes, "is_active": sla_policy.is_active}
    for name in ("first_response_minutes", "resolution_minutes", "is_active"):
        if changes.get(name) is not None:
            setattr(sla_policy, name, changes[name])
    sla_policy.version += 1
    sla_policy.save()
    audit_record(action="sla.policy_update", actor=by, object_type="sla_policy", object_id=sla_policy.id,
                 before=before, after={"first_response_minutes": sla_policy.first_response_minutes,
                                       "resolution_minutes": sla_policy.resolution_minutes,
                                       "is_active": sla_policy.is_active})
    return sla_policy


@transaction.atomic
def sla_policy_delete(*, by: User, policy_id: uuid.UUID | str) -> None:
    require(policy.is_admin(by))
    sla_policy = SlaPolicy.objects.select_for_update().filter(id=policy_id).first()
    if sla_policy is None:
        raise NotFound("SLA policy not found.")
    sla_policy.is_deleted, sla_policy.is_active = True, False
    sla_policy.version += 1
    sla_policy.save()
    audit_record(action="sla.policy_delete", actor=by, object_type="sla_policy", object_id=sla_policy.id,
                 before={"priority": sla_policy.priority})


@transaction.atomic
def holiday_add(*, by: User, date: datetime.date, name: str = "") -> Holiday:
    require(policy.is_admin(by))
    holiday = Holiday.all_objects.filter(date=date).first()
    if holiday is not None and not holiday.is_deleted:
        raise ValidationFailed("That date is already a holiday.", errors=[{"loc": ["body", "date"], "msg": "taken"}])
    if holiday is None:
        holiday = Holiday.objects.create(date=date, name=name or "")
    else:
        holiday.is_deleted, holiday.name = False, name or ""
        holiday.version += 1
        holiday.save()
    audit_record(action="sla.holiday_add", actor=by, object_type="holiday", object_id=holiday.id,
                 after={"date": str(date), "name": name})
    return holiday


@transaction.atomic
def holiday_delete(*, by: User, holiday_id: uuid.UUID | str) -> None:
    require(policy.is_admin(by))
    holiday = Holiday.objects.filter(id=holiday_id).first()
    if holiday is None:
        raise NotFound("Holiday not found.")
    # Hard delete keeps the unique date free; the audit entry keeps the record.
    audit_record(action="sla.holiday_delete", actor=by, object_type="holiday", object_id=holiday.id,
                 before={"date": str(holiday.date), "name": holiday.name})
    holiday.delete()


DESK_FIELDS = ("timezone", "work_days", "work_start", "work_end", "ceo_approval_threshold", "auto_close_days",
               "reminder_days", "sla_warning_percent")


@transaction.atomic
def desk_settings_update(*, by: User, version: int, changes: dict[str, Any]) -> DeskSettings:
    require(policy.is_admin(by))
    DeskSettings.objects.get_or_create(singleton=True)  # the defaults become a row on the first change
    desk = DeskSettings.objects.select_for_update().get(singleton=True)
    check_version(desk, version)
    before = {name: jsonable(getattr(desk, name)) for name in DESK_FIELDS}
    for name in DESK_FIELDS:
        if changes.get(name) is not None:
            setattr(desk, name, changes[name])
    if desk.work_end <= desk.work_start:
        raise ValidationFailed("The working day must end after it starts.",
                               errors=[{"loc": ["body", "work_end"], "msg": "before start"}])
    if not desk.work_days or any(day not in range(7) for day in desk.work_days):
        raise ValidationFailed(errors=[{"loc": ["body", "work_days"], "msg": "days are 0 (Monday) to 6"}])
    desk.work_days = sorted(set(desk.work_days))
    if not 10 <= desk.sla_warning_percent <= 99:
        raise ValidationFailed(errors=[{"loc": ["body", "sla_warning_percent"], "msg": "between 10 and 99"}])
    desk.version += 1
    desk.save()
    if desk.sla_warning_percent != before["sla_warning_percent"]:
        # Open tickets warn at the new share (a warning already sent is not sent again).
        outbox_task("tickets.sla_warnings_recompute", queue="low")
    audit_record(action="desk.settings_update", actor=by, object_type="desk_settings", object_id=desk.id,
                 before=before, after={name: jsonable(getattr(desk, name)) for name in DESK_FIELDS})
    return desk
