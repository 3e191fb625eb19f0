"""Chat messages, rooms and notifications (DESIGN §5).

Tickets live in the ticket service; this app refers to them by UUID (``room_id`` / ``ticket_id``)
rather than by a ForeignKey, so the communication service owns its tables outright and never
joins into the ticket service's. A sub-ticket's messages live in its parent's room: ``room_id`` is
the parent's id, ``ticket_id`` the ticket the message was posted on.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hdms.core.models import BaseModel


class ChatRoom(BaseModel):
    """One row per room; its row lock serialises message inserts so ``seq`` order is commit order.

    That is what lets a reconnecting client ask for "everything after seq N" and get exactly what
    it missed: no message can commit later with a smaller ``seq``.
    """

    id = models.UUIDField(primary_key=True, editable=False)  # the (parent) ticket's id
    last_seq = models.PositiveBigIntegerField(default=0)


class Message(BaseModel):
    room_id = models.UUIDField()
    ticket_id = models.UUIDField()
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    client_id = models.CharField(max_length=64, blank=True, default="")
    edited_at = models.DateTimeField(null=True, blank=True)
    attachment_ids = models.JSONField(default=list, blank=True)
    # An internal note (DESIGN §10): read by the staff working the ticket, never by its requestor.
    internal = models.BooleanField(default=False)
    # The users the body @mentions (their ids), each of whom could read the message when it was posted.
    mentions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("room_id", "seq")
        constraints = [
            models.UniqueConstraint(fields=["room_id", "seq"], name="message_room_seq_unique"),
            models.UniqueConstraint(
                fields=["author", "room_id", "client_id"],
                condition=~Q(client_id=""),
                name="message_author_room_client_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["room_id", "created_at"], name="message_room_created"),
        ]
        # The GIN full-text index on ``body`` is created by migration 0002, on PostgreSQL only
        # (SQLite has no to_tsvector), so it is not declared here.


class Notification(BaseModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    # What the reader's language needs to say it (DESIGN §9): e.g. {"number", "title", "status"}.
    params = models.JSONField(default=dict, blank=True)
    ticket_id = models.UUIDField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    urgent = models.BooleanField(default=False)
    # False when the person switched this kind off in the app but not by email (DESIGN §8): kept for
    # the email, never listed, counted or pushed in the app.
    in_app = models.BooleanField(default=True)
    # Email bookkeeping: pending until a (digest) email went out or it was decided not to send one.
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What produced it (e.g. ``message:<id>``), so a retried task does not notify twice.
    dedupe_key = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        ordering = ("-created_at",)
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_user_created"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notif_user_unread"),
            models.Index(fields=["user"], condition=Q(email_pending=True), name="notif_user_email_pending"),
            models.Index(fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="notif_dedupe_key"),
        ]
        constraints = [
            # One notification per person per producing event or message: a redelivered task
            # (at-least-once) inserts nothing twice, even when two deliveries race.
            models.UniqueConstraint(fields=["user", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notification_user_dedupe_key_unique"),
        ]


class EmailSendStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class EmailSend(BaseModel):
    """One notification email (or digest) to send: written with the claim of its notifications,
    sent after that commits by whoever moves it from pending to sending (once), outside any
    transaction. A crash between the SMTP answer and ``sent`` leaves it ``sending``: never sent
    twice (DESIGN's "emailed at most once"); a refused send is ``failed`` and its notifications
    pending again, for the retry or the sweep."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    notification_ids = models.JSONField(default=list)
    status = models.CharField(max_length=8, choices=EmailSendStatus.choices, default=EmailSendStatus.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    # A digest's period (e.g. ``hourly:2026-12-04T20:00+05:00``); empty for an ordinary email.
    digest_period = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="email_send_status_created")]
        constraints = [
            # One digest per person and period, even between racing ticks; a failed one may be retried.
            models.UniqueConstraint(fields=["user", "digest_period"],
                                    condition=~Q(digest_period="") & ~Q(status="failed"),
                                    name="email_send_one_digest_per_period"),
        ]


# The email digests a person may choose instead of one mail per notification (burst-batched).
DIGESTS = ("hourly", "daily")


class NotificationPreference(BaseModel):
    """Which kinds of notification email a user; kinds not listed follow ``email_enabled``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email_enabled = models.BooleanField(default=True)
    email_kinds = models.JSONField(default=dict, blank=True)
    # DESIGN §8: per kind in-app switch (kinds not listed: on), the email digest, and whether the
    # user's own changes notify them (default: muted).
    in_app_kinds = models.JSONField(default=dict, blank=True)
    digest = models.CharField(max_length=8, default="off")  # off | hourly | daily (DIGESTS)
    mute_own_actions = models.BooleanField(default=True)


class CannedResponse(BaseModel):
    """A reply staff insert from the chat box (DESIGN §10), in English and Urdu, with variables
    (``render.py``). ``owner`` set: personal; ``department_id`` set: that department's; neither:
    the whole desk's. Who sees and manages which: ``canned_rules``."""

    title = models.CharField(max_length=120)
    body_en = models.TextField()
    body_ur = models.TextField(blank=True, default="")
    department_id = models.UUIDField(null=True, blank=True)  # a users.Department, by id (another service)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    shortcut = models.CharField(max_length=32)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ("title",)
        constraints = [
            # One shortcut per scope; a personal one may shadow its department's or the desk's.
            models.CheckConstraint(condition=Q(owner__isnull=True) | Q(department_id__isnull=True),
                                   name="canned_personal_or_department"),
            models.UniqueConstraint(fields=["owner", "shortcut"], condition=Q(is_deleted=False, owner__isnull=False),
                                    name="canned_personal_shortcut_unique"),
            models.UniqueConstraint(fields=["department_id", "shortcut"],
                                    condition=Q(is_deleted=False, department_id__isnull=False),
                                    name="canned_department_shortcut_unique"),
            models.UniqueConstraint(fields=["shortcut"],
                                    condition=Q(is_deleted=False, owner__isnull=True, department_id__isnull=True),
                                    name="canned_desk_shortcut_unique"),
        ]


class InboundMailOutcome(models.TextChoices):
    TICKET = "ticket", "Opened a ticket"
    REPLY = "reply", "Posted a reply"
    REFUSED = "refused", "Refused"
    IGNORED = "ignored", "Ignored (sent by a machine)"


class InboundMail(BaseModel):
    """One mail the listener took a decision on (DESIGN §11, email in): what it became, or why it
    was refused or ignored. A ``Message-ID`` becomes a ticket or a reply once: a second delivery of
    the same mail (a relay's retry) is answered "already delivered" and changes nothing."""

    message_id = models.CharField(max_length=998, blank=True, default="")
    sender = models.CharField(max_length=254, blank=True, default="")       # the From address
    return_path = models.CharField(max_length=254, blank=True, default="")  # the envelope's MAIL FROM
    recipient = models.CharField(max_length=254, blank=True, default="")
    subject = models.CharField(max_length=200, blank=True, default="")
    outcome = models.CharField(max_length=8, choices=InboundMailOutcome.choices)
    reason = models.CharField(max_length=300, blank=True, default="")      # why refused or ignored
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    ticket_id = models.UUIDField(null=True, blank=True)
    chat_message_id = models.UUIDField(null=True, blank=True)
    # Attachments the file service refused ({name, code, detail}); the mail's text was kept.
    refused_attachments = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["outcome", "-created_at"], name="inbound_mail_outcome_created")]
        constraints = [
            models.UniqueConstraint(fields=["message_id"],
                                    condition=~Q(message_id="") & Q(outcome__in=["ticket", "reply"]),
                                    name="inbound_mail_message_id_once"),
        ]
