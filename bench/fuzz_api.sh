#!/usr/bin/env bash
# Schemathesis against the whole API (DESIGN §7 "Bad input"): a fresh desk on PostgreSQL with
# demo data, every operation, every default check, as admin (who may call every operation).
#   bench/fuzz_api.sh [max examples per operation, default 1000] [extra schemathesis args...]
# FUZZ_WORKERS (default 2): concurrent requests; FUZZ_SERVER_WORKERS (default 1): server processes
# (a process runs Django's views one at a time: more clients need more processes to go faster).
# Writes bench/reports/fuzz-<date>.txt (and the server's error lines beside it). The expected statuses it allows are in
# bench/schemathesis.toml, each with its reason. Each request may take FUZZ_TIMEOUT seconds (default
# 60): on a shared two-core box an analytics read under load took over schemathesis's 10 s default,
# which it reports as a failure although the answer was right; a hang still fails the run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$root/.venv}"
examples="${1:-1000}"; shift || true
port="${FUZZ_PORT:-18600}"
db="hdms_fuzz_$$"
data_dir="$(mktemp -d /tmp/hdms-fuzz.XXXXXX)"
report="$root/bench/reports/fuzz-$(date +%Y%m%d-%H%M).txt"
mkdir -p "$root/bench/reports"

export DATABASE_URL="postgres://root@127.0.0.1:5432/$db" REDIS_URL="${FUZZ_REDIS_URL:-redis://127.0.0.1:6379/9}"
export HDMS_DATA_DIR="$data_dir" HDMS_DEMO=true HDMS_RATE_LIMIT=false DJANGO_SETTINGS_MODULE=hdms.settings.embedded
export HDMS_TASKS_EAGER=true
# The run outlives the default 15-minute access token; a sign-in lasts the run unless a case ends it.
export HDMS_ACCESS_MINUTES=720
psql -h 127.0.0.1 -U root -d postgres -qc "CREATE DATABASE $db" >/dev/null
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  psql -h 127.0.0.1 -U root -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  grep -E "\"levelname\": \"(ERROR|CRITICAL)\"|Traceback" "$data_dir/server.log" > "${report%.txt}-server-errors.log" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT

cd "$root/backend"
"$venv/bin/python" manage.py migrate --noinput -v0
"$venv/bin/python" manage.py seed_demo >/dev/null
"$venv/bin/python" manage.py seed_demo_tickets >/dev/null
"$venv/bin/uvicorn" hdms.asgi:application --host 127.0.0.1 --port "$port" --lifespan off --log-level warning \
  --workers "${FUZZ_SERVER_WORKERS:-1}" \
  > "$data_dir/server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break; sleep 0.5; done
# Signing in (and again after an operation under test ended the session) is bench/fuzz_hooks.py's.
export FUZZ_BASE_URL="http://127.0.0.1:$port" SCHEMATHESIS_HOOKS=fuzz_hooks PYTHONPATH="$root/bench" \
  FUZZ_PYTHON="$venv/bin/python" FUZZ_BACKEND="$root/backend"

cd "$root/bench"
set +e
"$venv/bin/schemathesis" --config-file "$root/bench/schemathesis.toml" run \
  "http://127.0.0.1:$port/api/v1/openapi.json" \
  --max-examples "$examples" --seed 20261126 --workers "${FUZZ_WORKERS:-2}" --request-timeout "${FUZZ_TIMEOUT:-60}" "$@" 2>&1 | tee "$report"
status=${PIPESTATUS[0]}
set -e
echo "server errors logged:"; grep -c "Unhandled error" "$data_dir/server.log" || true
echo "report: $report"
exit "$status"
