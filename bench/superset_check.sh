#!/usr/bin/env bash
# Superset against the reporting role, end to end (issue 17; not part of `make test`): a fresh desk on
# PostgreSQL with demo data, Superset installed by deploy/superset/install.sh (if missing), set up by
# setup.sh (the "HDMS reporting" database as hdms_reporting, the dashboard bundle imported), served by
# start.sh, then every chart of the dashboard asked for its data through the REST API
# (bench/superset_check.py) and the dashboard opened in headless Chromium (bench/superset_browser.py:
# each chart drew; a screenshot). Exits non-zero if any chart has no data or an error.
#   bench/superset_check.sh
# SUPERSET_CHECK_PORT (default 19288) where Superset listens; HDMS_SUPERSET_VENV its venv (default
# <repo>/var/superset-venv); SUPERSET_CHECK_FRESH_VENV=true installs into a new venv under the run's
# temporary directory (to time an install), removed afterwards. Writes bench/reports/superset-<date>.txt
# (and .json with each chart's rows, .png of the dashboard).
# Cleans up: the database is dropped, Superset stopped, its temporary data directory removed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$root/.venv}"  # the desk's (migrate, demo data)
port="${SUPERSET_CHECK_PORT:-19288}"
db="hdms_superset_check_$$"
work="$(mktemp -d /tmp/hdms-superset-check.XXXXXX)"
report="$root/bench/reports/superset-$(date +%Y%m%d-%H%M).txt"
mkdir -p "$root/bench/reports"
if [ "${SUPERSET_CHECK_FRESH_VENV:-}" = "true" ]; then
  export HDMS_SUPERSET_VENV="$work/superset-venv"
fi
ss_venv="${HDMS_SUPERSET_VENV:-$root/var/superset-venv}"
export HDMS_SUPERSET_HOME="$work/superset" HDMS_SUPERSET_PORT="$port" HDMS_SUPERSET_WORKERS=2
export HDMS_SUPERSET_ADMIN_PASSWORD="check-$(date +%s)-$$"
export HDMS_REPORTING_URI="postgresql://hdms_reporting@127.0.0.1:5432/$db"

export DATABASE_URL="postgres://root@127.0.0.1:5432/$db"
export HDMS_DATA_DIR="$work/hdms" HDMS_DEMO=true HDMS_TASKS_EAGER=true DJANGO_SETTINGS_MODULE=hdms.settings.embedded
[ -z "${SUPERSET_CHECK_REDIS_URL:-}" ] || export REDIS_URL="$SUPERSET_CHECK_REDIS_URL"
mkdir -p "$HDMS_DATA_DIR"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -- "-$server" 2>/dev/null || kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  psql -h 127.0.0.1 -U root -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
exec > >(tee "$report") 2>&1
echo "Superset check, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; database $db, port $port"

step() { echo "== $*"; }
seconds() { local started=$1; echo $(( $(date +%s) - started )); }

step "install (deploy/superset/install.sh into $ss_venv)"
started=$(date +%s)
# (pip's notes about index locations this machine lacks are left out of the report)
"$root/deploy/superset/install.sh" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
install_s=$(seconds "$started")
version=$("$ss_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("apache-superset"))')
echo "apache-superset $version; install step ${install_s} s"

step "a fresh desk: migrate, seed_demo, seed_demo_history, seed_demo_tickets"
started=$(date +%s)
psql -h 127.0.0.1 -U root -d postgres -qc "CREATE DATABASE $db" >/dev/null
(cd "$root/backend" && "$venv/bin/python" manage.py migrate --noinput -v0 && "$venv/bin/python" manage.py seed_demo \
  && "$venv/bin/python" manage.py seed_demo_history && "$venv/bin/python" manage.py seed_demo_tickets) \
  > "$work/seed.log" 2>&1 || { tail -40 "$work/seed.log"; exit 1; }
grep -E "^Demo (history|tickets) ready" "$work/seed.log" || true
echo "desk ready in $(seconds "$started") s"

step "the reporting role logs in, reads the views and nothing else"
as_reporting() { psql -h 127.0.0.1 -U hdms_reporting -d "$db" -Atc "$1"; }
for view in tickets sla approvals ratings workload messages_per_day; do
  printf '  reporting.%-18s %s rows\n' "$view" "$(as_reporting "SELECT count(*) FROM reporting.$view")"
done
if as_reporting "SELECT count(*) FROM tickets_ticket" >/dev/null 2>&1; then
  echo "FAIL: hdms_reporting can read tickets_ticket"; exit 1
fi
echo "  tickets_ticket: refused, as it should be"
open_now=$(as_reporting "SELECT count(*) FROM reporting.tickets WHERE is_open")
# What three charts must show, counted here in SQL (each chart's first row and first number).
top_approvals=$(as_reporting "SELECT count(*) FROM reporting.approvals GROUP BY approver_kind, status ORDER BY 1 DESC LIMIT 1")
top_open=$(as_reporting "SELECT max(open) FROM reporting.workload")

step "Superset: setup.sh (db upgrade, init, admin, the bundle imported with the database as hdms_reporting)"
started=$(date +%s)
"$root/deploy/superset/setup.sh"
setup_s=$(seconds "$started")
echo "setup ${setup_s} s"

step "Superset: start.sh on 127.0.0.1:$port"
started=$(date +%s)
set -m
"$root/deploy/superset/start.sh" > "$work/superset.log" 2>&1 &
server=$!
set +m
for _ in $(seq 1 180); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { tail -40 "$work/superset.log"; exit 1; }
  sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/health" || { echo "Superset did not answer"; tail -40 "$work/superset.log"; exit 1; }
echo "answering after $(seconds "$started") s"

step "every chart of the dashboard, through the REST API"
set +e
python3 "$root/bench/superset_check.py" --url "http://127.0.0.1:$port" --user admin \
  --password "$HDMS_SUPERSET_ADMIN_PASSWORD" --dashboard hdms --min-charts 6 \
  --expect "Open tickets now=$open_now" --expect "Approvals by state=$top_approvals" \
  --expect "Workload per assignee=$top_open" --json "${report%.txt}.json"
status=$?
step "the dashboard in a browser (headless Chromium): each chart drew"
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  "$venv/bin/python" "$root/bench/superset_browser.py" --url "http://127.0.0.1:$port" --user admin \
    --password "$HDMS_SUPERSET_ADMIN_PASSWORD" --dashboard hdms --min-charts 6 --screenshot "${report%.txt}.png" \
    || status=1
else
  echo "no Chromium (apt-get install chromium): browser check skipped"
fi
set -e
if grep -E "Traceback|ERROR" "$work/superset.log" > "$work/errors.log"; then
  echo "Superset logged errors:"; head -20 "$work/errors.log"
  status=1
fi
echo "result: $([ "$status" = 0 ] && echo PASS || echo FAIL); report: $report"
exit "$status"
