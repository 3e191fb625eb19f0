#!/bin/sh
# archive_command: wal-archive.sh CONFIG %p %f  (deploy/postgresql/archiving.conf)
# Encrypts one WAL segment with age into HDMS_BACKUP_WAL_DIR/<segment>.age, then copies it to
# HDMS_BACKUP_RCLONE_REMOTE/wal/. CONFIG is a shell file of KEY=value lines (also usable as a
# systemd EnvironmentFile): HDMS_BACKUP_AGE_RECIPIENTS_FILE, HDMS_BACKUP_WAL_DIR,
# HDMS_BACKUP_RCLONE_REMOTE and the rclone remote (RCLONE_CONFIG=... or RCLONE_CONFIG_<NAME>_*).
# Exit 0 only once both copies exist: PostgreSQL keeps and retries a segment until then.
set -eu
config=$1 path=$2 name=$3
set -a
. "$config"
set +a
: "${HDMS_BACKUP_AGE_RECIPIENTS_FILE:?}" "${HDMS_BACKUP_WAL_DIR:?}"
target="$HDMS_BACKUP_WAL_DIR/$name.age"
if [ ! -f "$target" ]; then
    umask 027
    age --encrypt -R "$HDMS_BACKUP_AGE_RECIPIENTS_FILE" -o "$target.partial" "$path"
    sync "$target.partial"
    mv "$target.partial" "$target"
fi
# A segment archived before a crash is already here; copying it again is harmless (rclone skips
# an identical file).
if [ -n "${HDMS_BACKUP_RCLONE_REMOTE:-}" ]; then
    rclone copyto "$target" "$HDMS_BACKUP_RCLONE_REMOTE/wal/$name.age"
fi
