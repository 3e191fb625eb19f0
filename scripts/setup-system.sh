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
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "HDMS needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "setup-system: installing ${missing[*]}"
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
