"""Reads of the dead-letter table (admin page)."""

from typing import Any

from django.db.models import QuerySet

from hdms.core.errors import NotFound
from hdms.jobs.models import DeadLetter


def dead_letter_list(*, replayed: bool | None = None, task_name: str = "") -> QuerySet[DeadLetter]:
    letters = DeadLetter.objects.all().order_by("-failed_at", "id")
    if replayed is not None:
        letters = letters.filter(replayed_at__isnull=not replayed)
    if task_name:
        letters = letters.filter(task_name=task_name)
    return letters


def dead_letter_get(*, letter_id: Any) -> DeadLetter:
    letter = DeadLetter.objects.filter(id=letter_id).first()
    if letter is None:
        raise NotFound("No such dead letter.")
    return letter
