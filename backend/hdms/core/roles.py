from django.db import models


class Role(models.TextChoices):
    REQUESTOR = "requestor", "Requestor"
    MODERATOR = "moderator", "Moderator"
    ASSIGNEE = "assignee", "Assignee"
    ADMIN = "admin", "Admin"


class ApproverKind(models.TextChoices):
    FINANCE = "finance", "Finance"
    CEO = "ceo", "CEO"
