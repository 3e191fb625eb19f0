#!/usr/bin/env bash
# The web app's unit tests (Vitest), then the browser story in real Chromium (Playwright).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/frontend"
echo "== generated API types are current"
"$root/scripts/api-types.sh" --check
echo "== type check (the generated contract types included)"
npm run typecheck
echo "== frontend unit tests"
npm test
echo "== browser tests"
"$root/scripts/e2e.sh"
