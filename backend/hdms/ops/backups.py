"""Database backups: compressed ``pg_dump`` with retention, restore, and the checks a restore drill
compares (row counts and table checksums). deploy/README.md documents RPO/RTO and WAL archiving."""

import datetime as dt
import hashlib
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

NAME_RE = re.compile(r"^hdms-(?P<db>[A-Za-z0-9_]+)-(?P<stamp>\d{8}T\d{6}Z)\.dump$")


@dataclass(frozen=True)
class Connection:
    host: str
    port: str
    user: str
    password: str
    name: str

    @classmethod
    def from_settings(cls, alias: str = "default") -> "Connection":
        db = settings.DATABASES[alias]
        if not db["ENGINE"].startswith("django.db.backends.postgresql"):
            raise RuntimeError("Backups need PostgreSQL (DATABASE_URL=postgres://...).")
        return cls(str(db.get("HOST") or "127.0.0.1"), str(db.get("PORT") or "5432"), str(db.get("USER") or ""),
                   str(db.get("PASSWORD") or ""), str(db["NAME"]))

    def with_name(self, name: str) -> "Connection":
        return Connection(self.host, self.port, self.user, self.password, name)

    def args(self) -> list[str]:
        out = ["-h", self.host, "-p", self.port]
        return [*out, "-U", self.user] if self.user else out

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def backup_dir() -> Path:
    return Path(os.environ.get("HDMS_BACKUP_DIR") or settings.DATA_DIR / "backups")


def _run(argv: list[str], conn: Connection) -> subprocess.CompletedProcess:
    return subprocess.run(argv, env=conn.env(), check=True, capture_output=True, text=True)  # noqa: S603


def backup_create(*, conn: Connection, directory: Path, compress: int = 6,
                  now: dt.datetime | None = None) -> Path:
    """``pg_dump -Fc`` (custom format, compressed) to ``hdms-<db>-<UTC stamp>.dump``, written to a
    temporary name and renamed only when complete, with a ``.sha256`` beside it."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"hdms-{conn.name}-{stamp}.dump"
    partial = target.with_suffix(".dump.partial")
    _run(["pg_dump", *conn.args(), "-Fc", f"-Z{compress}", "--no-owner", "-f", str(partial), conn.name], conn)
    digest = hashlib.sha256()
    with partial.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    partial.rename(target)
    target.with_suffix(".dump.sha256").write_text(f"{digest.hexdigest()}  {target.name}\n")
    return target


def backup_list(directory: Path, db_name: str | None = None) -> list[tuple[dt.datetime, Path]]:
    found = []
    for path in directory.glob("hdms-*.dump"):
        match = NAME_RE.match(path.name)
        if match and (db_name is None or match["db"] == db_name):
            stamp = dt.datetime.strptime(match["stamp"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
            found.append((stamp, path))
    return sorted(found)


def backup_prune(*, directory: Path, db_name: str, keep_days: int, keep_count: int,
                 now: dt.datetime | None = None) -> list[Path]:
    """Deletes backups older than ``keep_days`` but always keeps the newest ``keep_count``."""
    now = now or dt.datetime.now(dt.UTC)
    backups = backup_list(directory, db_name)
    protected = {path for _, path in backups[-keep_count:]} if keep_count > 0 else set()
    removed = []
    for stamp, path in backups:
        if path in protected or now - stamp <= dt.timedelta(days=keep_days):
            continue
        path.unlink()
        path.with_suffix(".dump.sha256").unlink(missing_ok=True)
        removed.append(path)
    return removed


def backup_verify(path: Path) -> bool:
    sidecar = path.with_suffix(".dump.sha256")
    if not sidecar.exists():
        return False
    expected = sidecar.read_text().split()[0]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest == expected


def database_create(*, conn: Connection, name: str) -> None:
    _run(["createdb", *conn.args(), name], conn)


def database_drop(*, conn: Connection, name: str) -> None:
    _run(["dropdb", *conn.args(), "--if-exists", "--force", name], conn)


def backup_restore(*, conn: Connection, path: Path, jobs: int = 2) -> None:
    """Restores a custom-format dump into ``conn.name`` (which must exist; objects are replaced)."""
    if path.with_suffix(".dump.sha256").exists() and not backup_verify(path):
        raise RuntimeError(f"{path.name} does not match its .sha256: refusing to restore a damaged backup.")
    _run(["pg_restore", *conn.args(), "--no-owner", "--clean", "--if-exists", "--exit-on-error",
          f"--jobs={jobs}", "-d", conn.name, str(path)], conn)


def _psql(conn: Connection, sql: str) -> str:
    return _run(["psql", *conn.args(), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", conn.name,
                 "-c", sql], conn).stdout.strip()


def table_counts(conn: Connection) -> dict[str, int]:
    """Exact row counts of every table in the public schema."""
    tables = _psql(conn, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").split()
    if not tables:
        return {}
    # Table names come from pg_tables, never from a user.
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM public.\"{t}\"" for t in tables)  # noqa: S608
    return {name: int(count) for name, count in (line.split("|") for line in _psql(conn, sql).splitlines())}


def table_checksum(conn: Connection, table: str, order_by: str = "id") -> str:
    """md5 over every row's text form in primary-key order: equal iff the contents are equal."""
    sql = f"SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.{order_by}), '')) FROM public.\"{table}\" t"  # noqa: S608
    return _psql(conn, sql)
