import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Exists
from django.db.models.functions import Upper

from hdms.core.models import BaseModel, SoftDeleteManager
from hdms.core.prepared import Prepared
from hdms.core.roles import ApproverKind, Role


class Department(BaseModel):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class UserManager(SoftDeleteManager):
    use_in_migrations = True

    def get_by_natural_key(self, employee_code: str) -> "User":
        return self.get(employee_code=employee_code)

    def signed_in(self, *, user_id: Any, family: str = "") -> "User | None":
        """The active user an access token names, or None; with ``family`` (the token's session,
        DESIGN §8), also None once that session was signed out: one query, the revoked check an
        index probe of the revoked tokens (``refresh_family_revoked``).

        Every authenticated request asks this, so the statement is built by the ORM once per
        process and database (``hdms.core.prepared.Prepared``) and only its values change:
        building and compiling it was 1.2-1.5 ms of every request's CPU (bench/RESULTS.md). A
        malformed id or family raises ``ValidationError`` (an invalid token)."""
        values = [self.model._meta.pk.to_python(user_id)]
        if family:
            values.append(RefreshToken._meta.get_field("family").to_python(family))
        statement = _SIGNED_IN_SESSION if family else _SIGNED_IN
        return next(iter(statement.rows(*values, using=self.db)), None)


def signed_in_query(manager: "UserManager", *, user_id: Any, family: Any = None) -> "models.QuerySet[User]":
    """The rule ``signed_in`` applies, as a query: the user by id, active, not deleted (the
    manager's own rule) and, with ``family``, not of a signed-out session."""
    users = manager.filter(id=user_id, is_active=True)
    if family is not None:
        users = users.exclude(Exists(RefreshToken.objects.filter(family=family, revoked_at__isnull=False)))
    return users.order_by()[:1]


_STAND_IN_USER = uuid.UUID(int=0xA11CE)
_STAND_IN_FAMILY = uuid.UUID(int=0xFA417)
# ``signed_in_query``'s two statements (without and with a session), compiled once.
_SIGNED_IN: "Prepared[User]" = Prepared(
    lambda user_id: signed_in_query(User.objects, user_id=user_id), _STAND_IN_USER)
_SIGNED_IN_SESSION: "Prepared[User]" = Prepared(
    lambda user_id, family: signed_in_query(User.objects, user_id=user_id, family=family),
    _STAND_IN_USER, _STAND_IN_FAMILY)


class User(AbstractBaseUser, BaseModel):
    employee_code = models.CharField(max_length=32, unique=True)
    full_name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.REQUESTOR, db_index=True)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    is_approver = models.BooleanField(default=False)
    approver_kind = models.CharField(max_length=16, choices=ApproverKind.choices, null=True, blank=True)  # noqa: DJ001 - DESIGN: null
    is_active = models.BooleanField(default=True)
    otp_enabled = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="en")
    # The School Management System's id for this employee, when synced from it.
    sms_external_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # Account lockout (DESIGN §8): failed sign-ins in a row, lockouts so far (the lock grows), until when.
    failed_logins = models.PositiveSmallIntegerField(default=0)
    lockouts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "employee_code"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ("employee_code",)
        indexes = [models.Index(fields=["department", "role"])]
        constraints = [
            # Codes are matched case-insensitively (sign-in, imports); Django's iexact compares UPPER().
            models.UniqueConstraint(Upper("employee_code"), name="users_user_employee_code_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_code} ({self.full_name})"


class RefreshToken(models.Model):
    """One issued refresh token. A rotation marks it used; reuse of a used one revokes its family."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # the JWT's jti
    family = models.UUIDField(db_index=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_tokens")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The device of the sign-in, for the sessions list (DESIGN §8).
    user_agent = models.CharField(max_length=255, blank=True, default="")
    ip = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        indexes = [
            # Every authenticated request asks whether its session was revoked (UserManager.signed_in).
            models.Index(fields=["family"], condition=models.Q(revoked_at__isnull=False),
                         name="refresh_family_revoked"),
        ]


class OtpChallenge(models.Model):
    """An emailed one-time code: 6 digits, 5 tries; for a sign-in (5 minutes), a password reset
    (10 minutes) or turning two-factor on."""

    PURPOSE_LOGIN = "login"
    PURPOSE_RESET = "reset"
    PURPOSE_ENABLE = "enable"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="otp_challenges")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    purpose = models.CharField(max_length=16, default="login")


class AccountSettings(models.Model):
    """Account rules an admin sets at run time (one row): the roles that must sign in with
    two-factor, and how often the SMS sync runs (minutes; 0 = only on demand)."""

    otp_required_roles = models.JSONField(default=list, blank=True)
    sms_sync_minutes = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    @classmethod
    def current(cls) -> "AccountSettings":
        return cls.objects.get_or_create(id=1)[0]


class SmsSyncRun(models.Model):
    """One run of the SMS sync (scheduled or on demand, maybe a dry run) and its per-row report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    trigger = models.CharField(max_length=16)  # "manual" | "scheduled"
    dry_run = models.BooleanField(default=False)
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=16, default="running")  # running | ok | failed
    error = models.TextField(blank=True, default="")  # the English detail, for the log and API clients
    error_code = models.CharField(max_length=32, blank=True, default="")  # what a reader sees, in words
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # [{"employee_code", "sms_id", "outcome": created|updated|deactivated|refused, "reason"}]
    rows = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("-started_at",)
