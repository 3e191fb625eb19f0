import uuid

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models.functions import Upper

from hdms.core.models import BaseModel, SoftDeleteManager
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

    objects = UserManager()

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


class OtpChallenge(models.Model):
    """An emailed one-time code: 6 digits, 5 minutes, 5 tries."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="otp_challenges")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
