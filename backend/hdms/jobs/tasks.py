"""``ReliableTask``: the base of every periodic and background task of the ticket service.

At most 3 retries with exponential backoff (2, 4, 8 s ... capped at 10 min, with jitter off so
the schedule is predictable); after the last retry the task is written to the dead-letter table
and the admins are notified. ``acks_late`` / ``reject_on_worker_lost`` come from the global
settings, so a worker killed mid-task leaves the message for another worker; tasks must be
idempotent.
"""

from typing import Any

from celery import Task

from hdms.jobs.services import dead_letter_record


class ReliableTask(Task):
    autoretry_for = (Exception,)
    max_retries = 3
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = False
    acks_late = True

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        delivery = getattr(self.request, "delivery_info", None) or {}
        dead_letter_record(
            task_name=self.name, task_id=task_id or "", args=args, kwargs=kwargs,
            queue=delivery.get("routing_key") or getattr(self, "queue", "") or "",
            retries=self.request.retries or 0, exception=f"{type(exc).__name__}: {exc}",
            traceback=str(einfo) if einfo is not None else "",
        )
        super().on_failure(exc, task_id, args, kwargs, einfo)
