"""Every kind of history and audit entry, named once (DESIGN §9). An entry's ``kind`` is its
``action``; ``params`` say what changed in plain values, so a client renders the entry in the
reader's language (the web app's ``historyKind.<kind>`` strings, English and Urdu)."""

from typing import Any

# The ticket actions that end in ``tickets.services.base.Change.finish`` are recorded as ``ticket.<action>``.
TICKET_ACTIONS = (
    "submit", "withdraw", "reject", "request_approval", "approve", "approval_reject", "assign", "reassign",
    "start", "postpone", "resume", "resolve", "reopen", "close", "rate", "split", "update", "merge", "merged_in",
)

AUDIT_KINDS: tuple[str, ...] = (
    *(f"ticket.{action}" for action in TICKET_ACTIONS),
    "ticket.create", "ticket.delete", "ticket.participant_add", "ticket.sla_breach", "ticket.sla_near_breach",
    "ticket.link", "ticket.unlink", "category.create", "category.update", "category.delete",
    "attachment.uploaded", "attachment.downloaded", "attachment.infected", "attachment.refused",
    "attachment.scan_failed",
    "auth.login", "auth.login_failed", "auth.logout", "auth.otp_failed", "auth.refresh_reuse",
    "auth.sessions_revoked", "auth.session_revoked", "auth.locked", "auth.password_changed", "auth.password_reset",
    "auth.password_reset_requested", "auth.otp_enabled", "auth.otp_disabled",
    "user.create", "user.update", "user.delete", "user.import", "user.role_change", "user.sms_sync",
    "user.unlock", "users.account_settings",
    "department.create", "department.update", "department.delete",
    "desk.settings_update",
    "sla.policy_set", "sla.policy_update", "sla.policy_delete", "sla.holiday_add", "sla.holiday_delete",
    "backup.succeeded", "backup.failed", "backup.drill_passed", "backup.drill_failed",
    "job.dead_letter_replayed",
    "kb.article_create", "kb.article_update", "kb.article_delete",
    "ai.feedback", "ai.train_requested", "ai.model_trained", "ai.model_activated", "ai.department_switch",
)

# Why the desk itself changed a ticket (``after["cause"]``, ``params["cause"]``): resolved when its
# last sub-ticket was, reopened with a sub-ticket, closed ``days`` after resolution.
SYSTEM_CAUSES = ("subtickets_resolved", "subticket_reopened", "auto_close")

# Values worth naming in a sentence; anything else is listed by field name only.
_SCALARS = (str, int, float, bool)


def entry_params(*, before: dict | None, after: dict | None) -> dict[str, Any]:
    """``from_status``/``to_status`` when the status is recorded, and ``changed`` (the fields whose
    value differs, sorted). A status that did not change is left out, so no client ever reads
    "Submitted → Submitted"."""
    before, after = before or {}, after or {}
    params: dict[str, Any] = {}
    old, new = before.get("status"), after.get("status")
    if isinstance(new, str) and new != old:
        params["to_status"] = new
        if isinstance(old, str):
            params["from_status"] = old
    params["changed"] = sorted(k for k in after if k in before and before[k] != after[k] and k != "version")
    for key in ("priority", "score", "postponed_until", "assignee_id", "amount", "into_number", "from_number"):
        value = after.get(key)
        if isinstance(value, _SCALARS) and before.get(key) != value:
            params[key] = value
    # An entry the desk made itself says why with a cause (and its values), never an English reason.
    if after.get("cause") in SYSTEM_CAUSES:
        params["cause"] = after["cause"]
        for key in ("subticket", "days"):
            if isinstance(after.get(key), _SCALARS):
                params[key] = after[key]
    return params
