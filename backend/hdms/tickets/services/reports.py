"""Scheduled reports (DESIGN §11): admins choose what, for whom, how often, in which language and
format; beat sends each when it is due (``tickets.send_due_reports``), or an admin sends one now."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from hdms.core.errors import Forbidden, NotFound, ValidationFailed
from hdms.core.permissions import require_admin
from hdms.core.text import clean_line
from hdms.tickets import policy, report_render, selectors
from hdms.tickets.models import ReportKind, ReportSchedule
from hdms.users import selectors as users

if TYPE_CHECKING:
    from hdms.users.models import User

FIELDS = ("name", "kind", "view_id", "recipients", "cadence", "language", "format")
MIME = {"pdf": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _recipient_ids(ids: list[Any]) -> list[str]:
    """Active moderators and admins with an email address; 422 naming ``recipients`` otherwise."""
    wanted = list(dict.fromkeys(str(i) for i in ids))
    found = {str(u.id) for u in users.users_by_ids(ids=wanted)
             if u.is_active and u.email and u.role in policy.REPORT_RECIPIENT_ROLES}
    missing = [i for i in wanted if i not in found]
    if not wanted or missing:
        raise ValidationFailed("Choose active moderators or admins with an email address.", errors=[
            {"loc": ["body", "recipients"], "msg": "required" if not wanted else "not found",
             **({"params": {"ids": ", ".join(missing)}} if missing else {})}])
    return wanted


def _apply(schedule: ReportSchedule, by: User, data: dict[str, Any]) -> None:
    if data.get("name") is not None:
        schedule.name = clean_line(data["name"], field="name")
    for name in ("kind", "cadence", "language", "format"):
        if data.get(name) is not None:
            setattr(schedule, name, data[name])
    if "view_id" in data:
        schedule.view = selectors.view_get_visible(user=by, view_id=data["view_id"]) if data["view_id"] else None
    if data.get("recipients") is not None:
        schedule.recipient_ids = _recipient_ids(data["recipients"])
    if schedule.kind == ReportKind.VIEW and schedule.view is None:
        raise ValidationFailed("A view's report needs the view.",
                               errors=[{"loc": ["body", "view_id"], "msg": "required"}])
    if schedule.kind != ReportKind.VIEW:
        schedule.view = None


@transaction.atomic
def schedule_create(*, by: User, data: dict[str, Any]) -> ReportSchedule:
    require_admin(by)
    schedule = ReportSchedule(owner=by, recipient_ids=[])
    _apply(schedule, by, data)
    schedule.next_run_at = report_render.next_run(schedule.cadence, timezone.now())
    schedule.save()
    return schedule


def _owned(by: User, schedule_id: Any) -> ReportSchedule:
    require_admin(by)
    schedule = selectors.schedule_get(schedule_id=schedule_id)
    if schedule is None:
        raise NotFound("Report schedule not found.")
    return schedule


@transaction.atomic
def schedule_update(*, by: User, schedule_id: Any, data: dict[str, Any]) -> ReportSchedule:
    schedule = _owned(by, schedule_id)
    schedule = ReportSchedule.objects.select_for_update().get(id=schedule.id)
    cadence = schedule.cadence
    _apply(schedule, by, data)
    if schedule.cadence != cadence:
        schedule.next_run_at = report_render.next_run(schedule.cadence, timezone.now())
    schedule.version += 1
    schedule.save()
    return schedule


@transaction.atomic
def schedule_delete(*, by: User, schedule_id: Any) -> None:
    _owned(by, schedule_id).delete()


def _send(schedule: ReportSchedule, *, run_at: datetime) -> int:
    """Renders the period before ``run_at`` and mails it to each recipient; how many were sent."""
    start, end = report_render.period_of(schedule, run_at)
    table = report_render.report_table(schedule, start=start, end=end, for_pdf=schedule.format == "pdf")
    content = report_render.render_pdf(table) if schedule.format == "pdf" else report_render.render_xlsx(table)
    text = report_render.TEXT[schedule.language]
    to = [u.email for u in users.users_by_ids(ids=schedule.recipient_ids)
          if u.is_active and u.email and u.role in policy.REPORT_RECIPIENT_ROLES]
    stamp = end.astimezone(selectors.work_calendar().tz).strftime("%Y-%m-%d")
    for address in to:  # one message each: recipients do not see each other
        email = EmailMessage(subject=text["subject"].format(name=schedule.name)[:200],
                             body=text["body"].format(name=schedule.name, period=table.period),
                             from_email=settings.DEFAULT_FROM_EMAIL, to=[address])
        email.attach(f"hdms-report-{stamp}.{schedule.format}", content, MIME[schedule.format])
        email.send()
    return len(to)


def schedule_send_now(*, by: User, schedule_id: Any) -> int:
    """An admin's "send now": the period up to now; the schedule's own runs are unchanged."""
    schedule = _owned(by, schedule_id)
    if not schedule.owner.is_active:
        raise Forbidden("The schedule's owner is no longer active.")
    return _send(schedule, run_at=timezone.now())


def schedule_run_due(*, schedule_id: Any, now: datetime) -> bool:
    """Beat's job for one schedule: if it is (still) due, send it and set its next run. The row is
    locked while it is sent, so two workers never send the same run twice."""
    with transaction.atomic():
        schedule = (ReportSchedule.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(id=schedule_id, next_run_at__lte=now).select_related("owner", "view").first())
        if schedule is None:
            return False
        if schedule.owner.is_active:
            _send(schedule, run_at=schedule.next_run_at)
            schedule.last_sent_at = now
        schedule.next_run_at = report_render.next_run(schedule.cadence, max(now, schedule.next_run_at))
        schedule.save(update_fields=["next_run_at", "last_sent_at", "updated_at"])
        return True
