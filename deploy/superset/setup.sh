#!/usr/bin/env bash
# Prepares Superset for HDMS, idempotently (deploy/superset/README.md): its metadata database, its
# roles, an admin account, the "HDMS reporting" database (the desk's PostgreSQL as the read-only
# role hdms_reporting) and the dashboard bundle (bundle/: datasets over the reporting views, charts,
# the "HDMS help desk" dashboard). Run after install.sh; again after an upgrade or a bundle change.
#
#   HDMS_REPORTING_URI   the role's URI, e.g. postgresql://hdms_reporting:PASSWORD@db:5432/hdms
#                        (default: DATABASE_URL with the user hdms_reporting and no password)
#   HDMS_SUPERSET_HOME   data directory (default <repo>/var/superset)
#   HDMS_SUPERSET_VENV   Superset's virtual environment (default <repo>/var/superset-venv)
#   HDMS_SUPERSET_ADMIN_PASSWORD  the admin's password; when unset one is made once and kept in
#                        HDMS_SUPERSET_HOME/admin_password (mode 0600)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${HDMS_SUPERSET_VENV:-$root/var/superset-venv}"
export HDMS_SUPERSET_HOME="${HDMS_SUPERSET_HOME:-$root/var/superset}"
# The desk's settings module means nothing here (Celery inside Superset would warn about it).
unset DJANGO_SETTINGS_MODULE
export SUPERSET_CONFIG_PATH="$here/superset_config.py" FLASK_APP=superset
superset="$venv/bin/superset"
[ -x "$superset" ] || { echo "Superset is not installed in $venv: run deploy/superset/install.sh" >&2; exit 2; }
mkdir -p -m 0700 "$HDMS_SUPERSET_HOME"
uri="$("$venv/bin/python" "$here/bundle.py" --print-uri)" \
  || { echo "Set HDMS_REPORTING_URI (or DATABASE_URL) to the desk's PostgreSQL" >&2; exit 2; }

password="${HDMS_SUPERSET_ADMIN_PASSWORD:-}"
if [ -z "$password" ]; then
  if [ ! -s "$HDMS_SUPERSET_HOME/admin_password" ]; then
    (umask 077; "$venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(18))' > "$HDMS_SUPERSET_HOME/admin_password")
    echo "Superset admin password made: $HDMS_SUPERSET_HOME/admin_password"
  fi
  password="$(cat "$HDMS_SUPERSET_HOME/admin_password")"
fi

quiet() { "$@" > "$HDMS_SUPERSET_HOME/setup.log" 2>&1 || { cat "$HDMS_SUPERSET_HOME/setup.log" >&2; exit 1; }; }
quiet "$superset" db upgrade
quiet "$superset" init
# The password goes through the environment, not the command line (admin_user.py).
reset=""
[ -z "${HDMS_SUPERSET_ADMIN_PASSWORD:-}" ] || reset="--reset"
HDMS_SUPERSET_ADMIN_PASSWORD="$password" quiet "$venv/bin/python" "$here/admin_user.py" $reset
# The bundle carries the URI (and so any password in it): made 0600, removed after the import.
bundle="$HDMS_SUPERSET_HOME/bundle.zip"
trap 'rm -f "$bundle"' EXIT
"$venv/bin/python" "$here/bundle.py" "$bundle" --uri "$uri"
# Superset's asset import: the bundle's database entry (this URI), datasets, charts and dashboard
# replace their earlier versions (import_bundle.py).
quiet "$venv/bin/python" "$here/import_bundle.py" "$bundle" --user admin
echo "Superset is set up (data: $HDMS_SUPERSET_HOME)."
