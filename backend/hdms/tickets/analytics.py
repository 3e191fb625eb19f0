"""Analytics reads (``GET analytics/...``), each scoped to what the caller may see (DESIGN §2):
moderators and admins the whole desk, assignees their own and their department's queue,
requestors their own tickets. Summaries are cached (hdms.tickets.cache)."""

from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from hdms.core.errors import ValidationFailed
from hdms.core.roles import Role
from hdms.tickets import cache as ticket_cache
from hdms.tickets import selectors
from hdms.tickets.models import OPEN_STATUSES, Priority, Ticket, TicketStatus
from hdms.tickets.selectors import approval_waiting_for, ticket_visible_qs

RESOLVED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
DURATION = ExpressionWrapper(F("resolved_at") - F("submitted_at"), output_field=DurationField())


def _scope(user: Any) -> str:
    return {Role.ADMIN: "desk", Role.MODERATOR: "desk", Role.ASSIGNEE: "department"}.get(user.role, "own")


def scoped(user: Any, filters: dict[str, Any]) -> QuerySet[Ticket]:
    qs = ticket_visible_qs(user=user).exclude(status=TicketStatus.DRAFT)
    if filters.get("created_after"):
        qs = qs.filter(created_at__gte=filters["created_after"])
    if filters.get("created_before"):
        qs = qs.filter(created_at__lt=filters["created_before"])
    if filters.get("department"):
        qs = qs.filter(department_id=filters["department"])
    return qs


def _hours(value: timedelta | None) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _compute_summary(user: Any, filters: dict[str, Any]) -> dict[str, Any]:
    qs = scoped(user, filters)
    week_ago = timezone.now() - timedelta(days=7)
    totals = qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        breached_open=Count("id", filter=Q(status__in=OPEN_STATUSES, sla_breached=True)),
        resolved=Count("id", filter=Q(status__in=RESOLVED)),
        resolved_met=Count("id", filter=Q(status__in=RESOLVED, sla_breached=False)),
        resolved_last_7_days=Count("id", filter=Q(resolved_at__gte=week_ago)),
        created_last_7_days=Count("id", filter=Q(created_at__gte=week_ago)),
        mine_open=Count("id", filter=Q(status__in=OPEN_STATUSES, assignee_id=user.id)),
        avg_resolution=Avg(DURATION, filter=Q(resolved_at__isnull=False, submitted_at__isnull=False)),
        avg_rating=Avg("rating"),
    )
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    return {
        "scope": _scope(user),
        "total": totals["total"],
        "open": totals["open"],
        "breached_open": totals["breached_open"],
        "assigned_to_me_open": totals["mine_open"],
        "created_last_7_days": totals["created_last_7_days"],
        "resolved_last_7_days": totals["resolved_last_7_days"],
        "avg_resolution_hours": _hours(totals["avg_resolution"]),
        "sla_compliance_percent": _percent(totals["resolved_met"], totals["resolved"]),
        "avg_rating": round(totals["avg_rating"], 2) if totals["avg_rating"] is not None else None,
        "by_status": {status: by_status.get(status, 0) for status in TicketStatus.values
                      if status != TicketStatus.DRAFT},
        "awaiting_my_approval": approval_waiting_for(user=user).count() if user.is_approver else 0,
    }


def analytics_summary(*, user: Any, filters: dict[str, Any] | None = None) -> dict[str, Any]:
    """Cache-aside for the whole history: ``dashboard:summary:user_id:<id>``, 60 s, invalidated by
    every ticket write; a range is computed each time."""
    filters = filters or {}
    if any(filters.values()):
        return _compute_summary(user, filters)
    return ticket_cache.cached(ticket_cache.summary_key(user.id), ticket_cache.SUMMARY_TTL,
                               lambda: _compute_summary(user, {}))


# A series has at most this many buckets (13 years by day, 95 by week): a range of centuries by
# day was millions of rows to build and send (schemathesis: a request that did not answer in 60 s).
MAX_BUCKETS = 5000


def _periods(start: datetime, end: datetime, interval: str, tz: tzinfo) -> list[date]:
    """Every bucket from ``start`` to ``end`` (exclusive), so a quiet day is a 0, not a gap; 422
    when there would be more than ``MAX_BUCKETS``."""
    first, last = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
    span = {"week": 7, "month": 28}.get(interval, 1)
    if (last - first).days // span + 1 > MAX_BUCKETS:
        raise ValidationFailed(
            f"The range holds more than {MAX_BUCKETS:,} {interval}s: choose a shorter range or a longer interval.",
            errors=[{"loc": ["query", "created_after"], "msg": "range too long for the interval", "code": "too_long",
                     "params": {"max": MAX_BUCKETS}}])
    if interval == "week":
        first, last = first - timedelta(days=first.weekday()), last - timedelta(days=last.weekday())
        step = 7
    elif interval == "month":
        first, last = first.replace(day=1), last.replace(day=1)
        step = 0
    else:
        step = 1
    days, day = [], first
    while day <= last:
        days.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1) if step == 0 else day + timedelta(days=step)
    return days


def _range(filters: dict[str, Any], default_days: int) -> tuple[datetime, datetime]:
    end = filters.get("created_before") or timezone.now()
    start = filters.get("created_after") or end - timedelta(days=default_days)
    return start, end


def _bucketed(qs: QuerySet[Ticket], field: str, interval: str, tz: tzinfo, **counts: Any) -> dict[date, dict[str, Any]]:
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[interval]
    rows = qs.annotate(period=trunc(field, tzinfo=tz)).values("period").annotate(**counts).order_by("period")
    return {_as_date(row["period"], tz): row for row in rows}


def _as_date(value: Any, tz: tzinfo) -> date:
    if isinstance(value, datetime):
        return (value if timezone.is_aware(value) else value.replace(tzinfo=tz)).astimezone(tz).date()
    return value


def _period_label(day: date, tz: tzinfo) -> str:
    return datetime.combine(day, time(0, 0), tzinfo=tz).isoformat()


def analytics_volume(*, user: Any, filters: dict[str, Any], interval: str = "day") -> list[dict[str, Any]]:
    """Per bucket of the range (default: the last 30 days / 26 weeks / 12 months), in the desk's
    time zone: tickets created, and tickets resolved (by when they were resolved)."""
    tz = selectors.work_calendar().tz
    start, end = _range(filters, {"day": 30, "week": 182, "month": 365}[interval])
    scope = {**filters, "created_after": None, "created_before": None}
    created = _bucketed(scoped(user, scope).filter(created_at__gte=start, created_at__lt=end), "created_at",
                        interval, tz, n=Count("id"))
    resolved = _bucketed(scoped(user, scope).filter(resolved_at__gte=start, resolved_at__lt=end), "resolved_at",
                         interval, tz, n=Count("id"))
    return [{"period": _period_label(day, tz), "created": created.get(day, {}).get("n", 0),
             "resolved": resolved.get(day, {}).get("n", 0)} for day in _periods(start, end, interval, tz)]


def analytics_priority_trend(*, user: Any, filters: dict[str, Any], interval: str = "week") -> list[dict[str, Any]]:
    """Tickets created per bucket and priority (default: the last 8 weeks / 30 days)."""
    tz = selectors.work_calendar().tz
    start, end = _range(filters, 56 if interval == "week" else 30)
    qs = scoped(user, {**filters, "created_after": start, "created_before": end})
    counts = {p: Count("id", filter=Q(priority=p)) for p in Priority.values}
    rows = _bucketed(qs, "created_at", interval, tz, **counts)
    return [{"period": _period_label(day, tz), **{p: rows.get(day, {}).get(p, 0) for p in Priority.values}}
            for day in _periods(start, end, interval, tz)]


def _compute_by_department(user: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    rows = (scoped(user, filters).values("department_id", "department__code", "department__name")
            .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
                      breached=Count("id", filter=Q(sla_breached=True)),
                      avg_resolution=Avg(DURATION, filter=Q(resolved_at__isnull=False)),
                      avg_rating=Avg("rating"))
            .order_by("department__name"))
    return [{"department_id": str(r["department_id"]) if r["department_id"] else None,
             "code": r["department__code"], "name": r["department__name"], "total": r["total"], "open": r["open"],
             "breached": r["breached"], "avg_resolution_hours": _hours(r["avg_resolution"]),
             "avg_rating": round(r["avg_rating"], 2) if r["avg_rating"] is not None else None} for r in rows]


def analytics_by_department(*, user: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Department metrics; the unfiltered view is cached for 2 minutes per user."""
    if any(filters.values()):
        return _compute_by_department(user, filters)
    return ticket_cache.cached(ticket_cache.department_key(user.id), ticket_cache.DEPARTMENT_TTL,
                               lambda: _compute_by_department(user, {}))


def analytics_by_status_priority(*, user: Any, filters: dict[str, Any]) -> dict[str, Any]:
    qs = scoped(user, filters)
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).order_by())
    by_priority = dict(qs.values_list("priority").annotate(n=Count("id")).order_by())
    matrix = [{"status": s, "priority": p, "count": n} for s, p, n in
              qs.values_list("status", "priority").annotate(n=Count("id")).order_by("status", "priority")]
    return {"by_status": by_status, "by_priority": by_priority, "matrix": matrix}


def analytics_resolution_time(*, user: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    rows = (scoped(user, filters).filter(resolved_at__isnull=False, submitted_at__isnull=False)
            .values("priority").annotate(count=Count("id"), avg=Avg(DURATION)).order_by("priority"))
    return [{"priority": r["priority"], "resolved": r["count"], "avg_hours": _hours(r["avg"])} for r in rows]


def analytics_sla_compliance(*, user: Any, filters: dict[str, Any]) -> dict[str, Any]:
    qs = scoped(user, filters).filter(sla_started_at__isnull=False)
    rows = qs.values("priority").annotate(total=Count("id"), breached=Count("id", filter=Q(sla_breached=True)),
                                          first_response_breached=Count("id", filter=Q(first_response_breached=True)),
                                          resolution_breached=Count("id", filter=Q(resolution_breached=True))
                                          ).order_by("priority")
    items = [{**r, "compliance_percent": _percent(r["total"] - r["breached"], r["total"])} for r in rows]
    total = sum(r["total"] for r in items)
    breached = sum(r["breached"] for r in items)
    return {"total": total, "breached": breached, "compliance_percent": _percent(total - breached, total),
            "by_priority": items}


def analytics_satisfaction(*, user: Any, filters: dict[str, Any]) -> dict[str, Any]:
    qs = scoped(user, filters).filter(rating__isnull=False)
    distribution = dict(qs.values_list("rating").annotate(n=Count("id")).order_by())
    agg = qs.aggregate(count=Count("id"), avg=Avg("rating"))
    return {"count": agg["count"], "average": round(agg["avg"], 2) if agg["avg"] is not None else None,
            "distribution": {str(score): distribution.get(score, 0) for score in range(1, 6)}}


def analytics_workload(*, user: Any, filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Per assignee (DESIGN §11), over the tickets created in the range: open, in progress, overdue
    (open past the resolution target or marked breached) and the average resolution time. For
    moderators and admins (the assignee picker shows it); assignees with no ticket are absent."""
    now = timezone.now()
    open_ = Q(status__in=OPEN_STATUSES)
    rows = (scoped(user, filters).filter(assignee_id__isnull=False)
            .values("assignee_id", "assignee__employee_code", "assignee__full_name", "assignee__department_id")
            .annotate(open=Count("id", filter=open_),
                      in_progress=Count("id", filter=Q(status=TicketStatus.IN_PROGRESS)),
                      overdue=Count("id", filter=open_ & (Q(resolution_due__lt=now) | Q(sla_breached=True))),
                      resolved=Count("id", filter=Q(status__in=RESOLVED)),
                      avg_resolution=Avg(DURATION, filter=Q(resolved_at__isnull=False, submitted_at__isnull=False)))
            .order_by("assignee__full_name", "assignee_id"))
    return [{"assignee": {"id": str(r["assignee_id"]), "employee_code": r["assignee__employee_code"],
                          "full_name": r["assignee__full_name"]},
             "department_id": str(r["assignee__department_id"]) if r["assignee__department_id"] else None,
             "open": r["open"], "in_progress": r["in_progress"], "overdue": r["overdue"], "resolved": r["resolved"],
             "avg_resolution_hours": _hours(r["avg_resolution"])} for r in rows]
