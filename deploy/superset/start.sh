#!/usr/bin/env bash
# Serves Superset (gunicorn, from its own virtual environment) after setup.sh (deploy/superset/README.md).
#   HDMS_SUPERSET_HOST (default 127.0.0.1) HDMS_SUPERSET_PORT (default 8088)
#   HDMS_SUPERSET_WORKERS (default 2) and HDMS_SUPERSET_HOME / HDMS_SUPERSET_VENV as setup.sh.
# The process becomes gunicorn (exec), so stopping this stops the server.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${HDMS_SUPERSET_VENV:-$root/var/superset-venv}"
export HDMS_SUPERSET_HOME="${HDMS_SUPERSET_HOME:-$root/var/superset}"
# The desk's settings module means nothing here (Celery inside Superset would warn about it).
unset DJANGO_SETTINGS_MODULE
export SUPERSET_CONFIG_PATH="$here/superset_config.py"
[ -x "$venv/bin/gunicorn" ] || { echo "Superset is not installed in $venv: run deploy/superset/install.sh" >&2; exit 2; }
[ -f "$HDMS_SUPERSET_HOME/superset.db" ] || { echo "Superset is not set up: run deploy/superset/setup.sh" >&2; exit 2; }
exec "$venv/bin/gunicorn" --bind "${HDMS_SUPERSET_HOST:-127.0.0.1}:${HDMS_SUPERSET_PORT:-8088}" \
  --workers "${HDMS_SUPERSET_WORKERS:-2}" --worker-class gthread --threads 4 --timeout 120 \
  --limit-request-line 0 --limit-request-field_size 0 --access-logfile - "superset.app:create_app()"
