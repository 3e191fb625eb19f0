#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/system-packages.txt that are missing.
# As root it runs apt-get; otherwise it names the missing packages and stops, so `make run`
# and `make test` never fail later on a missing program with a less clear message.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
command -v dpkg >/dev/null 2>&1 || { echo "setup-system: not a Debian system; install the packages in $here/system-packages.txt yourself" >&2; exit 0; }
mapfile -t wanted < <(grep -v '^\s*\(#\|$\)' "$here/system-packages.txt")
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "HDMS needs these Debian packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  echo "setup-system: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node.js: the web app's packages need 20.19 or newer, with npm (frontend/package-lock.json).
# Debian 13's `nodejs` is new enough (npm is its own package there); Debian 12's is 18, so on
# Debian 12 Node 20 has to come from elsewhere (e.g. NodeSource's Debian packages, npm included).
node_min=20.19.0
node_version() { command -v node >/dev/null 2>&1 && node -p process.versions.node 2>/dev/null || echo none; }
node_ok() {
  local v; v="$(node_version)"
  [ "$v" != none ] && command -v npm >/dev/null 2>&1 \
    && [ "$(printf '%s\n' "$node_min" "$v" | sort -V | head -n1)" = "$node_min" ]
}
if ! node_ok && [ "$(id -u)" -eq 0 ] && [ "$(node_version)" != none ] && ! command -v npm >/dev/null 2>&1; then
  echo "setup-system: installing npm"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm || true
fi
if ! node_ok; then
  echo "HDMS needs Node.js $node_min or newer with npm (found: node $(node_version)," \
       "npm $(command -v npm >/dev/null 2>&1 && echo present || echo missing))." >&2
  echo "Debian 13: apt-get install nodejs npm. Debian 12: its nodejs is 18; install Node 20 (e.g. NodeSource's packages)." >&2
  exit 1
fi
