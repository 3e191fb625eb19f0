"""Training in the background (DESIGN §12): nightly by beat (``HDMS_AI_BEAT_SCHEDULE``) and on an
admin's request. Idempotent: a version that already finished is left as it is."""

from typing import Any

from hdms.ai.services import model_train_run, sla_risk_refresh
from hdms.celery import app
from hdms.jobs.tasks import ReliableTask


@app.task(name="ai.train_models", base=ReliableTask, max_retries=1)
def train_models(version_id: str | None = None, trigger: str = "nightly") -> dict[str, Any]:
    version = model_train_run(version_id=version_id, trigger=trigger)
    return {"version": version.number, "status": version.status, "training_size": version.training_size}


@app.task(name="ai.sla_risk_refresh", base=ReliableTask)
def sla_risk_refresh_task() -> int:
    """Every few minutes: open tickets' breach risk stored for the lists (idempotent)."""
    return sla_risk_refresh()
