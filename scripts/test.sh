#!/usr/bin/env bash
# Runs every test: lint, architecture contracts, the backend suite on PostgreSQL + Redis,
# and the web app's unit and browser tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${VENV:-$root/.venv}"
export DATABASE_URL="${DATABASE_URL:-postgres://root@127.0.0.1:5432/hdms}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export HDMS_DATA_DIR="${HDMS_DATA_DIR:-$(mktemp -d /tmp/hdms-test.XXXXXX)}"

cd "$root/backend"
echo "== ruff"
"$venv/bin/ruff" check .
echo "== import-linter"
"$venv/bin/lint-imports"
echo "== mypy (django-stubs; strict on core and tickets)"
"$venv/bin/mypy" hdms
echo "== backend tests (PostgreSQL + Redis)"
"$venv/bin/pytest" --cov=hdms --cov-report=term:skip-covered --cov-fail-under="${HDMS_COVERAGE_MIN:-80}" "$@"

if [ -f "$root/frontend/package.json" ]; then
  echo "== frontend"
  "$root/scripts/test-frontend.sh"
fi
