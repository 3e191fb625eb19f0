"""Input and output schemas of the ticket service (DESIGN §4)."""

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, model_validator

from hdms.audit.kinds import entry_params
from hdms.core.schema_types import IsoDate, IsoDateTime, Money, RangeFrom, RangeTo, WallTime
from hdms.core.text import VisibleLine, visible_line_field
from hdms.tickets.models import FieldType, LinkKind, Priority, TicketStatus
from hdms.tickets.policy import BULK_ACTIONS, BULK_MAX_IDS, EDITABLE_BY_REQUESTOR, STATE_ACTIONS, Action

if TYPE_CHECKING:  # mypy reads names built at run time as plain strings
    PriorityName = str
    StatusName = str
    EditableField = str
else:  # named once: models.Priority, models.TicketStatus, policy (the widest set; policy decides per caller)
    PriorityName = Literal[tuple(Priority.values)]
    StatusName = Literal[tuple(TicketStatus.values)]
    EditableField = Literal[EDITABLE_BY_REQUESTOR]
# GET tickets' sort keys (DESIGN §10), each also descending with a leading "-"; selectors.ORDERINGS
# says what each sorts by. Anything else is 422.
SORT_KEYS = ("created_at", "updated_at", "updated", "priority", "resolution_due", "sla_due", "number",
             "requestor", "assignee", "department", "age", "risk")
RiskLevel = Literal["low", "medium", "high"]
ORDERING_NAMES = tuple(f"{sign}{key}" for key in SORT_KEYS for sign in ("", "-"))
if TYPE_CHECKING:
    OrderingName = str
    BulkActionName = str
    LinkKindName = str
    FieldTypeName = str
else:
    OrderingName = Literal[ORDERING_NAMES]
    BulkActionName = Literal[BULK_ACTIONS]
    LinkKindName = Literal[tuple(LinkKind.values)]
    FieldTypeName = Literal[tuple(FieldType.values)]


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- tickets

class UserBriefOut(Schema):
    id: uuid.UUID
    employee_code: str
    full_name: str


class DepartmentBriefOut(Schema):
    id: uuid.UUID
    code: str
    name: str


class SlaOut(Schema):
    started_at: datetime | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_response_breached: bool
    resolution_breached: bool
    breached: bool
    paused: bool
    paused_minutes: int


class TicketSlaRiskOut(Schema):
    probability: float = Field(..., description="Calibrated probability of missing the resolution target.")
    level: RiskLevel


class TriageDepartmentOut(Schema):
    department_id: uuid.UUID
    probability: float


class TriageCategoryOut(Schema):
    category_id: str
    probability: float


class TicketTriageOut(Schema):
    """The ai service's latest suggestion for the ticket (DESIGN §12), as ``POST ai/triage`` gave it."""

    suggestion_id: uuid.UUID
    departments: list[TriageDepartmentOut]
    categories: list[TriageCategoryOut]
    abstained: bool
    reason: str = Field(..., description="'' | unsure | too_few_examples | history_too_small | department_off")
    model_version: int | None
    source: Literal["model", "rules"]


class ProgressOut(Schema):
    total: int
    done: int


FormValue = str | int | float | None
FORM_VALUES_DOC = ("The request form's values by field key (DESIGN §10), checked against the category's fields: "
                   "422 naming fields.<key> for each one refused.")


class FormFieldOut(Schema):
    key: str
    label_en: str
    label_ur: str
    type: str
    value: str | None


class TicketFormOut(Schema):
    category_id: uuid.UUID
    name_en: str
    name_ur: str
    fields: list[FormFieldOut]


class TicketOut(Schema):
    id: uuid.UUID
    number: str
    title: str
    description: str
    status: StatusName
    priority: PriorityName
    category: str
    department_id: uuid.UUID | None
    department: DepartmentBriefOut | None
    requestor_id: uuid.UUID
    requestor: UserBriefOut | None
    requestor_name: str
    assignee_id: uuid.UUID | None
    assignee: UserBriefOut | None
    assignee_name: str | None
    owner_id: uuid.UUID | None
    parent_id: uuid.UUID | None
    room_id: uuid.UUID
    amount: Decimal | None
    category_id: uuid.UUID | None = Field(..., description="The request form's category (categories/{id}).")
    fields: dict[str, str] = Field(..., description="The request form's values by field key.")
    form: TicketFormOut | None = Field(..., description="The category's names and each field's labels with its "
                                                        "value, for showing the form.")
    merged_into_id: uuid.UUID | None = Field(..., description="Set when this ticket was merged into that one.")
    due_at: datetime | None
    sla_due_at: datetime | None = Field(..., description="The resolution target (sla.resolution_due).")
    resolution: str
    postponed_until: datetime | None
    postponed_reason: str
    rating: int | None
    rating_comment: str
    version: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    first_responded_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    subtickets: ProgressOut
    sla: SlaOut
    sla_risk: TicketSlaRiskOut | None = Field(..., description="Staff only, open tickets with a running clock: the ai "
                                                         "service's breach risk (refreshed every few minutes); "
                                                         "null otherwise.")
    triage: TicketTriageOut | None = Field(..., description="Staff only: the ai service's latest suggestion for "
                                                             "this ticket (null until one was made, and for others).")
    allowed_actions: list[Action] = Field(
        ..., description="What the caller may do now (tickets/policy.py): the actions of "
                         "POST tickets/{id}/actions/{action}, plus split (POST tickets/{id}/subtickets), delete "
                         "(DELETE tickets/{id}) and message (POST tickets/{id}/messages).")
    editable_fields: list[EditableField] = Field(..., description="The fields PATCH tickets/{id} accepts from the "
                                                                  "caller now; empty when they cannot edit.")


class TicketPage(Schema):
    items: list[TicketOut]
    count: int | None = Field(None, description="Total matches; in cursor mode only on the first page. A search "
                                                 "(q) counts at most 200, any other list 1,000: count_capped "
                                                 "then says there are more.")
    count_capped: bool = Field(False, description="True when count stopped at the cap (\"200+\", \"1,000+\").")
    next: str | None
    as_of: datetime | None = Field(None, description="When the list was read: GET tickets/changes?since= "
                                                     "counts what changed in it after that.")


class TicketIn(StrictIn):
    title: VisibleLine = visible_line_field(..., max_length=200)
    description: str = Field("", max_length=20000)
    department_id: uuid.UUID | None = None
    category: str = Field("", max_length=64)
    priority: PriorityName | None = None
    amount: Money | None = None
    due_at: IsoDateTime | None = None
    submit: StrictBool = False
    category_id: uuid.UUID | None = Field(None, description="A request category of the chosen department.")
    fields: dict[str, FormValue] | None = Field(None, description=FORM_VALUES_DOC)


class TicketPatch(StrictIn):
    version: int = Field(..., ge=1)
    title: VisibleLine | None = visible_line_field(None, max_length=200)
    description: str | None = Field(None, max_length=20000)
    department_id: uuid.UUID | None = None
    category: str | None = Field(None, max_length=64)
    priority: PriorityName | None = None
    amount: Money | None = None
    due_at: IsoDateTime | None = None
    category_id: uuid.UUID | None = None
    fields: dict[str, FormValue] | None = Field(None, description=FORM_VALUES_DOC)


class TicketFilters(Schema):
    status: list[StatusName] | None = None
    priority: list[PriorityName] | None = None
    department: uuid.UUID | None = None
    assignee: uuid.UUID | Literal["none"] | None = None
    requestor: uuid.UUID | None = None
    parent: uuid.UUID | None = None
    top_level: bool | None = None
    q: str | None = Field(None, max_length=200)
    created_after: IsoDateTime | None = None
    created_before: IsoDateTime | None = None
    sla_breached: bool | None = None
    ordering: OrderingName | None = None
    cursor: str | None = Field(None, max_length=400, description="Keyset cursor (every ordering); send cursor= "
                                                                  "(empty) to start in cursor mode, then follow next.")


class TicketChangesQuery(TicketFilters):
    since: IsoDateTime = Field(..., description="The as_of of the list page the reader has.")


class TicketChangesOut(Schema):
    count: int = Field(..., description="Tickets of the list (its filters) created or changed after since.")
    as_of: datetime


class ExportFilters(TicketFilters):
    """``GET reports/tickets.csv|xlsx``: ``GET tickets``' filters, or a saved view's (``view``) with
    any filter given beside it on top."""

    view: uuid.UUID | None = None


# ---------------------------------------------------------------- saved views and bulk actions (DESIGN §10)

VIEW_FILTER_NAMES = tuple(name for name in TicketFilters.model_fields if name not in ("ordering", "cursor"))
# The schema says which filters a view takes and what each accepts, from the model that checks them
# (services/views.py: GET tickets' own filters; any other name, or a bad value, is 422).
_VIEW_FILTERS_SCHEMA: dict[str, Any] = {
    "properties": {name: schema for name, schema in TicketFilters.model_json_schema()["properties"].items()
                   if name in VIEW_FILTER_NAMES},
    "additionalProperties": False,
}


class ViewIn(StrictIn):
    name: VisibleLine = visible_line_field(..., max_length=80)
    filters: dict[str, Any] = Field(default_factory=dict, description="GET tickets' query parameters "
                                                                       "(not ordering or cursor).",
                                    json_schema_extra=_VIEW_FILTERS_SCHEMA)
    ordering: OrderingName | None = None
    shared: StrictBool = False


class ViewPatch(StrictIn):
    name: VisibleLine | None = visible_line_field(None, max_length=80)
    filters: dict[str, Any] | None = Field(None, json_schema_extra=_VIEW_FILTERS_SCHEMA)
    ordering: OrderingName | None = None
    shared: StrictBool | None = None


class ViewOut(Schema):
    id: uuid.UUID
    name: str
    filters: dict[str, Any]
    ordering: OrderingName | None
    shared: bool
    owner_id: uuid.UUID
    can_change: bool = Field(..., description="Whether the caller may rename, re-filter or delete it.")
    count: int = Field(..., description="Tickets the caller sees in this view now: GET tickets' count "
                                        "with its filters (capped like it).")
    count_capped: bool = Field(..., description="True when count stopped at the cap (show \"1,000+\").")


ReportKindName = Literal["sla_weekly", "department_summary", "view"]


class ScheduleIn(StrictIn):
    """A scheduled report (DESIGN §11); ``view_id`` only (and then required) for ``kind: view``."""

    name: VisibleLine = visible_line_field(..., max_length=120)
    kind: ReportKindName
    view_id: uuid.UUID | None = None
    recipients: list[uuid.UUID] = Field(..., min_length=1, max_length=50)
    cadence: Literal["weekly", "monthly"]
    language: Literal["en", "ur"] = "en"
    format: Literal["pdf", "xlsx"] = "pdf"


class SchedulePatch(StrictIn):
    name: VisibleLine | None = visible_line_field(None, max_length=120)
    kind: ReportKindName | None = None
    view_id: uuid.UUID | None = None
    recipients: list[uuid.UUID] | None = Field(None, min_length=1, max_length=50)
    cadence: Literal["weekly", "monthly"] | None = None
    language: Literal["en", "ur"] | None = None
    format: Literal["pdf", "xlsx"] | None = None


class ScheduleOut(Schema):
    id: uuid.UUID
    name: str
    kind: ReportKindName
    view_id: uuid.UUID | None
    recipients: list[uuid.UUID]
    cadence: Literal["weekly", "monthly"]
    language: Literal["en", "ur"]
    format: Literal["pdf", "xlsx"]
    next_run_at: datetime
    last_sent_at: datetime | None
    version: int


class SchedulePage(Schema):
    items: list[ScheduleOut]
    recipient_choices: list[UserBriefOut] = Field(..., description="Who may receive a report (the server's rule).")


class SendOut(Schema):
    sent: int = Field(..., description="How many recipients it was mailed to.")


class ViewPage(Schema):
    items: list[ViewOut]
    count: int
    next: str | None = None
    can_share: bool = Field(..., description="Whether the caller may create shared views (tickets/policy.py).")


class ViewCountsOut(Schema):
    counts: dict[str, int] = Field(..., description="View id -> count, for each of the caller's views.")
    capped: list[str] = Field(..., description="Ids of the views whose count stopped at the cap (show \"1,000+\").")


class BulkFieldsIn(StrictIn):
    department_id: uuid.UUID | None = Field(None, description="assign, set_department.")
    assignee_id: uuid.UUID | None = Field(None, description="assign, reassign.")
    priority: PriorityName | None = Field(None, description="set_priority.")
    reason: str | None = Field(None, max_length=2000, description="reject (required), reassign.")
    canned_id: uuid.UUID | None = Field(None, description="apply_canned (required): a canned response the caller "
                                                          "may use, posted on each ticket in its requestor's "
                                                          "language.")


class BulkIn(StrictIn):
    ids: list[uuid.UUID] = Field(..., min_length=1, max_length=BULK_MAX_IDS)
    action: BulkActionName
    fields: BulkFieldsIn | None = Field(None, description="What the action needs (422 naming what is missing).")


class BulkResultOut(Schema):
    id: uuid.UUID
    status: Literal["ok", "error"]
    code: str | None = None
    detail: str | None = None
    ticket: TicketOut | None = None


class BulkOut(Schema):
    results: list[BulkResultOut]


class ActionIn(StrictIn):
    """``POST tickets/{id}/actions/{action}``: every body carries the ticket's ``version``; each
    action's schema below adds exactly the fields that action takes (anything else is 422)."""

    version: int = Field(..., ge=1, description="The ticket's version (409 version_conflict when stale).")


Reason = Field(None, max_length=2000)


class SubmitIn(ActionIn):
    pass


class WithdrawIn(ActionIn):
    reason: str | None = Reason


class RejectIn(ActionIn):
    reason: str | None = Field(None, max_length=2000, description="Required (422 when empty).")


class RequestApprovalIn(ActionIn):
    reason: str | None = Reason


class ApproveIn(ActionIn):
    reason: str | None = Reason


class AssignIn(ActionIn):
    department_id: uuid.UUID | None = Field(None, description="Required.")
    assignee_id: uuid.UUID | None = Field(None, description="Required; an assignee of that department.")


class ReassignIn(ActionIn):
    assignee_id: uuid.UUID | None = Field(None, description="Required.")
    reason: str | None = Reason


class StartIn(ActionIn):
    pass


class PostponeIn(ActionIn):
    reason: str | None = Field(None, max_length=2000, description="Required.")
    until: IsoDateTime | None = Field(None, description="Required; in the future.")


class ResumeIn(ActionIn):
    pass


class ResolveIn(ActionIn):
    resolution: str | None = Field(None, max_length=5000)


class ReopenIn(ActionIn):
    reason: str | None = Field(None, max_length=2000, description="Required.")


class CloseIn(ActionIn):
    pass


class RateIn(ActionIn):
    score: int | None = Field(None, ge=1, le=5, description="Required, 1 to 5.")
    comment: str | None = Field(None, max_length=2000)


class MergeIn(ActionIn):
    into_id: uuid.UUID | None = Field(None, description="Required: the open top-level ticket this one repeats.")


# One body schema per action (policy.STATE_ACTIONS); the API mounts one operation per entry.
ACTION_BODIES: dict[str, type[ActionIn]] = {
    "submit": SubmitIn, "withdraw": WithdrawIn, "reject": RejectIn, "request_approval": RequestApprovalIn,
    "approve": ApproveIn, "assign": AssignIn, "reassign": ReassignIn, "start": StartIn, "postpone": PostponeIn,
    "resume": ResumeIn, "resolve": ResolveIn, "reopen": ReopenIn, "close": CloseIn, "rate": RateIn,
    "merge": MergeIn,
}
assert set(ACTION_BODIES) == {a.value for a in STATE_ACTIONS}, "an action without a body schema"


class LinkIn(StrictIn):
    to_id: uuid.UUID
    kind: LinkKindName = "related"


class LinkOut(Schema):
    id: uuid.UUID
    kind: str
    direction: Literal["outgoing", "incoming"] = Field(..., description="outgoing: this ticket is the link's "
                                                                         "from side (a duplicate of the other).")
    ticket_id: uuid.UUID
    number: str
    title: str
    status: StatusName
    merged: bool = Field(..., description="One of the two was merged into the other.")
    created_at: datetime


class LinkPage(Schema):
    items: list[LinkOut]
    can_link: bool = Field(..., description="Whether the caller may link and unlink tickets (tickets/policy.py).")


# ---------------------------------------------------------------- request categories (DESIGN §10)

class CategoryFieldIn(Schema):
    """Checked by the service (422 naming fields.<n>.<attribute>)."""

    key: str = Field(..., max_length=32)
    label_en: str = Field(..., max_length=80)
    label_ur: str = Field("", max_length=80)
    type: FieldTypeName
    required: StrictBool = False
    choices: list[str] = Field(default_factory=list, max_length=50)


class CategoryFieldOut(Schema):
    key: str
    label_en: str
    label_ur: str
    type: str
    required: bool
    choices: list[str]


class CategoryIn(StrictIn):
    department_id: uuid.UUID
    name_en: VisibleLine = visible_line_field(..., max_length=80)
    name_ur: str = Field("", max_length=80)
    fields: list[CategoryFieldIn] = Field(default_factory=list, max_length=20)


class CategoryPatch(StrictIn):
    version: int | None = Field(None, ge=1, description="When sent, must be the current one (409).")
    department_id: uuid.UUID | None = None
    name_en: VisibleLine | None = visible_line_field(None, max_length=80)
    name_ur: str | None = Field(None, max_length=80)
    fields: list[CategoryFieldIn] | None = Field(None, max_length=20)


class CategoryOut(Schema):
    id: uuid.UUID
    department_id: uuid.UUID
    name_en: str
    name_ur: str
    fields: list[CategoryFieldOut]
    version: int
    sets_amount: bool = Field(..., description="The form's money field `amount` is the ticket's amount: "
                                                "no separate amount is asked.")


class CategoryPage(Schema):
    items: list[CategoryOut]
    count: int
    next: str | None = None


class CategoryFilters(Schema):
    department: uuid.UUID | None = None


class HistoryOut(Schema):
    id: uuid.UUID
    created_at: datetime
    actor_id: uuid.UUID | None
    actor_code: str
    actor_name: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str
    kind: str = ""
    params: dict[str, Any] = {}

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return obj.action

    @staticmethod
    def resolve_params(obj: Any) -> dict[str, Any]:
        return entry_params(before=obj.before, after=obj.after)


class HistoryPage(Schema):
    items: list[HistoryOut]
    count: int
    next: str | None


class SubticketItemIn(StrictIn):
    department_id: uuid.UUID
    assignee_id: uuid.UUID
    title: VisibleLine | None = visible_line_field(None, max_length=200)
    description: str | None = Field(None, max_length=20000)


class SplitIn(StrictIn):
    version: int = Field(..., ge=1, description="The parent ticket's version.")
    items: list[SubticketItemIn] = Field(..., min_length=1, max_length=20)


class MentionableParams(Schema):
    internal: bool = Field(False, description="For an internal note: only those who read notes.")
    q: str = Field("", max_length=64, description="The start of an employee code, or part of a name.")


class MentionableOut(Schema):
    id: uuid.UUID
    employee_code: str
    full_name: str
    role: str


class MentionablePage(Schema):
    items: list[MentionableOut]


class ParticipantOut(Schema):
    user_id: uuid.UUID
    employee_code: str
    full_name: str
    role: str
    joined_at: datetime
    added_by_id: uuid.UUID | None


class ParticipantIn(StrictIn):
    user_id: uuid.UUID


# ---------------------------------------------------------------- approvals

class ApprovalOut(Schema):
    id: uuid.UUID
    ticket_id: uuid.UUID
    step: int
    round: int
    approver_kind: str
    status: str
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    reason: str
    created_at: datetime
    ticket: TicketOut | None = None


class ApprovalPage(Schema):
    items: list[ApprovalOut]
    count: int
    next: str | None


class DecisionIn(StrictIn):
    version: int = Field(..., ge=1, description="The ticket's version.")
    reason: str | None = Field(None, max_length=2000)


# ---------------------------------------------------------------- SLA and desk settings

class SlaPolicyOut(Schema):
    id: uuid.UUID
    priority: str
    first_response_minutes: int
    resolution_minutes: int
    is_active: bool
    version: int


class SlaPolicyIn(StrictIn):
    priority: PriorityName
    first_response_minutes: int = Field(..., ge=1, le=525600)
    resolution_minutes: int = Field(..., ge=1, le=525600)
    is_active: StrictBool = True


class SlaPolicyPatch(StrictIn):
    version: int = Field(..., ge=1)
    first_response_minutes: int | None = Field(None, ge=1, le=525600)
    resolution_minutes: int | None = Field(None, ge=1, le=525600)
    is_active: StrictBool | None = None


class HolidayOut(Schema):
    id: uuid.UUID
    date: date
    name: str


class HolidayIn(StrictIn):
    date: IsoDate
    name: str = Field("", max_length=120)


class DeskSettingsOut(Schema):
    timezone: str
    work_days: list[int]
    # Local wall-clock times in ``timezone`` (JSON schema's "time" format demands an offset).
    work_start: str = Field(..., pattern=r"^\d{2}:\d{2}$", examples=["08:00"])
    work_end: str = Field(..., pattern=r"^\d{2}:\d{2}$", examples=["16:00"])
    ceo_approval_threshold: Decimal
    auto_close_days: int
    reminder_days: int
    sla_warning_percent: int = Field(..., description="`sla.warning` goes out at this share of each SLA target.")
    version: int

    @staticmethod
    def resolve_work_start(obj: Any) -> str:
        return _hh_mm(obj["work_start"] if isinstance(obj, dict) else obj.work_start)

    @staticmethod
    def resolve_work_end(obj: Any) -> str:
        return _hh_mm(obj["work_end"] if isinstance(obj, dict) else obj.work_end)


def _hh_mm(value: time | str) -> str:
    return value.strftime("%H:%M") if isinstance(value, time) else str(value)[:5]


class DeskSettingsPatch(StrictIn):
    version: int = Field(..., ge=1)
    timezone: Literal["Asia/Karachi", "UTC", "Asia/Dubai", "Asia/Riyadh", "Europe/London"] | None = None
    work_days: list[int] | None = Field(None, min_length=1, max_length=7)
    work_start: WallTime | None = None
    work_end: WallTime | None = None
    ceo_approval_threshold: Money | None = None
    auto_close_days: int | None = Field(None, ge=2, le=60)
    reminder_days: int | None = Field(None, ge=1, le=60)
    sla_warning_percent: int | None = Field(None, ge=10, le=99)


# ---------------------------------------------------------------- analytics

class AnalyticsFilters(Schema):
    """Every analytics endpoint: tickets created in [from, to) (DESIGN §11); created_after and
    created_before are the older names of the same bounds."""

    from_: RangeFrom | None = Field(None, alias="from")
    to: RangeTo | None = None
    created_after: IsoDateTime | None = None
    created_before: IsoDateTime | None = None
    department: uuid.UUID | None = None

    @model_validator(mode="after")
    def _a_range(self) -> "AnalyticsFilters":
        start, end = self.from_ or self.created_after, self.to or self.created_before
        if start is not None and end is not None and start >= end:
            raise ValueError("the range is empty: 'from' must be before 'to'")
        return self

    def bounds(self) -> dict[str, Any]:
        return {"created_after": self.from_ or self.created_after, "created_before": self.to or self.created_before,
                "department": self.department}


class VolumeFilters(AnalyticsFilters):
    interval: Literal["day", "week", "month"] = "day"


class TrendFilters(AnalyticsFilters):
    interval: Literal["day", "week"] = "week"
