#!/usr/bin/env bash
# Browser tests: a fresh desk started exactly as `make run` starts it (scripts/run.sh: embedded,
# demo data, the built web app proxying /api/ and /ws/ to the API) on spare, non-default ports,
# then the Playwright story in real Chromium against the web app's origin only.
# Arguments go to Playwright (e.g. scripts/e2e.sh tests/email-links.spec.ts).
set -euo pipefail
set -m  # each background job in its own process group: stopping one stops its children
root="$(cd "$(dirname "$0")/.." && pwd)"
api_port="${E2E_API_PORT:-18700}"
web_port="${E2E_WEB_PORT:-18730}"
# The demo SMS bridge (scripts/run.sh, HDMS_DEMO_SMS): SMS sign-in and the sync work for real.
sms_port="${E2E_SMS_PORT:-$((api_port + 5))}"
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
  for _ in $(seq 1 900); do
    if curl -fs -o /dev/null "$url"; then return 0; fi
    if ! kill -0 "${pids[0]}" 2>/dev/null; then
      echo "the desk stopped before $name came up; its log:" >&2; tail -n 80 "$log_dir/desk.log" >&2
      return 1
    fi
    sleep 1
  done
  echo "$name did not come up at $url; the desk's log:" >&2; tail -n 80 "$log_dir/desk.log" >&2
  return 1
}

(
  unset DATABASE_URL REDIS_URL HDMS_FRONTEND_URL HDMS_CORS_ORIGINS HDMS_API_INTERNAL_URL
  export HDMS_DATA_DIR="$data_dir" DJANGO_SETTINGS_MODULE=hdms.settings.embedded HDMS_DEMO=true
  export HDMS_API_PORT="$api_port" HDMS_WEB_PORT="$web_port"
  # Every browser test signs people in from this one address: ~30 sign-ins in a few minutes,
  # more than the 10 a minute a single client gets (DESIGN §4), so the story would meet 429s.
  export HDMS_RATE_LOGIN=300
  # The story also walks one requestor (req1) and a few staff through page after page at machine
  # speed, ~80 API calls in 15 s per walk, walks back to back: past the 150 (requestor) and 250
  # (assignee) a minute a person gets, so a click met 429 and the page said "Too many requests".
  export HDMS_RATE_REQUESTOR=3000 HDMS_RATE_ASSIGNEE=3000
  # Emails land as files, so a test can open the links they carry.
  export HDMS_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
  export HDMS_EMAIL_FILE_PATH="$data_dir/mail"
  # As `HDMS_DEMO_SMS=true make run`: the demo SMS bridge with its employees (t101-t105), SMS
  # sign-in on, one sync at start; the accounts spec reads a real sync report and signs in through it.
  export HDMS_DEMO_SMS=true HDMS_DEMO_SMS_PORT="$sms_port"
  exec "$root/scripts/run.sh" > "$log_dir/desk.log" 2>&1
) &
pids+=($!)

# The web app is the only origin the browser (and the tests' API calls) use.
wait_for "http://127.0.0.1:$web_port/api/v1/health" "the API through the web app"
wait_for "http://127.0.0.1:$web_port/login" "the web app"

E2E_WEB_ORIGIN="http://127.0.0.1:$web_port" E2E_MAIL_DIR="$data_dir/mail" \
  E2E_SMS_URL="http://127.0.0.1:$sms_port/api" E2E_SMS_TOKEN=demo-sms-token \
  bash "$root/frontend/e2e/run.sh" "$@"
