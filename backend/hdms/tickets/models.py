"""Tickets, their participants, approval steps, SLA policies and the desk settings (DESIGN §3).

Transitions are declared here with django-fsm so the allowed graph lives in one place, but they
are only ever *called* from ``hdms.tickets.services`` (which locks the row, checks the version,
audits and publishes events). The transition methods themselves only change fields.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, transition

from hdms.core.models import BaseModel


class TicketStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    PENDING_APPROVAL = "pending_approval", "Pending approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    POSTPONED = "postponed", "Postponed"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    MERGED = "merged", "Merged"  # a duplicate merged into another ticket (DESIGN §10); terminal


S = TicketStatus
# Statuses whose tickets count as "open" work (SLA running or paused).
OPEN_STATUSES = (S.SUBMITTED, S.PENDING_APPROVAL, S.APPROVED, S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED)
# The SLA clock is paused in these.
PAUSED_STATUSES = (S.POSTPONED, S.PENDING_APPROVAL)
# Nothing happens to a ticket in these any more (its chat is read-only).
TERMINAL_STATUSES = (S.CLOSED, S.WITHDRAWN, S.REJECTED, S.MERGED)
# A duplicate may be merged into another ticket from these (DESIGN §10).
MERGEABLE_STATUSES = (*OPEN_STATUSES, S.RESOLVED)
# A sub-ticket in one of these no longer blocks its parent from resolving.
# (Spelled out: a sub-ticket is never merged, and the constraint below names these.)
SUBTICKET_DONE_STATUSES = (S.RESOLVED, S.CLOSED, S.WITHDRAWN, S.REJECTED)
# Statuses in which the ticket sits in its department's queue (visible to that department's assignees).
DEPARTMENT_QUEUE_STATUSES = (S.ASSIGNED, S.IN_PROGRESS, S.POSTPONED, S.RESOLVED, S.CLOSED)


class Priority(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Ticket(BaseModel):
    number = models.CharField(max_length=16, unique=True)  # HD-000123, from a database sequence
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    department = models.ForeignKey(
        "users.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    category = models.CharField(max_length=64, blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.MEDIUM)
    status = FSMField(max_length=20, choices=TicketStatus.choices, default=S.DRAFT)
    requestor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtickets")
    # The moderator who split the ticket; a reopened parent goes back to them.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # The request form (DESIGN §10): the category chosen and its fields' values, checked by
    # ``services.forms`` against the category's field definitions.
    form_category = models.ForeignKey("RequestCategory", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    form_values = models.JSONField(default=dict, blank=True)
    # Set when this ticket was merged, as a duplicate, into another one (status ``merged``).
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(null=True, blank=True)  # the requestor's wished-for date

    resolution = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    postponed_until = models.DateTimeField(null=True, blank=True)
    postponed_reason = models.TextField(blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    auto_close_warned_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)

    # SLA (working time, see hdms.tickets.sla). The *_warn_at instants are the 80 % marks.
    sla_started_at = models.DateTimeField(null=True, blank=True)
    first_response_due = models.DateTimeField(null=True, blank=True)
    first_response_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_paused_minutes = models.PositiveIntegerField(default=0)  # working minutes spent paused
    first_response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    first_response_near_notified = models.BooleanField(default=False)
    resolution_near_notified = models.BooleanField(default=False)
    sla_breached = models.BooleanField(default=False)
    # SLA risk (DESIGN §12): the ai service's breach probability for an open ticket with a running
    # clock, stored by its refresh job (``ai.sla_risk_refresh``) so lists read it without a call;
    # null when there is no served model or the clock does not run.
    sla_risk = models.FloatField(null=True, blank=True)
    sla_risk_level = models.CharField(max_length=8, blank=True)  # low | medium | high
    # The ai service's latest department/category suggestion for this ticket (DESIGN §12), as it
    # stored it (tickets.services.ticket_triage_store); staff read it in the ticket's payload.
    triage = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            # The default list ordering and keyset pagination.
            models.Index(fields=["-created_at", "-id"], name="ticket_created_id"),
            models.Index(fields=["status", "-created_at"], name="ticket_status_created"),
            models.Index(fields=["department", "status", "-created_at"], name="ticket_dept_status_created"),
            # An assignee's department queue counted from the index alone (selectors.ticket_count).
            models.Index(fields=["department", "status"], condition=Q(is_deleted=False), name="ticket_dept_queue_live"),
            models.Index(fields=["assignee", "status", "-created_at"], name="ticket_assignee_status_created"),
            models.Index(fields=["requestor", "-created_at"], name="ticket_requestor_created"),
            models.Index(fields=["priority", "-created_at"], name="ticket_priority_created"),
            models.Index(fields=["parent"], name="ticket_parent", condition=Q(parent__isnull=False)),
            models.Index(fields=["-created_at"], name="ticket_breached_created", condition=Q(sla_breached=True)),
            models.Index(fields=["resolved_at"], name="ticket_resolved_open", condition=Q(status="resolved")),
            models.Index(fields=["status", "resolution_warn_at"], name="ticket_sla_scan"),
            # The list sorted by SLA due, soonest first (resolution_due ASC NULLS LAST, id ASC).
            models.Index(fields=["resolution_due", "id"], name="ticket_sla_due_id"),
            # The web app's default list (-updated_at, keyset) and "changed since" (the refresh banner).
            models.Index(fields=["updated_at", "id"], name="ticket_updated_id"),
            # Moderators' "at risk" ordering has an index on PostgreSQL only (migration 0009:
            # SQLite cannot index NULLS LAST).
        ]
        constraints = [
            # DESIGN §3: one sub-ticket per department; a done one may be followed by a new one.
            models.UniqueConstraint(
                fields=["parent", "department"], name="ticket_one_open_subticket_per_department",
                condition=Q(parent__isnull=False, is_deleted=False) & ~Q(status__in=SUBTICKET_DONE_STATUSES),
            ),
        ]

    # Attached to loaded tickets by selectors (not columns): sub-ticket progress and the facts the
    # policy reads beyond the row (selectors.with_subticket_progress, with_policy_facts).
    sub_total: int
    sub_done: int
    pending_approver_kind: str | None
    sibling_open: bool

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def room_id(self) -> Any:  # the parent's id for a sub-ticket (its chat room), else its own
        return self.parent_id or self.id

    # ---- the state machine (DESIGN §3); called only by services ----
    @transition(field=status, source=S.DRAFT, target=S.SUBMITTED)
    def submit(self) -> None: ...

    @transition(field=status, source=[S.DRAFT, S.SUBMITTED], target=S.WITHDRAWN)
    def withdraw(self) -> None: ...

    @transition(field=status, source=[S.SUBMITTED, S.PENDING_APPROVAL], target=S.REJECTED)
    def reject(self) -> None: ...

    @transition(field=status, source=S.SUBMITTED, target=S.PENDING_APPROVAL)
    def request_approval(self) -> None: ...

    @transition(field=status, source=S.PENDING_APPROVAL, target=S.PENDING_APPROVAL)
    def approve_step(self) -> None: ...

    @transition(field=status, source=S.PENDING_APPROVAL, target=S.APPROVED)
    def approve_final(self) -> None: ...

    @transition(field=status, source=[S.SUBMITTED, S.APPROVED], target=S.ASSIGNED)
    def assign(self) -> None: ...

    @transition(field=status, source=[S.ASSIGNED, S.IN_PROGRESS], target=S.ASSIGNED)
    def reassign(self) -> None: ...

    @transition(field=status, source=S.ASSIGNED, target=S.IN_PROGRESS)
    def start(self) -> None: ...

    @transition(field=status, source=S.IN_PROGRESS, target=S.POSTPONED)
    def postpone(self) -> None: ...

    @transition(field=status, source=S.POSTPONED, target=S.IN_PROGRESS)
    def resume(self) -> None: ...

    @transition(field=status, source=S.IN_PROGRESS, target=S.RESOLVED)
    def resolve(self) -> None: ...

    @transition(field=status, source=S.RESOLVED, target=S.IN_PROGRESS)
    def reopen(self) -> None: ...

    @transition(field=status, source=S.RESOLVED, target=S.CLOSED)
    def close(self) -> None: ...

    @transition(field=status, source=list(MERGEABLE_STATUSES), target=S.MERGED)
    def merge(self) -> None: ...

    # Splitting into sub-tickets moves the parent straight to in_progress (DESIGN §3 sub-tickets).
    @transition(field=status, source=[S.SUBMITTED, S.APPROVED], target=S.IN_PROGRESS)
    def split(self) -> None: ...


class TicketParticipant(models.Model):
    """A person in a ticket's chat room. Rows hang off the room ticket (the parent for sub-tickets)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="ticket_participant_unique")]
        indexes = [models.Index(fields=["user", "ticket"], name="participant_user_ticket")]


class ApprovalStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an earlier step"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


class ApprovalStep(BaseModel):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="approval_steps")
    step = models.PositiveSmallIntegerField()
    approver_kind = models.CharField(max_length=16)  # finance | ceo
    status = models.CharField(max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # One ticket can go through approval more than once only if re-submitted; rounds keep history apart.
    round = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ("ticket", "round", "step")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "round", "step"], name="approval_step_unique"),
        ]
        indexes = [
            models.Index(fields=["approver_kind", "status"], name="approval_kind_status",
                         condition=Q(status="pending")),
            models.Index(fields=["decided_by"], name="approval_decided_by", condition=Q(decided_by__isnull=False)),
        ]


class SlaPolicy(BaseModel):
    """Targets per priority, in working minutes of the desk calendar."""

    priority = models.CharField(max_length=8, choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("priority",)


class Holiday(BaseModel):
    date = models.DateField(unique=True)
    name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ("date",)


def default_work_days() -> list[int]:
    return [0, 1, 2, 3, 4, 5]  # Monday..Saturday


class DeskSettings(BaseModel):
    """The one row of desk-wide settings (admin-editable through ``/api/v1/sla/settings``)."""

    singleton = models.BooleanField(default=True, unique=True)
    timezone = models.CharField(max_length=64, default="Asia/Karachi")
    work_days = models.JSONField(default=default_work_days)  # 0 = Monday
    work_start = models.TimeField(default="08:00")
    work_end = models.TimeField(default="16:00")
    ceo_approval_threshold = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("100000.00"))
    auto_close_days = models.PositiveSmallIntegerField(default=3)
    reminder_days = models.PositiveSmallIntegerField(default=3)
    # DESIGN §10: ``sla.warning`` goes out at this share (per cent) of each SLA target.
    sla_warning_percent = models.PositiveSmallIntegerField(default=75)


class SavedView(BaseModel):
    """A named set of ``GET tickets`` filters and an ordering (DESIGN §10): personal, or shared
    with the people who work tickets (who may share: ``policy.view_may_share``)."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=80)
    filters = models.JSONField(default=dict)  # GET tickets' query parameters, validated on save
    ordering = models.CharField(max_length=32, blank=True)
    shared = models.BooleanField(default=False)

    class Meta:
        ordering = ("name", "id")
        indexes = [
            models.Index(fields=["owner", "name"], name="savedview_owner_name"),
            models.Index(fields=["name"], name="savedview_shared", condition=Q(shared=True)),
        ]


class ReportKind(models.TextChoices):
    SLA_WEEKLY = "sla_weekly", "SLA compliance per department"
    DEPARTMENT_SUMMARY = "department_summary", "Department summary"
    VIEW = "view", "A saved view's tickets"


class ReportSchedule(BaseModel):
    """A report emailed by beat (DESIGN §11): what, to whom, how often, in which language and format.
    It covers the period before each run (a week or a month) and is made as its owner sees the desk."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=24, choices=ReportKind.choices)
    view = models.ForeignKey(SavedView, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    recipient_ids = models.JSONField(default=list)  # user ids; each gets it at their email address
    cadence = models.CharField(max_length=8, choices=[("weekly", "Weekly"), ("monthly", "Monthly")])
    language = models.CharField(max_length=2, choices=[("en", "English"), ("ur", "Urdu")], default="en")
    format = models.CharField(max_length=4, choices=[("pdf", "PDF"), ("xlsx", "XLSX")], default="pdf")
    next_run_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("name", "id")
        indexes = [models.Index(fields=["next_run_at"], name="reportschedule_due")]

class FieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    MONEY = "money", "Amount of money"
    DATE = "date", "Date"
    CHOICE = "choice", "Choice"


class RequestCategory(BaseModel):
    """A kind of request a department takes, with the fields its form asks for (DESIGN §10).

    ``fields``: ``[{key, label_en, label_ur, type, required, choices}]`` (checked by
    ``services.forms`` on save); a ticket's ``form_values`` are keyed by ``key``."""

    department = models.ForeignKey("users.Department", on_delete=models.PROTECT, related_name="+")
    name_en = models.CharField(max_length=80)
    name_ur = models.CharField(max_length=80, blank=True)
    fields = models.JSONField(default=list)

    class Meta:
        ordering = ("name_en", "id")
        constraints = [
            models.UniqueConstraint(fields=["department", "name_en"], name="request_category_unique_name",
                                    condition=Q(is_deleted=False)),
        ]

    @property
    def sets_amount(self) -> bool:
        """Whether the form's money field keyed ``amount`` is the ticket's amount (approvals read it,
        DESIGN §3): the one home of this rule; the web app then asks no separate amount."""
        return any(f.get("key") == "amount" and f.get("type") == FieldType.MONEY for f in self.fields)


class LinkKind(models.TextChoices):
    RELATED = "related", "Related"
    DUPLICATE = "duplicate", "Duplicate"


class TicketLink(BaseModel):
    """Two tickets said to belong together (DESIGN §10); shown on both. ``duplicate``: ``from_ticket``
    repeats ``to_ticket`` (a merge records one)."""

    from_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_out")
    to_ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=LinkKind.choices, default=LinkKind.RELATED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("created_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket"], name="ticket_link_unique",
                                    condition=Q(is_deleted=False)),
            models.CheckConstraint(condition=~Q(from_ticket=models.F("to_ticket")), name="ticket_link_not_self"),
        ]
        indexes = [models.Index(fields=["to_ticket"], name="ticket_link_to")]
