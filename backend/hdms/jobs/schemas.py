"""I/O of the dead-letter API."""

import uuid
from datetime import datetime
from typing import Any

from ninja import Field, Schema


class DeadLetterFilters(Schema):
    replayed: bool | None = None
    task_name: str = Field("", max_length=200)


class DeadLetterOut(Schema):
    id: uuid.UUID
    failed_at: datetime
    task_name: str
    task_id: str
    queue: str
    retries: int
    exception: str
    resolved_at: datetime | None
    replayed_at: datetime | None
    replayed_by_id: uuid.UUID | None


class DeadLetterDetailOut(DeadLetterOut):
    args: list[Any]
    kwargs: dict[str, Any]
    traceback: str


class DeadLetterPage(Schema):
    items: list[DeadLetterOut]
    count: int
    next: str | None
