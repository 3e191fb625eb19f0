"""Role x endpoint cases of the ticket service (see hdms/testing/matrix.py)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from hdms.testing.factories_tickets import in_progress_ticket, resolved_ticket
from hdms.testing.matrix import Case
from hdms.tickets import selectors, services
from hdms.tickets.models import ApprovalStep, Holiday, SlaPolicy

ALL = {"requestor": 200, "assignee": 200, "moderator": 200, "admin": 200}
V = "/api/v1"


def cases(world):
    requestor, assignee, moderator = world.users["requestor"], world.users["assignee"], world.users["moderator"]
    it = world.departments["IT"]
    submitted = services.ticket_create(requestor=requestor, title="Matrix submitted", department_id=it.id,
                                       submit=True)
    assigned = services.ticket_create(requestor=requestor, title="Matrix assigned", submit=True)
    assigned = services.ticket_assign(ticket_id=assigned.id, by=moderator, version=assigned.version,
                                      department_id=it.id, assignee_id=assignee.id)
    draft = services.ticket_create(requestor=requestor, title="Matrix draft")
    pending = services.ticket_create(requestor=requestor, title="Matrix purchase", amount=Decimal("100"),
                                     submit=True)
    pending = services.ticket_request_approval(ticket_id=pending.id, by=moderator, version=pending.version)
    step = ApprovalStep.objects.get(ticket=pending, step=1)
    policy = SlaPolicy.objects.get(priority="low")
    holiday = Holiday.objects.create(date=date(2031, 3, 23), name="Pakistan Day")
    desk_version = selectors.desk_settings_get().version

    seen_by_requestor_and_staff = {"requestor": 200, "assignee": 404, "moderator": 200, "admin": 200}
    staff_act = {"requestor": 403, "assignee": 404, "moderator": 200, "admin": 200}
    staff_create = {"requestor": 403, "assignee": 404, "moderator": 201, "admin": 201}
    approver_only = {"requestor": 403, "assignee": 404, "moderator": 403, "admin": 200}
    worker_act = {"requestor": 403, "assignee": 200, "moderator": 403, "admin": 200}
    requestor_act = {"requestor": 200, "assignee": 403, "moderator": 403, "admin": 200}
    working = in_progress_ticket(requestor, moderator, assignee, title="Matrix in progress")
    postponed = in_progress_ticket(requestor, moderator, assignee, title="Matrix postponed")
    postponed = services.ticket_postpone(ticket_id=postponed.id, by=assignee, version=postponed.version,
                                         reason="Parts", until=timezone.now() + timedelta(days=3))
    resolved = resolved_ticket(requestor, moderator, assignee, title="Matrix resolved")
    closed = resolved_ticket(requestor, moderator, assignee, title="Matrix closed")
    closed = services.ticket_close(ticket_id=closed.id, by=requestor, version=closed.version)
    t, s = f"{V}/tickets/{{ticket_id}}", submitted.id
    shared_view = services.view_create(by=moderator, name="Matrix queue", filters={"status": ["submitted"]},
                                       ordering="-sla_due", shared=True)
    shared_change = {"requestor": 404, "assignee": 403, "moderator": 200, "admin": 200}
    admin = world.users["admin"]
    report = {"name": "Matrix SLA", "kind": "sla_weekly", "recipients": [str(admin.id)], "cadence": "weekly"}
    schedule = services.schedule_create(by=admin, data=report)

    category = services.category_create(by=world.users["admin"], department_id=it.id, name_en="Matrix device",
                                        fields=[{"key": "asset_tag", "label_en": "Asset tag", "type": "text"}])
    link = services.link_create(by=moderator, ticket_id=s, to_id=working.id)
    c = f"{V}/categories/{{category_id}}"
    return [
        Case("GET", f"{V}/tickets", f"{V}/tickets", ALL),
        Case("GET", f"{V}/tickets", f"{V}/tickets?status=submitted&q=matrix&ordering=-created_at", ALL),
        Case("GET", f"{V}/tickets", f"{V}/tickets?cursor=", ALL, note="keyset mode"),
        Case("GET", f"{V}/tickets", f"{V}/tickets?cursor=&ordering=-sla_due", ALL, note="keyset mode, any ordering"),
        Case("GET", f"{V}/tickets/changes", f"{V}/tickets/changes?since=2020-01-01T00:00:00Z", ALL,
             note="the list's refresh banner"),
        Case("POST", f"{V}/tickets", f"{V}/tickets",
             {"requestor": 201, "assignee": 201, "moderator": 201, "admin": 201},
             body={"title": "Printer jam", "description": "Tray 2", "priority": "low"}),
        Case("GET", t, f"{V}/tickets/{s}", seen_by_requestor_and_staff),
        Case("GET", t, f"{V}/tickets/{assigned.id}", ALL, note="assignee sees what is assigned to them"),
        Case("PATCH", t, f"{V}/tickets/{draft.id}",
             {"requestor": 200, "assignee": 404, "moderator": 404, "admin": 404},
             body={"version": draft.version, "title": "Better title"}, note="drafts are private to their author"),
        Case("PATCH", t, f"{V}/tickets/{s}", staff_act, body={"version": submitted.version, "priority": "high"},
             note="moderators set priority; the requestor cannot edit a submitted ticket"),
        Case("DELETE", t, f"{V}/tickets/{draft.id}",
             {"requestor": 204, "assignee": 404, "moderator": 404, "admin": 404}),
        Case("POST", f"{t}/actions/start", f"{V}/tickets/{assigned.id}/actions/start", worker_act,
             body={"version": assigned.version}),
        Case("POST", f"{t}/actions/reject", f"{V}/tickets/{s}/actions/reject", staff_act,
             body={"version": submitted.version, "reason": "Duplicate"}),
        Case("POST", f"{t}/actions/withdraw", f"{V}/tickets/{s}/actions/withdraw",
             {"requestor": 200, "assignee": 404, "moderator": 403, "admin": 200},
             body={"version": submitted.version}),
        Case("POST", f"{t}/actions/submit", f"{V}/tickets/{draft.id}/actions/submit",
             {"requestor": 200, "assignee": 404, "moderator": 404, "admin": 404}, body={"version": draft.version},
             note="drafts are private to their author"),
        Case("POST", f"{t}/actions/request_approval", f"{V}/tickets/{s}/actions/request_approval", staff_act,
             body={"version": submitted.version}),
        Case("POST", f"{t}/actions/approve", f"{V}/tickets/{pending.id}/actions/approve", approver_only,
             body={"version": pending.version}, note="the pending step's approver (the matrix has none) or an admin"),
        Case("POST", f"{t}/actions/assign", f"{V}/tickets/{s}/actions/assign", staff_act,
             body={"version": submitted.version, "department_id": str(it.id), "assignee_id": str(assignee.id)}),
        Case("POST", f"{t}/actions/reassign", f"{V}/tickets/{assigned.id}/actions/reassign",
             {"requestor": 403, "assignee": 403, "moderator": 200, "admin": 200},
             body={"version": assigned.version, "assignee_id": str(moderator.id)}),
        Case("POST", f"{t}/actions/postpone", f"{V}/tickets/{working.id}/actions/postpone", worker_act,
             body={"version": working.version, "reason": "Parts", "until": "2031-01-01T10:00:00+05:00"}),
        Case("POST", f"{t}/actions/resume", f"{V}/tickets/{postponed.id}/actions/resume", worker_act,
             body={"version": postponed.version}),
        Case("POST", f"{t}/actions/resolve", f"{V}/tickets/{working.id}/actions/resolve", worker_act,
             body={"version": working.version, "resolution": "Done"}),
        Case("POST", f"{t}/actions/reopen", f"{V}/tickets/{resolved.id}/actions/reopen", requestor_act,
             body={"version": resolved.version, "reason": "Still broken"}),
        Case("POST", f"{t}/actions/close", f"{V}/tickets/{resolved.id}/actions/close", requestor_act,
             body={"version": resolved.version}),
        Case("POST", f"{t}/actions/rate", f"{V}/tickets/{closed.id}/actions/rate",
             {**requestor_act, "admin": 403}, body={"version": closed.version, "score": 5},
             note="only the requestor rates the service"),
        Case("GET", f"{t}/history", f"{V}/tickets/{assigned.id}/history", ALL),
        Case("GET", f"{t}/subtickets", f"{V}/tickets/{s}/subtickets", seen_by_requestor_and_staff),
        Case("POST", f"{t}/subtickets", f"{V}/tickets/{s}/subtickets", staff_create,
             body={"version": submitted.version,
                   "items": [{"department_id": str(it.id), "assignee_id": str(assignee.id)}]}),
        Case("GET", f"{t}/participants", f"{V}/tickets/{s}/participants", seen_by_requestor_and_staff),
        Case("GET", f"{t}/mentionable", f"{V}/tickets/{assigned.id}/mentionable?internal=true", ALL,
             note="whoever sees the ticket may ask; for a requestor the note list is simply empty"),
        Case("GET", f"{t}/mentionable", f"{V}/tickets/{s}/mentionable", seen_by_requestor_and_staff),
        Case("POST", f"{t}/participants", f"{V}/tickets/{s}/participants", staff_create,
             body={"user_id": str(world.users["other_assignee"].id)}),
        Case("GET", f"{t}/approvals", f"{V}/tickets/{pending.id}/approvals", seen_by_requestor_and_staff),
        Case("GET", f"{V}/approvals", f"{V}/approvals", ALL, note="each sees what waits on them"),
        Case("POST", f"{V}/approvals/{{approval_id}}/approve", f"{V}/approvals/{step.id}/approve", approver_only,
             body={"version": pending.version, "reason": "Budgeted"}),
        Case("POST", f"{V}/approvals/{{approval_id}}/reject", f"{V}/approvals/{step.id}/reject", approver_only,
             body={"version": pending.version, "reason": "No budget"}),
        *[Case("GET", f"{V}/analytics/{name}", f"{V}/analytics/{name}", ALL, note="scoped to the caller")
          for name in ("summary", "volume", "priority-trend", "by-department", "by-status", "resolution-time",
                       "sla-compliance", "satisfaction")],
        *[Case("GET", f"{V}/reports/tickets.{kind}", f"{V}/reports/tickets.{kind}", ALL,
               note="the rows the caller's own list shows") for kind in ("csv", "xlsx")],
        Case("GET", f"{V}/analytics/workload", f"{V}/analytics/workload",
             {"requestor": 403, "assignee": 403, "moderator": 200, "admin": 200}),
        Case("GET", f"{V}/sla/policies", f"{V}/sla/policies", ALL),
        Case("POST", f"{V}/sla/policies", f"{V}/sla/policies", {"admin": 201},
             body={"priority": "urgent", "first_response_minutes": 30, "resolution_minutes": 240}),
        Case("PATCH", f"{V}/sla/policies/{{policy_id}}", f"{V}/sla/policies/{policy.id}", {"admin": 200},
             body={"version": policy.version, "resolution_minutes": 9600}),
        Case("DELETE", f"{V}/sla/policies/{{policy_id}}", f"{V}/sla/policies/{policy.id}", {"admin": 204}),
        Case("GET", f"{V}/sla/holidays", f"{V}/sla/holidays", ALL),
        Case("POST", f"{V}/sla/holidays", f"{V}/sla/holidays", {"admin": 201},
             body={"date": "2031-08-14", "name": "Independence Day"}),
        Case("DELETE", f"{V}/sla/holidays/{{holiday_id}}", f"{V}/sla/holidays/{holiday.id}", {"admin": 204}),
        Case("POST", f"{V}/tickets/bulk", f"{V}/tickets/bulk", ALL,
             body={"ids": [str(s)], "action": "set_priority", "fields": {"priority": "urgent"}},
             note="each ticket checked as if alone: the refusals are per-ticket results"),
        Case("GET", f"{V}/views", f"{V}/views", ALL),
        Case("GET", f"{V}/views/counts", f"{V}/views/counts", ALL),
        Case("POST", f"{V}/views", f"{V}/views", {"requestor": 201, "assignee": 201, "moderator": 201, "admin": 201},
             body={"name": "Mine", "filters": {"priority": ["high"]}}),
        Case("PATCH", f"{V}/views/{{view_id}}", f"{V}/views/{shared_view.id}", shared_change,
             body={"name": "Renamed"}, note="owner, or an admin for a shared view; requestors never see it"),
        Case("DELETE", f"{V}/views/{{view_id}}", f"{V}/views/{shared_view.id}",
             {"requestor": 404, "assignee": 403, "moderator": 204, "admin": 204}),
        Case("GET", f"{V}/reports/schedules", f"{V}/reports/schedules", {"admin": 200}),
        Case("POST", f"{V}/reports/schedules", f"{V}/reports/schedules", {"admin": 201}, body=report),
        Case("PATCH", f"{V}/reports/schedules/{{schedule_id}}", f"{V}/reports/schedules/{schedule.id}",
             {"admin": 200}, body={"cadence": "monthly"}),
        Case("POST", f"{V}/reports/schedules/{{schedule_id}}/send", f"{V}/reports/schedules/{schedule.id}/send",
             {"admin": 200}),
        Case("DELETE", f"{V}/reports/schedules/{{schedule_id}}", f"{V}/reports/schedules/{schedule.id}",
             {"admin": 204}),

        Case("GET", f"{V}/categories", f"{V}/categories", ALL, note="the new-request form reads them"),
        Case("GET", c, f"{V}/categories/{category.id}", ALL),
        Case("POST", f"{V}/categories", f"{V}/categories", {"admin": 201},
             body={"department_id": str(it.id), "name_en": "Network", "fields": []}),
        Case("PATCH", c, f"{V}/categories/{category.id}", {"admin": 200}, body={"name_ur": "آلہ"}),
        Case("DELETE", c, f"{V}/categories/{category.id}", {"admin": 204}),
        Case("GET", f"{t}/links", f"{V}/tickets/{s}/links", seen_by_requestor_and_staff),
        Case("POST", f"{t}/links", f"{V}/tickets/{s}/links", staff_create,
             body={"to_id": str(assigned.id), "kind": "related"}),
        Case("DELETE", f"{t}/links/{{link_id}}", f"{V}/tickets/{s}/links/{link.id}",
             {"requestor": 403, "assignee": 404, "moderator": 204, "admin": 204}),
        Case("POST", f"{t}/actions/merge", f"{V}/tickets/{s}/actions/merge", staff_act,
             body={"version": submitted.version, "into_id": str(assigned.id)}),
        Case("GET", f"{V}/sla/settings", f"{V}/sla/settings", ALL),
        Case("PATCH", f"{V}/sla/settings", f"{V}/sla/settings", {"admin": 200},
             body={"version": desk_version, "ceo_approval_threshold": "250000.00"}),
    ]
