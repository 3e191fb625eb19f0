"""Every write of the ticket service, by concern:

- ``base``: the transition skeleton every transition runs (lock the row, check the version, ask
  ``tickets/policy.py``, change, audit, publish after commit) and the shared checks and notifications;
- ``creation``: filing, editing (PATCH) and deleting tickets;
- ``transitions``: the life cycle of DESIGN §3 and ``ticket_act``, the one entry point of
  ``POST tickets/{id}/actions/{action}``;
- ``approvals``: sending for approval and deciding its steps;
- ``splitting``: sub-tickets; ``participants``: who is in a ticket's chat room;
- ``sla_clock``: a ticket's SLA clock; ``scheduled``: the desk's own per-ticket jobs (tasks call them);
- ``bulk``: moderators' bulk actions, each ticket through the services above; ``views``: saved views;
- ``desk_config``: admins' SLA policies, holidays and desk settings; ``reports``: scheduled reports;
- ``forms``: request categories and the values of a ticket's form; ``links``: links and merging.

Callers import the services from here (``from hdms.tickets import services``).
"""

from hdms.tickets.services.approvals import approval_decide, ticket_approve, ticket_request_approval
from hdms.tickets.services.base import SNAPSHOT_FIELDS, jsonable, notification_params, notify, ticket_snapshot
from hdms.tickets.services.bulk import BulkResult, ticket_bulk
from hdms.tickets.services.creation import ticket_create, ticket_delete, ticket_update
from hdms.tickets.services.desk_config import (
    DESK_FIELDS,
    desk_settings_update,
    holiday_add,
    holiday_delete,
    sla_policy_delete,
    sla_policy_update,
    sla_policy_upsert,
)
from hdms.tickets.services.forms import category_create, category_delete, category_update
from hdms.tickets.services.links import link_create, link_delete, ticket_merge
from hdms.tickets.services.participants import chat_join, participant_add, participant_ensure
from hdms.tickets.services.reports import (
    schedule_create,
    schedule_delete,
    schedule_run_due,
    schedule_send_now,
    schedule_update,
)
from hdms.tickets.services.scheduled import (
    sla_warnings_recompute,
    ticket_auto_close,
    ticket_auto_close_warn,
    ticket_postponed_remind,
    ticket_sla_check,
    ticket_sla_risk_store,
    ticket_triage_store,
)
from hdms.tickets.services.sla_clock import sla_recompute_dues
from hdms.tickets.services.splitting import ticket_split
from hdms.tickets.services.transitions import (
    ticket_act,
    ticket_assign,
    ticket_close,
    ticket_postpone,
    ticket_rate,
    ticket_reassign,
    ticket_reject,
    ticket_reopen,
    ticket_resolve,
    ticket_resume,
    ticket_start,
    ticket_submit,
    ticket_withdraw,
)
from hdms.tickets.services.views import view_create, view_delete, view_update

__all__ = [
    "DESK_FIELDS",
    "SNAPSHOT_FIELDS",
    "BulkResult",
    "approval_decide",
    "category_create",
    "category_delete",
    "category_update",
    "chat_join",
    "desk_settings_update",
    "holiday_add",
    "holiday_delete",
    "jsonable",
    "link_create",
    "link_delete",
    "notification_params",
    "notify",
    "participant_add",
    "participant_ensure",
    "schedule_create",
    "schedule_delete",
    "schedule_run_due",
    "schedule_send_now",
    "schedule_update",
    "sla_policy_delete",
    "sla_policy_update",
    "sla_policy_upsert",
    "sla_recompute_dues",
    "sla_warnings_recompute",
    "ticket_act",
    "ticket_approve",
    "ticket_assign",
    "ticket_auto_close",
    "ticket_auto_close_warn",
    "ticket_bulk",
    "ticket_close",
    "ticket_create",
    "ticket_delete",
    "ticket_merge",
    "ticket_postpone",
    "ticket_postponed_remind",
    "ticket_rate",
    "ticket_reassign",
    "ticket_reject",
    "ticket_reopen",
    "ticket_request_approval",
    "ticket_resolve",
    "ticket_resume",
    "ticket_sla_check",
    "ticket_sla_risk_store",
    "ticket_snapshot",
    "ticket_split",
    "ticket_start",
    "ticket_submit",
    "ticket_triage_store",
    "ticket_update",
    "ticket_withdraw",
    "view_create",
    "view_delete",
    "view_update",
]
