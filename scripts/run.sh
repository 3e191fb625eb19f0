#!/usr/bin/env bash
# Serves the desk on one machine: API on 127.0.0.1:${HDMS_API_PORT:-8000}, web app on
# 127.0.0.1:${HDMS_WEB_PORT:-3000}, which proxies /api/ and /ws/ to the API (one origin, no CORS).
# Embedded default (SQLite, in-memory channel layer, in-process tasks) unless DATABASE_URL /
# REDIS_URL are set.
set -euo pipefail
set -m  # each background job in its own process group: stopping one stops its children
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$root/.venv}"
export HDMS_DATA_DIR="${HDMS_DATA_DIR:-$root/var}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-hdms.settings.embedded}"
api_port="${HDMS_API_PORT:-8000}"
web_port="${HDMS_WEB_PORT:-3000}"
# The API reads HDMS_WEB_PORT for the links it writes (HDMS_FRONTEND_URL's default) and sees
# clients through the web server's proxy, which sets X-Real-IP from its own peer. The API believes
# that header only from the proxy's address: on Linux the proxy connects from 127.0.0.2 (all of
# 127/8 is loopback), so a caller of the API port on 127.0.0.1 cannot name another address.
export HDMS_WEB_PORT="$web_port"
if [ "$(uname -s)" = Linux ]; then proxy_source="${HDMS_PROXY_SOURCE_ADDRESS:-127.0.0.2}"; else proxy_source="${HDMS_PROXY_SOURCE_ADDRESS:-127.0.0.1}"; fi
export HDMS_TRUSTED_PROXIES="${HDMS_TRUSTED_PROXIES:-$proxy_source}"
mkdir -p "$HDMS_DATA_DIR"

cd "$root/backend"
"$venv/bin/python" manage.py migrate --noinput
"$venv/bin/python" manage.py seed_demo
"$venv/bin/python" manage.py seed_demo_history  # ~2,000 tickets over 120 days, once
"$venv/bin/python" manage.py seed_demo_tickets
"$venv/bin/python" manage.py ai_train --if-missing --trigger demo  # the demo history is enough to learn from

pids=()           # the desk: when one stops, make run stops
optional_pids=()  # tools beside it (Superset): stopped with the desk, but their exit stops nothing
cleanup() {
  for pid in "${pids[@]}" "${optional_pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait
}
trap cleanup EXIT INT TERM

# HDMS_DEMO_SMS=true: a demo School Management System bridge (the tests' local SMS server with three
# employees, t101-t103, SMS password sms-demo-pass) on HDMS_DEMO_SMS_PORT (default API port + 5);
# SMS sign-in is on and one sync runs now, so t101 can sign in with the SMS password at once.
if [ "${HDMS_DEMO_SMS:-}" = "true" ]; then
  sms_port="${HDMS_DEMO_SMS_PORT:-$((api_port + 5))}"
  export HDMS_SMS_BASE_URL="http://127.0.0.1:$sms_port/api" HDMS_SMS_TOKEN=demo-sms-token HDMS_SMS_AUTH=true
  "$venv/bin/python" manage.py demo_sms_bridge --port "$sms_port" &
  pids+=($!)
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$sms_port") 2>/dev/null && break; sleep 0.2; done
  "$venv/bin/python" manage.py sms_sync || echo "demo SMS sync failed; the admin SMS page can run it again" >&2
fi

if [ -n "${REDIS_URL:-}" ] && [ "${HDMS_TASKS_EAGER:-}" != "true" ]; then
  "$venv/bin/celery" -A hdms worker -Q high,default,low --concurrency 2 --loglevel INFO &
  pids+=($!)
  "$venv/bin/celery" -A hdms beat --loglevel INFO --schedule "$HDMS_DATA_DIR/celerybeat-schedule" &
  pids+=($!)
fi

# Email in (DESIGN §11): HDMS_MAIL_IN_PORT=2525 runs the SMTP listener on 127.0.0.1:2525; mail to the
# desk address (HDMS_MAIL_IN_ADDRESS, default helpdesk@idara.example) from a known employee opens a
# ticket, and notification emails carry a reply address that posts into the ticket's conversation.
if [ -n "${HDMS_MAIL_IN_PORT:-}" ] && [ "${HDMS_MAIL_IN_PORT}" != "0" ]; then
  "$venv/bin/python" manage.py mail_in --host 127.0.0.1 --port "$HDMS_MAIL_IN_PORT" &
  pids+=($!)
fi

# HDMS_SUPERSET=true: Apache Superset (deploy/superset/README.md; its own virtual environment, made by
# deploy/superset/install.sh) on 127.0.0.1:${HDMS_SUPERSET_PORT:-API port + 88}, reading the reporting
# views as hdms_reporting. PostgreSQL only (DATABASE_URL): the embedded SQLite desk has no reporting schema.
superset_url=""
if [ "${HDMS_SUPERSET:-}" = "true" ]; then
  if [ ! -x "${HDMS_SUPERSET_VENV:-$root/var/superset-venv}/bin/gunicorn" ]; then
    echo "HDMS_SUPERSET=true: Superset is not installed (deploy/superset/install.sh); not started" >&2
  elif [[ "${DATABASE_URL:-}" != postgres* ]]; then
    echo "HDMS_SUPERSET=true: Superset needs the desk on PostgreSQL (DATABASE_URL); not started" >&2
  else
    export HDMS_SUPERSET_HOME="${HDMS_SUPERSET_HOME:-$HDMS_DATA_DIR/superset}"
    export HDMS_SUPERSET_PORT="${HDMS_SUPERSET_PORT:-$((api_port + 88))}"
    if "$root/deploy/superset/setup.sh"; then
      "$root/deploy/superset/start.sh" &
      optional_pids+=($!)
      superset_url="http://127.0.0.1:$HDMS_SUPERSET_PORT (admin; password: HDMS_SUPERSET_ADMIN_PASSWORD or $HDMS_SUPERSET_HOME/admin_password)"
    else
      echo "Superset setup failed; not started" >&2
    fi
  fi
fi

# The same server command as every deployment (hdms/ops/management/commands/serve.py): uvicorn
# that trusts no X-Forwarded-For (client addresses: HDMS_TRUSTED_PROXIES, empty here).
"$venv/bin/python" manage.py serve all --server uvicorn --host 127.0.0.1 --port "$api_port" --access-log &
pids+=($!)

if [ -f "$root/frontend/package.json" ]; then
  cd "$root/frontend"
  # One build for every port: the app calls /api/v1 and /ws/ on its own origin and server.mjs
  # proxies them to the API, so only a change of the sources rebuilds.
  if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components services hooks store lib config types next.config.ts package-lock.json -newer .next/BUILD_ID -print -quit 2>/dev/null)" ]; then
    npm run build
  fi
  # node directly (not through npm), so stopping it stops the server itself.
  HDMS_WEB_PORT="$web_port" HDMS_API_INTERNAL_URL="${HDMS_API_INTERNAL_URL:-http://127.0.0.1:$api_port}" \
    HDMS_PROXY_SOURCE_ADDRESS="$proxy_source" node server.mjs &
  pids+=($!)
fi

echo "HDMS web app: http://127.0.0.1:$web_port  (API docs: http://127.0.0.1:$web_port/api/v1/docs)"
[ -z "$superset_url" ] || echo "Superset: $superset_url"
wait -n "${pids[@]}"  # the desk's processes only: an optional tool's exit stops nothing
