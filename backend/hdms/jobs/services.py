"""Dead-letter bookkeeping for background tasks (technical document §21)."""

import json
from typing import Any

from django.contrib.auth import get_user_model

from hdms.core.events import publish_on_commit
from hdms.core.roles import Role
from hdms.jobs.models import DeadLetter


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        return json.loads(json.dumps(value, default=str))


def dead_letter_record(*, task_name: str, task_id: str = "", args: Any = (), kwargs: Any = None, queue: str = "",
                       retries: int = 0, exception: str = "", traceback: str = "") -> DeadLetter:
    """Store a permanently failed task and ask for an urgent notification to every admin."""
    letter = DeadLetter.objects.create(
        task_name=task_name, task_id=task_id or "", args=_jsonable(list(args or ())),
        kwargs=_jsonable(dict(kwargs or {})), queue=queue or "", retries=retries,
        exception=exception[:4000], traceback=traceback[:20000],
    )
    admins = [str(pk) for pk in get_user_model().objects.filter(role=Role.ADMIN, is_active=True)
              .values_list("id", flat=True)]
    if admins:
        publish_on_commit("notification.requested", user_ids=admins, kind="job.dead_letter",
                          title=f"Background task {task_name} failed for good",
                          body=f"{exception[:300]} (after {retries} retries; dead letter {letter.id})",
                          ticket_id=None, urgent=True, actor_id=None)
    return letter
