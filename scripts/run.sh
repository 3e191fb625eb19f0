#!/usr/bin/env bash
# Serves the desk on one machine: API on 127.0.0.1:${HDMS_API_PORT:-8000}, web app on
# 127.0.0.1:${HDMS_WEB_PORT:-3000}. Embedded default (SQLite, in-memory channel layer,
# in-process tasks) unless DATABASE_URL / REDIS_URL are set.
set -euo pipefail
set -m  # each background job in its own process group: stopping one stops its children
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$root/.venv}"
export HDMS_DATA_DIR="${HDMS_DATA_DIR:-$root/var}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-hdms.settings.embedded}"
api_port="${HDMS_API_PORT:-8000}"
web_port="${HDMS_WEB_PORT:-3000}"
mkdir -p "$HDMS_DATA_DIR"

cd "$root/backend"
"$venv/bin/python" manage.py migrate --noinput
"$venv/bin/python" manage.py seed_demo
"$venv/bin/python" manage.py seed_demo_tickets

pids=()
cleanup() { for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done; wait; }
trap cleanup EXIT INT TERM

if [ -n "${REDIS_URL:-}" ] && [ "${HDMS_TASKS_EAGER:-}" != "true" ]; then
  "$venv/bin/celery" -A hdms worker -Q high,default,low --concurrency 2 --loglevel INFO &
  pids+=($!)
  "$venv/bin/celery" -A hdms beat --loglevel INFO --schedule "$HDMS_DATA_DIR/celerybeat-schedule" &
  pids+=($!)
fi

"$venv/bin/uvicorn" hdms.asgi:application --host 127.0.0.1 --port "$api_port" --lifespan off &
pids+=($!)

if [ -f "$root/frontend/package.json" ]; then
  cd "$root/frontend"
  export NEXT_PUBLIC_API_ORIGIN="${NEXT_PUBLIC_API_ORIGIN:-http://127.0.0.1:$api_port}"
  if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components services hooks store lib config types -newer .next/BUILD_ID -print -quit 2>/dev/null)" ] \
     || [ "$(cat .next/hdms-api-origin 2>/dev/null)" != "$NEXT_PUBLIC_API_ORIGIN" ]; then
    npm run build
    echo "$NEXT_PUBLIC_API_ORIGIN" > .next/hdms-api-origin
  fi
  # next directly (not through npm), so stopping it stops the server itself.
  ./node_modules/.bin/next start -H 127.0.0.1 -p "$web_port" &
  pids+=($!)
fi

echo "HDMS API: http://127.0.0.1:$api_port/api/v1/docs  web app: http://127.0.0.1:$web_port"
wait -n
