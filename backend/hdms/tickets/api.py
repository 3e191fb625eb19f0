"""Ticket service routers: /tickets, /approvals, /analytics, /sla (DESIGN §4).

Thin: parse, authorise (visibility through selectors = 404; role checks in services = 403), call
one service or selector, return. Desk settings (CEO approval threshold, working calendar,
auto-close and reminder days) live under ``/sla/settings``; holidays under ``/sla/holidays``.
"""

import functools
import uuid
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import Query, Router

from hdms.communication import services as communication_services
from hdms.core import search
from hdms.core.auth import ApiRequest
from hdms.core.errors import ValidationFailed
from hdms.core.pagination import PageParams, next_url, paginate
from hdms.core.permissions import require_admin, require_staff
from hdms.core.schema_types import patch_changes
from hdms.tickets import analytics, exports, policy, render, selectors, services
from hdms.tickets.models import SlaPolicy
from hdms.tickets.schemas import (
    ACTION_BODIES,
    ActionIn,
    AnalyticsFilters,
    ApprovalOut,
    ApprovalPage,
    BulkIn,
    BulkOut,
    CategoryFilters,
    CategoryIn,
    CategoryOut,
    CategoryPage,
    CategoryPatch,
    DecisionIn,
    DeskSettingsOut,
    DeskSettingsPatch,
    ExportFilters,
    HistoryPage,
    HolidayIn,
    HolidayOut,
    LinkIn,
    LinkOut,
    LinkPage,
    MentionablePage,
    MentionableParams,
    ParticipantIn,
    ParticipantOut,
    ScheduleIn,
    ScheduleOut,
    SchedulePage,
    SchedulePatch,
    SendOut,
    SlaPolicyIn,
    SlaPolicyOut,
    SlaPolicyPatch,
    SplitIn,
    TicketChangesOut,
    TicketChangesQuery,
    TicketFilters,
    TicketIn,
    TicketOut,
    TicketPage,
    TicketPatch,
    TrendFilters,
    ViewCountsOut,
    ViewIn,
    ViewOut,
    ViewPage,
    ViewPatch,
    VolumeFilters,
)

tickets_router = Router(tags=["tickets"])
approvals_router = Router(tags=["approvals"])
analytics_router = Router(tags=["analytics"])
sla_router = Router(tags=["sla"])
views_router = Router(tags=["views"])
reports_router = Router(tags=["reports"])
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

categories_router = Router(tags=["categories"])


# ---------------------------------------------------------------- tickets

@tickets_router.get("", response=TicketPage)
def ticket_list(request: ApiRequest, filters: Query[TicketFilters], page: Query[PageParams]) -> HttpResponse:
    """Visible tickets. Offset pages by default; ``cursor=`` (empty, then the returned ``next``)
    switches to keyset pages, for every ordering, which stay fast at any depth. In cursor mode only
    the first page (``cursor=`` empty) carries ``count``."""
    with search.custom_plans():  # its statements are planned for their values, never a generic plan
        return _ticket_list(request, filters, page)


def _ticket_list(request: ApiRequest, filters: TicketFilters, page: PageParams) -> HttpResponse:
    data = filters.dict()
    as_of = timezone.now()  # before the read: a change racing it is counted by tickets/changes, not lost
    visible = selectors.visible_to(request.auth)
    # Made once, when first needed: a compiled page and a count from an index need none.
    listed = functools.cache(lambda: selectors.ticket_list(user=request.auth, filters=data, brief_users=True,
                                                           visible=visible))
    searching = bool(search.normalise(data.get("q")))
    if data.get("cursor") is not None:
        rows, cursor = selectors.ticket_keyset_page(user=request.auth, visible=visible, filters=data, listed=listed,
                                                    limit=page.page_size)
        count, capped = None, False
        if not data["cursor"]:  # the first page says how many there are, up to the cap
            # Counted from the page's own queryset: a search's message matches are looked up once.
            count, capped = selectors.ticket_count(user=request.auth, filters=data, listed=listed)
        rows = selectors.with_subticket_progress(selectors.with_brief_users(rows))
        items = [selectors.ticket_payload_for(t, request.auth) for t in rows]
        return render.ticket_page_response(items, count, next_url(request, cursor=cursor) if cursor else None, as_of,
                                           count_capped=capped)
    # Counts are capped (hdms.core.search: "200+" for a search, "1,000+" otherwise). Ranking more
    # matches than a search's cap would compute the rank of every one: they come newest first instead.
    result = paginate(request, listed(), page, count_cap=search.count_cap(data.get("q")),
                      capped_ordering=selectors.search_capped_ordering(request.auth, data) if searching else None)
    rows = selectors.with_subticket_progress(selectors.with_brief_users(list(result["items"])))
    items = [selectors.ticket_payload_for(t, request.auth) for t in rows]
    return render.ticket_page_response(items, result["count"], result["next"], as_of,
                                       count_capped=result.get("count_capped", False))


@tickets_router.get("/changes", response=TicketChangesOut)
def ticket_changes(request: ApiRequest, query: Query[TicketChangesQuery]) -> dict[str, Any]:
    """How many tickets of the list with these filters were created or changed after ``since``
    (the list's ``as_of``): the web app's "N new or changed — refresh" banner (DESIGN §10)."""
    as_of = timezone.now()
    data = query.dict()
    return {"count": selectors.ticket_changed_count(user=request.auth, filters=data, since=data["since"]),
            "as_of": as_of}


@tickets_router.post("", response={201: TicketOut})
def ticket_create(request: ApiRequest, payload: TicketIn) -> HttpResponse:
    ticket = services.ticket_create(requestor=request.auth, **payload.dict())
    return render.ticket_response(selectors.ticket_payload_for(ticket, request.auth), status=201)


@tickets_router.post("/bulk", response=BulkOut)
def ticket_bulk(request: ApiRequest, payload: BulkIn) -> HttpResponse:
    """A bulk action (DESIGN §10): each ticket acted on alone, as its own action or PATCH would;
    one result per ticket (``ok`` with the ticket, or ``error`` with the code and detail)."""
    data = payload.dict()
    fields = data["fields"] or {}
    # Canned responses are the communication service's: it hands in the one-ticket reply.
    reply = (communication_services.canned_reply_for(by=request.auth, canned_id=fields.get("canned_id"))
             if data["action"] == "apply_canned" and fields.get("canned_id") else None)
    results = services.ticket_bulk(by=request.auth, action=data["action"], ids=data["ids"], fields=fields,
                                    reply=reply)
    done = selectors.with_subticket_progress([r.ticket for r in results if r.ticket is not None])
    payloads = iter([render.ticket_out(selectors.ticket_payload_for(t, request.auth)) for t in done])
    return render.json_response({"results": [
        {"id": str(r.id), "status": "ok", "code": None, "detail": None, "ticket": next(payloads)} if r.ok
        else {"id": str(r.id), "status": "error", "code": r.code, "detail": r.detail, "ticket": None}
        for r in results]})


@tickets_router.get("/{ticket_id}", response=TicketOut)
def ticket_detail(request: ApiRequest, ticket_id: uuid.UUID) -> HttpResponse:
    # The page loader attaches the sub-ticket progress once: the payload and the rules (open
    # sub-tickets) each counted it with a query of their own (bench/RESULTS.md, issue 18 item 4).
    ticket = selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    selectors.with_subticket_progress([ticket])
    return render.ticket_response(selectors.ticket_payload_for(ticket, request.auth))


@tickets_router.patch("/{ticket_id}", response=TicketOut)
def ticket_update(request: ApiRequest, ticket_id: uuid.UUID, payload: TicketPatch) -> dict[str, Any]:
    selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    ticket = services.ticket_update(ticket_id=ticket_id, by=request.auth, version=version, changes=changes)
    return selectors.ticket_payload_for(ticket, request.auth)


@tickets_router.delete("/{ticket_id}", response={204: None})
def ticket_delete(request: ApiRequest, ticket_id: uuid.UUID) -> tuple[int, None]:
    selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    services.ticket_delete(ticket_id=ticket_id, by=request.auth)
    return 204, None


def _mount_action(action: str, body: type[ActionIn]) -> None:
    """``POST tickets/{id}/actions/<action>`` with that action's own body schema (DESIGN §3)."""

    def ticket_action(request: ApiRequest, ticket_id: uuid.UUID, payload: ActionIn) -> HttpResponse:
        selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
        fields = payload.dict(exclude_unset=True)
        version = fields.pop("version")
        ticket = services.ticket_act(ticket_id=ticket_id, by=request.auth, action=action, version=version,
                                     fields=fields)
        return render.ticket_response(selectors.ticket_payload_for(ticket, request.auth))

    ticket_action.__annotations__["payload"] = body  # Ninja reads the action's own schema from here
    ticket_action.__name__ = f"ticket_action_{action}"
    ticket_action.__doc__ = f"The {action.replace('_', ' ')} action (DESIGN §3); returns the ticket."
    tickets_router.post(f"/{{ticket_id}}/actions/{action}", response=TicketOut, operation_id=f"ticket_action_{action}",
                        summary=f"Ticket action: {action}")(ticket_action)


for _action, _body in ACTION_BODIES.items():
    _mount_action(_action, _body)


@tickets_router.post("/{ticket_id}/actions/{action}", include_in_schema=False)
def ticket_action_unknown(request: ApiRequest, ticket_id: uuid.UUID, action: str) -> HttpResponse:
    """Any other action name: 422, as when the names were one path parameter."""
    raise ValidationFailed(f"Unknown action {action!r}.", errors=[{"loc": ["path", "action"], "msg": "unknown action"}])


@tickets_router.get("/{ticket_id}/history", response=HistoryPage)
def ticket_history(request: ApiRequest, ticket_id: uuid.UUID, page: Query[PageParams]) -> dict[str, Any]:
    ticket = selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    return paginate(request, selectors.ticket_history(ticket=ticket), page)


@tickets_router.get("/{ticket_id}/subtickets", response=list[TicketOut])
def subticket_list(request: ApiRequest, ticket_id: uuid.UUID) -> list[dict[str, Any]]:
    ticket = selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    subs = selectors.with_subticket_progress(list(selectors.subticket_list(ticket=ticket)))
    return [selectors.ticket_payload_for(sub, request.auth) for sub in subs]


@tickets_router.post("/{ticket_id}/subtickets", response={201: list[TicketOut]})
def subticket_create(request: ApiRequest, ticket_id: uuid.UUID, payload: SplitIn) -> tuple[int, list[dict[str, Any]]]:
    selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    data = payload.dict()
    created = services.ticket_split(ticket_id=ticket_id, by=request.auth, items=data["items"],
                                    version=data["version"])
    return 201, [selectors.ticket_payload_for(sub, request.auth) for sub in selectors.with_subticket_progress(created)]


def _participant_out(participant: Any) -> dict[str, Any]:
    user = participant.user
    return {"user_id": user.id, "employee_code": user.employee_code, "full_name": user.full_name,
            "role": user.role, "joined_at": participant.joined_at, "added_by_id": participant.added_by_id}


@tickets_router.get("/{ticket_id}/participants", response=list[ParticipantOut])
def participant_list(request: ApiRequest, ticket_id: uuid.UUID) -> list[dict[str, Any]]:
    ticket = selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    return [_participant_out(p) for p in selectors.participant_list(room_id=ticket.room_id)]


@tickets_router.post("/{ticket_id}/participants", response={201: ParticipantOut})
def participant_add(request: ApiRequest, ticket_id: uuid.UUID, payload: ParticipantIn) -> tuple[int, dict[str, Any]]:
    selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    participant = services.participant_add(ticket_id=ticket_id, by=request.auth, user_id=payload.user_id)
    participant = selectors.participant_list(room_id=participant.ticket_id).get(id=participant.id)
    return 201, _participant_out(participant)


@tickets_router.get("/{ticket_id}/mentionable", response=MentionablePage)
def mentionable_list(request: ApiRequest, ticket_id: uuid.UUID, params: Query[MentionableParams]) -> dict[str, Any]:
    """Who the caller may @mention on this ticket (DESIGN §10): the chat box's autocomplete."""
    people = selectors.mentionable_users(user=request.auth, ticket_id=ticket_id, internal=params.internal,
                                         q=params.q)
    return {"items": [{"id": p.id, "employee_code": p.employee_code, "full_name": p.full_name, "role": p.role}
                      for p in people]}


@tickets_router.get("/{ticket_id}/links", response=LinkPage)
def link_list(request: ApiRequest, ticket_id: uuid.UUID) -> dict[str, Any]:
    """The ticket's links (DESIGN §10), each to a ticket the caller may see."""
    ticket = selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    return {"items": selectors.link_list(user=request.auth, ticket=ticket), "can_link": policy.may_link(request.auth)}


@tickets_router.post("/{ticket_id}/links", response={201: LinkOut})
def link_create(request: ApiRequest, ticket_id: uuid.UUID, payload: LinkIn) -> tuple[int, dict[str, Any]]:
    link = services.link_create(by=request.auth, ticket_id=ticket_id, to_id=payload.to_id, kind=payload.kind)
    ticket = selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    return 201, next(item for item in selectors.link_list(user=request.auth, ticket=ticket)
                     if item["id"] == str(link.id))


@tickets_router.delete("/{ticket_id}/links/{link_id}", response={204: None})
def link_delete(request: ApiRequest, ticket_id: uuid.UUID, link_id: uuid.UUID) -> tuple[int, None]:
    services.link_delete(by=request.auth, ticket_id=ticket_id, link_id=link_id)
    return 204, None


@tickets_router.get("/{ticket_id}/approvals", response=list[ApprovalOut])
def ticket_approvals(request: ApiRequest, ticket_id: uuid.UUID) -> list[dict[str, Any]]:
    ticket = selectors.ticket_get_visible(user=request.auth, ticket_id=ticket_id)
    return [selectors.approval_payload(step) for step in selectors.approval_steps_of(ticket=ticket)]


# ---------------------------------------------------------------- approvals

@approvals_router.get("", response=ApprovalPage)
def approval_list(request: ApiRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Approval steps waiting on the caller (admins see every pending step)."""
    result = paginate(request, selectors.approval_waiting_for(user=request.auth), page)
    steps = result["items"]
    with_progress = selectors.with_subticket_progress([step.ticket for step in steps])
    result["items"] = [{**selectors.approval_payload(step),
                        "ticket": selectors.ticket_payload_for(ticket, request.auth)}
                       for step, ticket in zip(steps, with_progress, strict=True)]
    return result


@approvals_router.post("/{approval_id}/approve", response=ApprovalOut)
def approval_approve(request: ApiRequest, approval_id: uuid.UUID, payload: DecisionIn) -> dict[str, Any]:
    selectors.approval_get_visible(user=request.auth, approval_id=approval_id)
    step = services.approval_decide(approval_id=approval_id, by=request.auth, decision="approve",
                                    reason=payload.reason or "", version=payload.version)
    return selectors.approval_payload(step)


@approvals_router.post("/{approval_id}/reject", response=ApprovalOut)
def approval_reject(request: ApiRequest, approval_id: uuid.UUID, payload: DecisionIn) -> dict[str, Any]:
    selectors.approval_get_visible(user=request.auth, approval_id=approval_id)
    step = services.approval_decide(approval_id=approval_id, by=request.auth, decision="reject",
                                    reason=payload.reason or "", version=payload.version)
    return selectors.approval_payload(step)


# ---------------------------------------------------------------- analytics (role-scoped)

@analytics_router.get("/summary")
def analytics_summary(request: ApiRequest, filters: Query[AnalyticsFilters]) -> dict[str, Any]:
    return analytics.analytics_summary(user=request.auth, filters=filters.bounds())


@analytics_router.get("/volume")
def analytics_volume(request: ApiRequest, filters: Query[VolumeFilters]) -> dict[str, Any]:
    return {"interval": filters.interval, "items": analytics.analytics_volume(
        user=request.auth, filters=filters.bounds(), interval=filters.interval)}


@analytics_router.get("/priority-trend")
def analytics_priority_trend(request: ApiRequest, filters: Query[TrendFilters]) -> dict[str, Any]:
    """Tickets created per day or week and priority over the range (one call for the trend chart)."""
    return {"interval": filters.interval, "items": analytics.analytics_priority_trend(
        user=request.auth, filters=filters.bounds(), interval=filters.interval)}


@analytics_router.get("/workload")
def analytics_workload(request: ApiRequest, filters: Query[AnalyticsFilters]) -> dict[str, Any]:
    """Per assignee: open, in progress, overdue, resolved, average resolution hours (moderators, admins)."""
    require_staff(request.auth)
    return {"items": analytics.analytics_workload(user=request.auth, filters=filters.bounds())}


@analytics_router.get("/by-department")
def analytics_by_department(request: ApiRequest, filters: Query[AnalyticsFilters]) -> dict[str, Any]:
    return {"items": analytics.analytics_by_department(user=request.auth, filters=filters.bounds())}


@analytics_router.get("/by-status")
def analytics_by_status(request: ApiRequest, filters: Query[AnalyticsFilters]) -> dict[str, Any]:
    return analytics.analytics_by_status_priority(user=request.auth, filters=filters.bounds())


@analytics_router.get("/resolution-time")
def analytics_resolution_time(request: ApiRequest, filters: Query[AnalyticsFilters]) -> dict[str, Any]:
    return {"items": analytics.analytics_resolution_time(user=request.auth, filters=filters.bounds())}


@analytics_router.get("/sla-compliance")
def analytics_sla_compliance(request: ApiRequest, filters: Query[AnalyticsFilters]) -> dict[str, Any]:
    return analytics.analytics_sla_compliance(user=request.auth, filters=filters.bounds())


@analytics_router.get("/satisfaction")
def analytics_satisfaction(request: ApiRequest, filters: Query[AnalyticsFilters]) -> dict[str, Any]:
    return analytics.analytics_satisfaction(user=request.auth, filters=filters.bounds())


# ---------------------------------------------------------------- SLA policies, holidays, desk settings

@sla_router.get("/policies", response=list[SlaPolicyOut])
def sla_policy_list(request: ApiRequest) -> Any:
    return list(selectors.sla_policy_list())


@sla_router.post("/policies", response={201: SlaPolicyOut})
def sla_policy_create(request: ApiRequest, payload: SlaPolicyIn) -> tuple[int, SlaPolicy]:
    """Create or replace the policy of a priority (one per priority)."""
    require_admin(request.auth)
    return 201, services.sla_policy_upsert(by=request.auth, **payload.dict())


@sla_router.patch("/policies/{policy_id}", response=SlaPolicyOut)
def sla_policy_update(request: ApiRequest, policy_id: uuid.UUID, payload: SlaPolicyPatch) -> SlaPolicy:
    require_admin(request.auth)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.sla_policy_update(by=request.auth, policy_id=policy_id, version=version, changes=changes)


@sla_router.delete("/policies/{policy_id}", response={204: None})
def sla_policy_delete(request: ApiRequest, policy_id: uuid.UUID) -> tuple[int, None]:
    require_admin(request.auth)
    services.sla_policy_delete(by=request.auth, policy_id=policy_id)
    return 204, None


@sla_router.get("/holidays", response=list[HolidayOut])
def holiday_list(request: ApiRequest) -> Any:
    return list(selectors.holiday_list())


@sla_router.post("/holidays", response={201: HolidayOut})
def holiday_add(request: ApiRequest, payload: HolidayIn) -> tuple[int, Any]:
    require_admin(request.auth)
    return 201, services.holiday_add(by=request.auth, date=payload.date, name=payload.name)


@sla_router.delete("/holidays/{holiday_id}", response={204: None})
def holiday_delete(request: ApiRequest, holiday_id: uuid.UUID) -> tuple[int, None]:
    require_admin(request.auth)
    services.holiday_delete(by=request.auth, holiday_id=holiday_id)
    return 204, None


@sla_router.get("/settings", response=DeskSettingsOut)
def desk_settings(request: ApiRequest) -> Any:
    return selectors.desk_settings_get()


@sla_router.patch("/settings", response=DeskSettingsOut)
def desk_settings_update(request: ApiRequest, payload: DeskSettingsPatch) -> Any:
    require_admin(request.auth)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return services.desk_settings_update(by=request.auth, version=version, changes=changes)


# ---------------------------------------------------------------- saved views (DESIGN §10)

@views_router.get("", response=ViewPage)
def view_list(request: ApiRequest) -> dict[str, Any]:
    """The caller's views and the shared ones, each with its live count (all of them: one page)."""
    items = [selectors.view_payload(view, request.auth) for view in selectors.view_list_for(user=request.auth)]
    return {"items": items, "count": len(items), "next": None, "can_share": policy.view_may_share(request.auth)}


@views_router.get("/counts", response=ViewCountsOut)
def view_counts(request: ApiRequest) -> dict[str, Any]:
    """Only the counts, for refreshing the sidebar: each equals ``GET tickets``' count with the view's filters."""
    return selectors.view_counts(user=request.auth)


@views_router.post("", response={201: ViewOut})
def view_create(request: ApiRequest, payload: ViewIn) -> tuple[int, dict[str, Any]]:
    view = services.view_create(by=request.auth, **payload.dict())
    return 201, selectors.view_payload(view, request.auth)


@views_router.patch("/{view_id}", response=ViewOut)
def view_update(request: ApiRequest, view_id: uuid.UUID, payload: ViewPatch) -> dict[str, Any]:
    view = services.view_update(by=request.auth, view_id=view_id, changes=payload.dict(exclude_unset=True))
    return selectors.view_payload(view, request.auth)


@views_router.delete("/{view_id}", response={204: None})
def view_delete(request: ApiRequest, view_id: uuid.UUID) -> tuple[int, None]:
    services.view_delete(by=request.auth, view_id=view_id)
    return 204, None


# ---------------------------------------------------------------- exports (DESIGN §11)

def _attachment(response: HttpResponseBase, extension: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="tickets-{timezone.now():%Y%m%d-%H%M%S}.{extension}"'
    return response


@reports_router.get("/tickets.csv", response={200: None})
def report_tickets_csv(request: ApiRequest, filters: Query[ExportFilters]) -> HttpResponseBase:
    """The tickets ``GET tickets`` would list with these filters (or this saved view), as CSV."""
    data = filters.dict()
    chosen = exports.export_filters(user=request.auth, filters=data, view_id=data.pop("view"))
    lines = exports.tickets_csv(user=request.auth, filters=chosen)
    return _attachment(StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8"), "csv")


@reports_router.get("/tickets.xlsx", response={200: None})
def report_tickets_xlsx(request: ApiRequest, filters: Query[ExportFilters]) -> HttpResponseBase:
    """The same rows as ``reports/tickets.csv``, as an Excel workbook."""
    data = filters.dict()
    chosen = exports.export_filters(user=request.auth, filters=data, view_id=data.pop("view"))
    workbook = exports.tickets_xlsx(user=request.auth, filters=chosen)
    return _attachment(FileResponse(workbook, content_type=XLSX_TYPE), "xlsx")


@reports_router.get("/schedules", response=SchedulePage)
def schedule_list(request: ApiRequest) -> dict[str, Any]:
    """Scheduled reports (admins)."""
    require_admin(request.auth)
    return {"items": [selectors.schedule_payload(s) for s in selectors.schedule_list()],
            "recipient_choices": selectors.schedule_recipient_choices()}


@reports_router.post("/schedules", response={201: ScheduleOut})
def schedule_create(request: ApiRequest, payload: ScheduleIn) -> tuple[int, dict[str, Any]]:
    schedule = services.schedule_create(by=request.auth, data=payload.dict())
    return 201, selectors.schedule_payload(schedule)


@reports_router.patch("/schedules/{schedule_id}", response=ScheduleOut)
def schedule_update(request: ApiRequest, schedule_id: uuid.UUID, payload: SchedulePatch) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    return selectors.schedule_payload(services.schedule_update(by=request.auth, schedule_id=schedule_id, data=data))


@reports_router.delete("/schedules/{schedule_id}", response={204: None})
def schedule_delete(request: ApiRequest, schedule_id: uuid.UUID) -> tuple[int, None]:
    services.schedule_delete(by=request.auth, schedule_id=schedule_id)
    return 204, None


@reports_router.post("/schedules/{schedule_id}/send", response=SendOut)
def schedule_send(request: ApiRequest, schedule_id: uuid.UUID) -> dict[str, int]:
    """Send the report now (the period up to now), to its recipients; its schedule is unchanged."""
    return {"sent": services.schedule_send_now(by=request.auth, schedule_id=schedule_id)}


# ---------------------------------------------------------------- request categories (DESIGN §10)

@categories_router.get("", response=CategoryPage)
def category_list(request: ApiRequest, filters: Query[CategoryFilters]) -> dict[str, Any]:
    """Every request category (readable by every signed-in user: the new-request form asks for
    the chosen one's fields); ``department=`` for one department's."""
    items = [selectors.category_payload(c) for c in selectors.category_list(department_id=filters.department)]
    return {"items": items, "count": len(items), "next": None}


@categories_router.post("", response={201: CategoryOut})
def category_create(request: ApiRequest, payload: CategoryIn) -> tuple[int, dict[str, Any]]:
    data = payload.dict()
    category = services.category_create(by=request.auth, **data)
    return 201, selectors.category_payload(category)


@categories_router.get("/{category_id}", response=CategoryOut)
def category_get(request: ApiRequest, category_id: uuid.UUID) -> dict[str, Any]:
    return selectors.category_payload(selectors.category_get(category_id=category_id))


@categories_router.patch("/{category_id}", response=CategoryOut)
def category_update(request: ApiRequest, category_id: uuid.UUID, payload: CategoryPatch) -> dict[str, Any]:
    changes = patch_changes(payload)
    version = changes.pop("version", None)
    category = services.category_update(by=request.auth, category_id=category_id, changes=changes, version=version)
    return selectors.category_payload(category)


@categories_router.delete("/{category_id}", response={204: None})
def category_delete(request: ApiRequest, category_id: uuid.UUID) -> tuple[int, None]:
    services.category_delete(by=request.auth, category_id=category_id)
    return 204, None


routes = [
    ("/tickets", tickets_router),
    ("/approvals", approvals_router),
    ("/analytics", analytics_router),
    ("/sla", sla_router),
    ("/views", views_router),
    ("/reports", reports_router),
    ("/categories", categories_router),
]
