#!/bin/sh
# restore_command: wal-restore.sh CONFIG %f %p  (set by hdms.ops.backups.pitr_prepare)
# Fetches <segment>.age from HDMS_BACKUP_WAL_DIR, or else from HDMS_BACKUP_RCLONE_REMOTE/wal/,
# decrypts it with HDMS_BACKUP_AGE_IDENTITY_FILE into %p. A segment that is in neither place
# exits 1, which tells PostgreSQL the archive ends there (normal at the end of recovery).
set -eu
config=$1 name=$2 dest=$3
set -a
. "$config"
set +a
: "${HDMS_BACKUP_AGE_IDENTITY_FILE:?}"
source="${HDMS_BACKUP_WAL_DIR:-/nonexistent}/$name.age"
scratch=""
trap '[ -n "$scratch" ] && rm -rf "$scratch"' EXIT
if [ ! -f "$source" ]; then
    [ -n "${HDMS_BACKUP_RCLONE_REMOTE:-}" ] || exit 1
    scratch=$(mktemp -d)
    rclone copyto "$HDMS_BACKUP_RCLONE_REMOTE/wal/$name.age" "$scratch/$name.age" 2>/dev/null || exit 1
    source="$scratch/$name.age"
fi
age --decrypt -i "$HDMS_BACKUP_AGE_IDENTITY_FILE" -o "$dest.partial" "$source"
mv "$dest.partial" "$dest"
