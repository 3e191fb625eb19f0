"""Production settings plus Django 5.2's native psycopg connection pool, for one benchmark run
(bench/run_api.py --settings bench_pool_settings --no-pgbouncer): does an in-process pool beat
connecting through PgBouncer on every request? Needs the psycopg-pool package."""

from hdms.settings.production import *  # noqa: F403
from hdms.settings.production import DATABASES

DATABASES["default"]["CONN_MAX_AGE"] = 0  # required with "pool"
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": 6, "timeout": 10}
