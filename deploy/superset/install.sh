#!/usr/bin/env bash
# Installs Apache Superset into its own virtual environment, never the desk's .venv
# (deploy/superset/README.md). Pinned: requirements.txt, and every other package by constraints.txt.
#   deploy/superset/install.sh
# HDMS_SUPERSET_VENV: where (default <repo>/var/superset-venv). HDMS_SUPERSET_PYTHON: the Python that
# makes it (default python3.11; Superset 5.0 runs on 3.10 and 3.11). Does nothing when that venv already
# has exactly these pins. Packages come from pip's configured index.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${HDMS_SUPERSET_VENV:-$root/var/superset-venv}"
python="${HDMS_SUPERSET_PYTHON:-python3.11}"
stamp="$venv/.hdms-pins"
pins="$(cat "$here/requirements.txt" "$here/constraints.txt")"

if [ -x "$venv/bin/gunicorn" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pins" ]; then
  echo "Superset is installed in $venv (pins unchanged)."
  exit 0
fi
command -v "$python" >/dev/null || { echo "$python not found: set HDMS_SUPERSET_PYTHON to a Python 3.10 or 3.11" >&2; exit 2; }
"$python" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 11)))' \
  || { echo "$python is not Python 3.10 or 3.11, which Superset 5.0 needs" >&2; exit 2; }
started=$(date +%s)
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r "$here/requirements.txt" -c "$here/constraints.txt"
"$venv/bin/python" -m pip check --disable-pip-version-check
printf '%s' "$pins" > "$stamp"
version=$("$venv/bin/python" -c 'import importlib.metadata as m, psycopg2; print(m.version("apache-superset"))')
echo "Superset $version installed in $venv in $(( $(date +%s) - started )) s."
