#!/usr/bin/env bash
# Browser tests: a fresh embedded desk (SQLite, demo data) on spare ports, the built web app
# beside it, then the Playwright story in real Chromium.
set -euo pipefail
set -m  # each background job in its own process group: stopping one stops its children
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$root/.venv}"
api_port="${E2E_API_PORT:-18700}"
web_port="${E2E_WEB_PORT:-18730}"
data_dir="$(mktemp -d /tmp/hdms-e2e.XXXXXX)"
log_dir="${E2E_LOG_DIR:-$data_dir}"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_for() {
  local url="$1" name="$2"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url"; then return 0; fi
    sleep 1
  done
  echo "$name did not come up at $url" >&2
  return 1
}

(
  cd "$root/backend"
  export HDMS_DATA_DIR="$data_dir" DJANGO_SETTINGS_MODULE=hdms.settings.embedded HDMS_DEMO=true
  unset DATABASE_URL REDIS_URL
  export HDMS_CORS_ORIGINS="http://127.0.0.1:$web_port,http://localhost:$web_port"
  "$venv/bin/python" manage.py migrate --noinput -v0
  "$venv/bin/python" manage.py seed_demo
  exec "$venv/bin/uvicorn" hdms.asgi:application --host 127.0.0.1 --port "$api_port" --lifespan off \
    > "$log_dir/api.log" 2>&1
) &
pids+=($!)

cd "$root/frontend"
export NEXT_PUBLIC_API_ORIGIN="http://127.0.0.1:$api_port"
npm run build > "$log_dir/web-build.log" 2>&1 || { cat "$log_dir/web-build.log"; exit 1; }
echo "$NEXT_PUBLIC_API_ORIGIN" > .next/hdms-api-origin
./node_modules/.bin/next start -H 127.0.0.1 -p "$web_port" > "$log_dir/web.log" 2>&1 &
pids+=($!)

wait_for "http://127.0.0.1:$api_port/api/v1/health" "API"
wait_for "http://127.0.0.1:$web_port/" "web app"

E2E_API_ORIGIN="http://127.0.0.1:$api_port" E2E_WEB_ORIGIN="http://127.0.0.1:$web_port" \
  bash "$root/frontend/e2e/run.sh"
