"""Dead-letter bookkeeping for background tasks (technical document §21)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from hdms.audit.services import audit_record
from hdms.core.errors import InvalidTransition, NotFound, ValidationFailed
from hdms.core.events import publish_on_commit
from hdms.core.notification_kinds import NotificationKind
from hdms.core.outbox import outbox_task
from hdms.core.roles import Role
from hdms.jobs.models import DeadLetter
from hdms.users import selectors as users_selectors

if TYPE_CHECKING:
    from hdms.users.models import User


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
    admins = users_selectors.user_ids_with_role(roles=[Role.ADMIN])
    if admins:
        publish_on_commit("notification.requested", user_ids=admins, kind=NotificationKind.JOB_DEAD_LETTER,
                          title=f"Background task {task_name} failed for good",
                          body=f"{exception[:300]} (after {retries} retries; dead letter {letter.id})",
                          ticket_id=None, urgent=True, actor_id=None)
    return letter


def dead_letter_replay(*, letter_id: Any, by: User) -> DeadLetter:
    """Queue the dead task again with its arguments and queue; the letter is marked replayed.

    A letter is replayed at most once (a second replay is 409 ``invalid_transition``: if the
    replay fails for good it becomes a new letter). The task goes through the outbox, so it is
    sent after commit, and later if the broker is down.
    """
    from celery import current_app

    with transaction.atomic():
        letter = DeadLetter.objects.select_for_update().filter(id=letter_id).first()
        if letter is None:
            raise NotFound("No such dead letter.")
        if letter.replayed_at is not None:
            raise InvalidTransition("This dead letter was already replayed.")
        # A web process has imported only the task modules it used so far: load them all first.
        current_app.loader.import_default_modules()
        if letter.task_name not in current_app.tasks:
            raise ValidationFailed(f"The task {letter.task_name} no longer exists; it cannot be replayed.",
                                   errors=[{"loc": ["task_name"], "msg": "unknown task"}])
        now = timezone.now()
        letter.replayed_at, letter.resolved_at, letter.replayed_by_id = now, now, by.id
        letter.save(update_fields=["replayed_at", "resolved_at", "replayed_by_id"])
        audit_record(action="job.dead_letter_replayed", actor=by, object_type="dead_letter", object_id=letter.id,
                     after={"task_name": letter.task_name, "queue": letter.queue})
        outbox_task(current_app.tasks[letter.task_name], args=list(letter.args), kwargs=dict(letter.kwargs),
                    queue=letter.queue or None)
    return letter
