"""Settings of the ai service (DESIGN §12), imported by hdms.settings.base."""

from datetime import timedelta

import environ
from celery.schedules import crontab

env = environ.Env()

# The data gate: below this many routed tickets no model is trained and suggestions come from the
# rules (source "rules"). Set from the learning curve in bench/RESULTS.md ("Intelligence").
HDMS_AI_MIN_HISTORY = env.int("HDMS_AI_MIN_HISTORY", default=1500)
# A department (or category) with fewer training tickets than this is never suggested: the model
# abstains when it is the best guess.
HDMS_AI_MIN_EXAMPLES = env.int("HDMS_AI_MIN_EXAMPLES", default=20)
# The abstention threshold is the lowest probability at which held-out answers were right this often.
HDMS_AI_TARGET_PRECISION = env.float("HDMS_AI_TARGET_PRECISION", default=0.90)
HDMS_AI_MAX_HISTORY = env.int("HDMS_AI_MAX_HISTORY", default=200_000)  # newest routed tickets trained on
HDMS_AI_SIMILAR_LIMIT = env.int("HDMS_AI_SIMILAR_LIMIT", default=5)
HDMS_AI_SIMILAR_MIN_SCORE = env.float("HDMS_AI_SIMILAR_MIN_SCORE", default=0.35)
HDMS_AI_SIMILAR_CANDIDATES = env.int("HDMS_AI_SIMILAR_CANDIDATES", default=5000)  # newest open tickets searched
HDMS_AI_SIMILAR_REFRESH_SECONDS = env.int("HDMS_AI_SIMILAR_REFRESH_SECONDS", default=60)

HDMS_AI_BEAT_SCHEDULE = {
    "ai-train-nightly": {
        "task": "ai.train_models",
        "schedule": crontab(minute=15, hour=2),
        "kwargs": {"trigger": "nightly"},
        "options": {"queue": "low", "expires": 6 * 3600},
    },
    # Open tickets' SLA risk stored on the tickets for lists, details and the "at risk" ordering.
    "ai-sla-risk-refresh": {
        "task": "ai.sla_risk_refresh",
        "schedule": timedelta(seconds=env.int("HDMS_AI_SLA_RISK_REFRESH_SECONDS", default=300)),
        "options": {"queue": "default", "expires": 600},
    },
}
HDMS_AI_TASK_ROUTES = {"ai.train_models": {"queue": "low"}, "ai.sla_risk_refresh": {"queue": "default"}}
