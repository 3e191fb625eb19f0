"""Every kind of notification the desk sends, named once (DESIGN §9). Services pass these to
``notification.requested``; clients render a notification by its kind's ``rendering_key`` in the
reader's language (the web app's ``notifKind.<kind>`` strings, English and Urdu); ``title`` and
``body`` stay as English text."""

from enum import StrEnum


class NotificationKind(StrEnum):
    MESSAGE = "message"
    MENTION = "mention"
    TICKET_SUBMITTED = "ticket.submitted"
    TICKET_ASSIGNED = "ticket.assigned"
    TICKET_REASSIGNED = "ticket.reassigned"
    TICKET_STATUS = "ticket.status"
    TICKET_RESOLVED = "ticket.resolved"
    TICKET_REOPENED = "ticket.reopened"
    TICKET_CLOSED = "ticket.closed"
    TICKET_REJECTED = "ticket.rejected"
    TICKET_WITHDRAWN = "ticket.withdrawn"
    TICKET_RATED = "ticket.rated"
    TICKET_PRIORITY_CHANGED = "ticket.priority_changed"
    TICKET_PARTICIPANT_ADDED = "ticket.participant_added"
    TICKET_POSTPONED_REMINDER = "ticket.postponed_reminder"
    TICKET_AUTO_CLOSE_WARNING = "ticket.auto_close_warning"
    TICKET_MERGED = "ticket.merged"  # a duplicate merged into another ticket (DESIGN §10)
    APPROVAL_REQUESTED = "approval.requested"
    APPROVAL_APPROVED = "approval.approved"
    APPROVAL_REJECTED = "approval.rejected"
    SLA_WARNING = "sla.warning"  # at the admin-set share of a target (DESIGN §10), once per ticket and target
    SLA_BREACHED = "sla.breached"  # once per ticket and target
    ATTACHMENT_INFECTED = "attachment.infected"
    ATTACHMENT_CONVERSION_FAILED = "attachment.conversion_failed"
    JOB_DEAD_LETTER = "job.dead_letter"
    OPS_BACKUP = "ops.backup"

    @property
    def rendering_key(self) -> str:
        """The web app's translation key for this kind."""
        return f"notifKind.{self.value}"


# The kinds a person can switch email on or off for (the rest go to admins about the desk itself).
EMAIL_PREFERENCE_KINDS = tuple(k for k in NotificationKind if not k.value.startswith(("attachment.", "job.", "ops.")))
