#!/usr/bin/env bash
# Runs the browser story against a desk that is already running, through its web app's origin
# only (the web app proxies /api/ and /ws/ to the API, as the gateway does):
#   E2E_WEB_ORIGIN (default http://127.0.0.1:3000); E2E_MAIL_DIR: where the desk writes emails.
# Uses the system Chromium (/usr/bin/chromium, or CHROMIUM_PATH); never downloads a browser.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."
export E2E_WEB_ORIGIN="${E2E_WEB_ORIGIN:-http://127.0.0.1:3000}"
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "Chromium not found at $CHROMIUM_PATH (apt-get install -y chromium)" >&2
  exit 1
fi
mkdir -p "$here/screenshots"
exec npx --no-install playwright test -c e2e/playwright.config.ts "$@"
