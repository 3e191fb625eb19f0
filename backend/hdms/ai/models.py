"""The ai service's own rows (DESIGN §12): trained model versions, the suggestions it gave and what
people did with them, and the per-department switch. Tickets and departments are referred to by
id only: they belong to other services."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from hdms.core.models import BaseModel


class ModelStatus(models.TextChoices):
    TRAINING = "training", "Training"
    READY = "ready", "Ready"
    SKIPPED = "skipped", "Skipped (history too small)"
    FAILED = "failed", "Failed"


class ModelVersion(BaseModel):
    """One training run: its size, held-out metrics and the artefact under HDMS_DATA_DIR/ai."""

    number = models.PositiveIntegerField(unique=True)
    status = models.CharField(max_length=16, choices=ModelStatus.choices, default=ModelStatus.TRAINING)
    trigger = models.CharField(max_length=16, default="admin")  # admin | nightly | demo
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    trained_at = models.DateTimeField(null=True, blank=True)
    training_size = models.PositiveIntegerField(default=0)
    sla_training_size = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict)
    artefact = models.CharField(max_length=255, blank=True)  # file name inside HDMS_DATA_DIR/ai/models
    sha256 = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ("-number",)
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                               name="ai_one_active_model")]

    def __str__(self) -> str:
        return f"v{self.number} ({self.status})"


class Suggestion(BaseModel):
    """What the service answered to one triage request, and (feedback) what a person then chose."""

    model_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="suggestions")
    source = models.CharField(max_length=8)  # model | rules
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ticket_id = models.UUIDField(null=True, blank=True, db_index=True)
    departments = models.JSONField(default=list)  # [{department_id, probability}]
    categories = models.JSONField(default=list)   # [{category_id, probability}]
    abstained = models.BooleanField(default=False)
    reason = models.CharField(max_length=32, blank=True)
    accepted = models.BooleanField(null=True, blank=True)
    chosen_department_id = models.UUIDField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["ticket_id", "-created_at"], name="ai_suggestion_ticket",
                                condition=Q(ticket_id__isnull=False))]


class DepartmentSwitch(BaseModel):
    """An admin's settings for one department: suggestions on or off, and words for the rules."""

    department_id = models.UUIDField(unique=True)
    suggestions_enabled = models.BooleanField(default=True)
    keywords = models.TextField(blank=True)  # extra words (any language), one per line or comma-separated
