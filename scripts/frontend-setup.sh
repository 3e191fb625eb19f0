#!/usr/bin/env bash
# Installs the web app's packages (from the lock file) when they changed.
set -euo pipefail
cd "$(dirname "$0")/../frontend"
stamp=node_modules/.hdms-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
