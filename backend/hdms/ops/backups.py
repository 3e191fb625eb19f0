"""Backups (architecture §22): the plain ``pg_dump`` primitives (dump, restore, retention, row counts
and checksums), and on top of them the encrypted backup sets the daily task writes and the monthly
drill restores, the base backups and WAL retention of point-in-time recovery.

A backup set ``hdms-<db>-<UTC stamp>/`` holds ``db.dump.age`` (``pg_dump -Fc``), ``files.tar.age``
(the uploaded files) and ``manifest.json``: per-table row counts and md5 digests taken in the very
snapshot ``pg_dump`` dumped, each file's sha256, and the sha256 of both encrypted artifacts. The
drill restores a set into a scratch database and compares all of it. Encryption is age (public keys
in settings); copies off the machine go through rclone. deploy/README.md is the procedure.
"""

import datetime as dt
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, LiteralString

import environ
import psycopg
from django.conf import settings
from psycopg import sql
from psycopg.rows import TupleRow

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


# --- Encrypted backup sets, rclone, retention, drill, point-in-time recovery -------------------

SET_RE = re.compile(r"^hdms-(?P<db>[A-Za-z0-9_]+)-(?P<stamp>\d{8}T\d{6}Z)$")
BASE_RE = re.compile(r"^base-(?P<stamp>\d{8}T\d{6}Z)$")
WAL_RE = re.compile(r"^(?P<tli>[0-9A-F]{8})(?P<pos>[0-9A-F]{16})(?P<rest>\.[0-9A-F]{8}\.backup|\.partial)?\.age$")
STAMP = "%Y%m%dT%H%M%SZ"
DB_ARTIFACT, FILES_ARTIFACT, MANIFEST = "db.dump.age", "files.tar.age", "manifest.json"
BASE_ARTIFACT, BASE_INFO = "base.tar.age", "info.json"
CHUNK = 1 << 20
# The text form of a row depends on these session settings: the same on both sides of a comparison.
DIGEST_SESSION = ("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
                  "SET extra_float_digits = 1; SET bytea_output = 'hex'")


class BackupError(RuntimeError):
    """A backup, drill or recovery step that failed; the message says which and why."""


def _stamp(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).strftime(STAMP)


def _parse_stamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, STAMP).replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class BackupConfig:
    local_dir: Path
    wal_dir: Path
    recipients: tuple[str, ...]
    recipients_file: str
    identity_file: str
    remote: str
    files_dir: Path | None
    keep_full_days: int = 30
    keep_wal_days: int = 7
    keep_full_min: int = 1

    @classmethod
    def from_settings(cls) -> "BackupConfig":
        local = Path(settings.HDMS_BACKUP_DIR) if settings.HDMS_BACKUP_DIR else backup_dir()
        return cls(
            local_dir=local,
            wal_dir=Path(settings.HDMS_BACKUP_WAL_DIR) if settings.HDMS_BACKUP_WAL_DIR else local / "wal",
            recipients=tuple(r.strip() for r in settings.HDMS_BACKUP_AGE_RECIPIENTS if r.strip()),
            recipients_file=settings.HDMS_BACKUP_AGE_RECIPIENTS_FILE,
            identity_file=settings.HDMS_BACKUP_AGE_IDENTITY_FILE,
            remote=settings.HDMS_BACKUP_RCLONE_REMOTE.rstrip("/"),
            files_dir=uploaded_files_dir(),
            keep_full_days=settings.HDMS_BACKUP_KEEP_FULL_DAYS,
            keep_wal_days=settings.HDMS_BACKUP_KEEP_WAL_DAYS,
            keep_full_min=max(1, settings.HDMS_BACKUP_KEEP_FULL_MIN),
        )

    def encrypt_argv(self) -> list[str]:
        if not self.recipients and not self.recipients_file:
            raise BackupError("No age recipient: set HDMS_BACKUP_AGE_RECIPIENTS (age1... public keys) "
                              "or HDMS_BACKUP_AGE_RECIPIENTS_FILE; backups are never written unencrypted.")
        argv = ["age", "--encrypt"]
        for recipient in self.recipients:
            argv += ["-r", recipient]
        return [*argv, "-R", self.recipients_file] if self.recipients_file else argv

    def decrypt_argv(self) -> list[str]:
        if not self.identity_file or not Path(self.identity_file).exists():
            raise BackupError("No age identity: set HDMS_BACKUP_AGE_IDENTITY_FILE to the private key file "
                              f"(now {self.identity_file!r}).")
        return ["age", "--decrypt", "-i", self.identity_file]


def uploaded_files_dir() -> Path | None:
    """The uploaded files on this machine: ``HDMS_BACKUP_FILES_DIR``, else the attachment storage's
    directory when it is local disk; None for an object store (it keeps its own versions)."""
    if settings.HDMS_BACKUP_FILES_DIR:
        return Path(settings.HDMS_BACKUP_FILES_DIR)
    storage = settings.FILES_STORAGE
    if storage["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        return None
    return Path((storage.get("OPTIONS") or {}).get("location") or settings.MEDIA_ROOT)


def backup_connection() -> Connection:
    """Straight to PostgreSQL (``HDMS_BACKUP_DATABASE_URL``; pg_dump should not go through
    PgBouncer), else the configured database."""
    url = settings.HDMS_BACKUP_DATABASE_URL
    return connection_from_url(url) if url else Connection.from_settings()


def connection_from_url(url: str) -> Connection:
    db = environ.Env.db_url_config(url)
    return Connection(str(db.get("HOST") or "127.0.0.1"), str(db.get("PORT") or "5432"), str(db.get("USER") or ""),
                      str(db.get("PASSWORD") or ""), str(db["NAME"]))


def _pg(conn: Connection, *, autocommit: bool = True) -> psycopg.Connection[TupleRow]:
    # psycopg leaves out the parameters that are None (an empty user or password: the server's default).
    return psycopg.connect(host=conn.host, port=conn.port, dbname=conn.name, user=conn.user or None,
                           password=conn.password or None, autocommit=autocommit)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# -- table digests ---------------------------------------------------------------------------

def table_digests(pg) -> dict[str, dict[str, object]]:
    """Row count and an md5 over every row's text form, in primary-key order, of every table in the
    public schema, read in the connection's current transaction (so in a dump's snapshot). md5 of
    the concatenated per-row md5s keeps memory at 32 bytes a row whatever the rows hold."""
    pg.execute(DIGEST_SESSION)
    rows = pg.execute("""
        SELECT c.relname, coalesce(array_agg(a.attname ORDER BY k.ord) FILTER (WHERE a.attname IS NOT NULL), '{}')
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
        LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
        LEFT JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE c.relkind IN ('r', 'p')
        GROUP BY c.relname ORDER BY c.relname""").fetchall()
    out: dict[str, dict[str, object]] = {}
    for table, keys in rows:
        order = (sql.SQL(", ").join(sql.SQL("t.{}").format(sql.Identifier(k)) for k in keys) if keys
                 else sql.SQL("t::text"))
        query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY {}), '')) "
                        "FROM public.{} t").format(order, sql.Identifier(table))
        count, digest = pg.execute(query).fetchone()
        out[table] = {"rows": int(count), "md5": digest}
    return out


# -- age pipes -------------------------------------------------------------------------------

def _text_value(pg: psycopg.Connection[TupleRow], query: LiteralString) -> str:
    """The one text value a query that always answers one row answers."""
    row = pg.execute(query).fetchone()
    if row is None:
        raise BackupError(f"{query} answered no row")
    return str(row[0])


def _present(stream: IO[bytes] | None) -> IO[bytes]:
    """A stream that is there by construction: a pipe asked for with ``subprocess.PIPE``, or the
    contents of a regular tar member."""
    if stream is None:
        raise BackupError("an expected stream is missing")
    return stream


class _HashingWriter:
    """A write-only file object that hashes and counts what passes through to ``target``."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target, self.sha = target, hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def read(self, size: int = -1) -> bytes:
        raise io.UnsupportedOperation("write-only")

    def seek(self, pos: int, whence: int = 0) -> int:
        raise io.UnsupportedOperation("write-only")

    def close(self) -> None:
        """Nothing: ``target`` is closed by its owner (``_AgeEncrypter.close``)."""


class _HashingReader:
    def __init__(self, source) -> None:
        self.source, self.sha = source, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.sha.update(data)
        return data


class _AgeEncrypter:
    """``age`` writing ``out``; ``write`` what to encrypt, then ``close`` (raises if age failed)."""

    def __init__(self, argv: list[str], out: Path) -> None:
        self.out = out
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen([*argv, "-o", str(out)], stdin=subprocess.PIPE, stderr=self.errors)  # noqa: S603
        self.plain = _HashingWriter(_present(self.proc.stdin))

    def close(self) -> dict[str, object]:
        _present(self.proc.stdin).close()
        code = self.proc.wait()
        self.errors.seek(0)
        message = self.errors.read().decode(errors="replace").strip()
        self.errors.close()
        if code != 0:
            raise BackupError(f"age failed writing {self.out.name}: {message}")
        return {"bytes": self.plain.size, "sha256": self.plain.sha.hexdigest()}


def _encrypt_command_output(argv: list[str], env: dict[str, str], encrypter: _AgeEncrypter, what: str) -> None:
    """Runs ``argv`` and streams its standard output into ``encrypter``."""

    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errors, env=env)  # noqa: S603
        try:
            stdout = _present(proc.stdout)
            for chunk in iter(lambda: stdout.read(CHUNK), b""):
                encrypter.plain.write(chunk)
        except BrokenPipeError:
            proc.kill()
        code = proc.wait()
        if code != 0:
            errors.seek(0)
            raise BackupError(f"{what} failed: {errors.read().decode(errors='replace').strip()[-2000:]}")


def _write_files_tar(files_dir: Path | None, encrypter: _AgeEncrypter) -> dict[str, dict[str, object]]:
    """A tar of every regular file under ``files_dir`` into the encrypter, hashing each file as it
    goes in (one read per file); returns ``{relative path: {bytes, sha256}}``."""

    found: dict[str, dict[str, object]] = {}
    with tarfile.open(fileobj=encrypter.plain, mode="w|") as tar:
        if files_dir is None or not files_dir.is_dir():
            return found
        for path in sorted(files_dir.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(files_dir).as_posix()
            info = tar.gettarinfo(str(path), arcname=relative)
            with path.open("rb") as handle:
                reader = _HashingReader(handle)
                tar.addfile(info, reader)
            found[relative] = {"bytes": info.size, "sha256": reader.sha.hexdigest()}
    return found


# -- the full backup -------------------------------------------------------------------------

@dataclass(frozen=True)
class BackupSet:
    name: str
    path: Path
    manifest: dict


def backup_set_create(*, conn: Connection, config: BackupConfig, now: dt.datetime | None = None,
                      reason: str = "scheduled") -> BackupSet:
    """Writes ``<local>/full/hdms-<db>-<stamp>/``: the encrypted dump and files and the manifest.
    The digests are read in the snapshot ``pg_dump`` dumps (``pg_export_snapshot``), so they
    describe exactly the dumped rows even while the desk keeps writing."""

    now = now or dt.datetime.now(dt.UTC)
    name = f"hdms-{conn.name}-{_stamp(now)}"
    target = config.local_dir / "full" / name
    partial = target.with_name(name + ".partial")
    encrypt = config.encrypt_argv()
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        with _pg(conn, autocommit=False) as pg:
            pg.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = _text_value(pg, "SELECT pg_export_snapshot()")
            server_version = _text_value(pg, "SHOW server_version")
            dump = _AgeEncrypter(encrypt, partial / DB_ARTIFACT)
            try:
                _encrypt_command_output(["pg_dump", *conn.args(), "-Fc", "-Z6", "--no-owner", f"--snapshot={snapshot}",
                                         "-d", conn.name], conn.env(), dump, "pg_dump")
            finally:
                dump_plain = dump.close()
            tables = table_digests(pg)
            pg.rollback()
        files_enc = _AgeEncrypter(encrypt, partial / FILES_ARTIFACT)
        try:
            files = _write_files_tar(config.files_dir, files_enc)
        finally:
            files_plain = files_enc.close()
        manifest = {
            "format": 1, "name": name, "database": conn.name, "created_at": now.astimezone(dt.UTC).isoformat(),
            "reason": reason, "server_version": server_version,
            "files_dir": str(config.files_dir or ""),
            "tables": tables, "files": files,
            "plaintext": {"db.dump": dump_plain, "files.tar": files_plain},
            "artifacts": {artifact: {"bytes": (partial / artifact).stat().st_size,
                                     "sha256": _sha256_file(partial / artifact)}
                          for artifact in (DB_ARTIFACT, FILES_ARTIFACT)},
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupSet(name, target, manifest)


# -- rclone ----------------------------------------------------------------------------------

class Remote:
    """The off-machine copy through rclone: ``spec`` is ``remote:path``."""

    def __init__(self, spec: str) -> None:
        if not spec or ":" not in spec:
            raise BackupError("No off-site copy: set HDMS_BACKUP_RCLONE_REMOTE to remote:path (an rclone remote).")
        self.spec = spec.rstrip("/")

    def path(self, *parts: str) -> str:
        return "/".join([self.spec, *parts])

    def run(self, *args: str) -> str:
        result = subprocess.run(["rclone", *args], capture_output=True, text=True)  # noqa: S603, S607
        if result.returncode != 0:
            raise BackupError(f"rclone {args[0]} failed: {result.stderr.strip()[-2000:]}")
        return result.stdout

    def push_dir(self, local: Path, *parts: str) -> None:
        self.run("copy", str(local), self.path(*parts))

    def fetch_dir(self, local: Path, *parts: str) -> None:
        self.run("copy", self.path(*parts), str(local))

    def listing(self, *parts: str) -> list[dict]:
        """Entries (rclone lsjson: Name, IsDir, ModTime, Size) of a folder; [] if it does not exist."""
        result = subprocess.run(["rclone", "lsjson", self.path(*parts)], capture_output=True, text=True)  # noqa: S603, S607
        if result.returncode != 0:
            if "directory not found" in result.stderr:
                return []
            raise BackupError(f"rclone lsjson failed: {result.stderr.strip()[-2000:]}")
        return json.loads(result.stdout or "[]")

    def purge(self, *parts: str) -> None:
        self.run("purge", self.path(*parts))

    def delete_files(self, names: list[str], *parts: str) -> None:
        if not names:
            return
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as listing:
            listing.write("\n".join(names) + "\n")
            listing.flush()
            self.run("delete", self.path(*parts), "--files-from-raw", listing.name)


def _rclone_time(text: str) -> dt.datetime:
    # rclone writes RFC 3339 with up to nanoseconds; Python takes microseconds.
    match = re.match(r"^(.*T\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$", text)
    if not match:
        raise BackupError(f"Unexpected rclone time {text!r}")
    fraction = (match[2] or ".0")[:7]
    return dt.datetime.fromisoformat(match[1] + fraction + ("+00:00" if match[3] == "Z" else match[3]))


# -- retention -------------------------------------------------------------------------------

def sets_to_prune(names: list[str], *, keep_days: int, keep_min: int, now: dt.datetime,
                  pattern: re.Pattern = SET_RE) -> list[str]:
    """Names (``pattern`` with a ``stamp`` group) older than ``keep_days``, but never the newest
    ``keep_min``."""
    dated = sorted((_parse_stamp(m["stamp"]), n) for n in names if (m := pattern.match(n)))
    protected = {n for _, n in dated[-keep_min:]} if keep_min > 0 else set()
    return [n for stamp, n in dated if n not in protected and now - stamp > dt.timedelta(days=keep_days)]


def wal_to_prune(entries: list[tuple[str, dt.datetime]], *, keep_days: int, now: dt.datetime) -> list[str]:
    """WAL files (``<segment>.age`` and backup-history ``.backup.age``) older than ``keep_days``,
    except those a kept base backup still needs: everything from the start segment of the newest
    base backup taken before the window opened (its ``.backup`` history file) is kept, so any
    moment of the last ``keep_days`` stays recoverable. Timeline ``.history`` files are kept."""
    cutoff = now - dt.timedelta(days=keep_days)
    parsed = [(name, when, m) for name, when in entries if (m := WAL_RE.match(name))]
    anchors = [m["pos"] for _, when, m in parsed if (m["rest"] or "").endswith(".backup") and when <= cutoff]
    keep_from = max(anchors) if anchors else None
    return sorted(name for name, when, m in parsed
                  if when < cutoff and (keep_from is None or m["pos"] < keep_from))


def bases_to_prune(names: list[str], *, keep_days: int, now: dt.datetime) -> list[str]:
    """Base backups older than the WAL window, except the newest one taken before it opened."""
    cutoff = now - dt.timedelta(days=keep_days)
    dated = sorted((_parse_stamp(m["stamp"]), n) for n in names if (m := BASE_RE.match(n)))
    before = [n for stamp, n in dated if stamp <= cutoff]
    return before[:-1]


def retention_apply(*, config: BackupConfig, remote: Remote | None,
                    now: dt.datetime | None = None) -> dict[str, list[str]]:
    """Prunes fulls (30 days), base backups and WAL (7 days) here and on the remote."""

    now = now or dt.datetime.now(dt.UTC)
    removed: dict[str, list[str]] = {"local_full": [], "remote_full": [], "local_base": [], "remote_base": [],
                                     "local_wal": [], "remote_wal": []}
    full_dir, base_dir = config.local_dir / "full", config.local_dir / "base"
    local_sets = [p.name for p in full_dir.iterdir() if p.is_dir()] if full_dir.is_dir() else []
    for name in sets_to_prune(local_sets, keep_days=config.keep_full_days, keep_min=config.keep_full_min, now=now):
        shutil.rmtree(full_dir / name)
        removed["local_full"].append(name)
    local_bases = [p.name for p in base_dir.iterdir() if p.is_dir()] if base_dir.is_dir() else []
    for name in bases_to_prune(local_bases, keep_days=config.keep_wal_days, now=now):
        shutil.rmtree(base_dir / name)
        removed["local_base"].append(name)
    if config.wal_dir.is_dir():
        local_wal = [(p.name, dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC)) for p in config.wal_dir.iterdir()
                     if p.is_file()]
        for name in wal_to_prune(local_wal, keep_days=config.keep_wal_days, now=now):
            (config.wal_dir / name).unlink(missing_ok=True)
            removed["local_wal"].append(name)
    if remote is not None:
        remote_sets = [e["Name"] for e in remote.listing("full") if e["IsDir"]]
        for name in sets_to_prune(remote_sets, keep_days=config.keep_full_days, keep_min=config.keep_full_min, now=now):
            remote.purge("full", name)
            removed["remote_full"].append(name)
        remote_bases = [e["Name"] for e in remote.listing("base") if e["IsDir"]]
        for name in bases_to_prune(remote_bases, keep_days=config.keep_wal_days, now=now):
            remote.purge("base", name)
            removed["remote_base"].append(name)
        remote_wal = [(e["Name"], _rclone_time(e["ModTime"])) for e in remote.listing("wal") if not e["IsDir"]]
        doomed = wal_to_prune(remote_wal, keep_days=config.keep_wal_days, now=now)
        remote.delete_files(doomed, "wal")
        removed["remote_wal"] = doomed
    return removed


# -- restore drill ---------------------------------------------------------------------------

@dataclass
class DrillResult:
    name: str
    ok: bool
    problems: list[str]
    tables: int = 0
    rows: int = 0
    files: int = 0
    seconds: dict[str, float] | None = None


def latest_remote_set(remote: Remote, db_name: str | None = None) -> str:
    names = sorted((m["stamp"], e["Name"]) for e in remote.listing("full")
                   if e["IsDir"] and (m := SET_RE.match(e["Name"])) and (db_name is None or m["db"] == db_name))
    if not names:
        raise BackupError(f"No backup set on {remote.spec}/full")
    return names[-1][1]


def _decrypt_to(config: BackupConfig, source: Path, target: Path) -> None:
    result = subprocess.run([*config.decrypt_argv(), "-o", str(target), str(source)],  # noqa: S603
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"age could not decrypt {source.name}: {result.stderr.strip()}")


def _files_in_tar(config: BackupConfig, source: Path, extract_to: Path | None = None) -> dict[str, dict[str, object]]:
    """sha256 of every member of an encrypted files tar (streamed, decrypted on the fly);
    with ``extract_to``, the files are also written there."""

    proc = subprocess.Popen([*config.decrypt_argv(), str(source)], stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.PIPE)
    found: dict[str, dict[str, object]] = {}
    try:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                if not member.isfile():
                    continue
                handle = _present(tar.extractfile(member))
                digest = hashlib.sha256()
                out = None
                if extract_to is not None:
                    dest = (extract_to / member.name).resolve()
                    if not dest.is_relative_to(extract_to.resolve()):
                        raise BackupError(f"Refusing a tar member outside the target: {member.name}")
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    out = dest.open("wb")
                for chunk in iter(lambda: handle.read(CHUNK), b""):  # noqa: B023
                    digest.update(chunk)
                    if out is not None:
                        out.write(chunk)
                if out is not None:
                    out.close()
                found[member.name] = {"bytes": member.size, "sha256": digest.hexdigest()}
    except tarfile.TarError as exc:
        proc.kill()
        raise BackupError(f"{source.name} is not a readable tar: {exc}") from exc
    finally:
        stderr = _present(proc.stderr).read().decode(errors="replace")
        code = proc.wait()
    if code != 0:
        raise BackupError(f"age could not decrypt {source.name}: {stderr.strip()}")
    return found


def _compare(kind: str, expected: dict, actual: dict, problems: list[str], limit: int = 20) -> None:
    for key in sorted(set(expected) | set(actual)):
        if key not in actual:
            problems.append(f"{kind} {key}: in the manifest, missing after restore")
        elif key not in expected:
            problems.append(f"{kind} {key}: restored, not in the manifest")
        elif expected[key] != actual[key]:
            problems.append(f"{kind} {key}: manifest {expected[key]} != restored {actual[key]}")
        if len(problems) >= limit:
            return


def restore_drill(*, config: BackupConfig, remote: Remote, conn: Connection, work_dir: Path,
                  name: str | None = None) -> DrillResult:
    """Fetches a backup set (the newest by default) through rclone, checks the encrypted artifacts'
    sha256, decrypts, restores into a scratch database, compares every table's row count and md5
    and every file's sha256 with the manifest, and drops the scratch database."""

    timings: dict[str, float] = {}
    started = time.monotonic()
    name = name or latest_remote_set(remote, conn.name)
    result = DrillResult(name=name, ok=False, problems=[], seconds=timings)
    local = work_dir / name
    shutil.rmtree(local, ignore_errors=True)
    local.mkdir(parents=True)
    scratch = f"hdms_drill_{secrets.token_hex(4)}"
    try:
        remote.fetch_dir(local, "full", name)
        timings["fetch"] = round(time.monotonic() - started, 2)
        manifest_path = local / MANIFEST
        if not manifest_path.exists():
            result.problems.append("manifest.json is missing")
            return result
        manifest = json.loads(manifest_path.read_text())
        for artifact, expected in manifest["artifacts"].items():
            path = local / artifact
            actual = {"bytes": path.stat().st_size, "sha256": _sha256_file(path)} if path.exists() else None
            if actual != expected:
                result.problems.append(f"{artifact}: sha256/size differ from the manifest (damaged or replaced)")
        if result.problems:
            return result
        mark = time.monotonic()
        dump = local / "db.dump"
        _decrypt_to(config, local / DB_ARTIFACT, dump)
        database_create(conn=conn, name=scratch)
        backup_restore(conn=conn.with_name(scratch), path=dump)
        timings["restore_database"] = round(time.monotonic() - mark, 2)
        with _pg(conn.with_name(scratch), autocommit=False) as pg:
            restored = table_digests(pg)
            pg.rollback()
        _compare("table", manifest["tables"], restored, result.problems)
        mark = time.monotonic()
        files = _files_in_tar(config, local / FILES_ARTIFACT)
        timings["check_files"] = round(time.monotonic() - mark, 2)
        _compare("file", manifest["files"], files, result.problems)
        result.tables, result.files = len(restored), len(files)
        result.rows = sum(int(t["rows"]) for t in restored.values())  # type: ignore[call-overload]
        result.ok = not result.problems
        return result
    except (BackupError, subprocess.CalledProcessError) as exc:
        detail = exc.stderr if isinstance(exc, subprocess.CalledProcessError) else str(exc)
        result.problems.append(str(detail).strip()[-2000:])
        return result
    finally:
        database_drop(conn=conn, name=scratch)
        shutil.rmtree(local, ignore_errors=True)
        timings["total"] = round(time.monotonic() - started, 2)


# -- point-in-time recovery ------------------------------------------------------------------

def base_backup_create(*, conn: Connection, config: BackupConfig, remote: Remote | None,
                       now: dt.datetime | None = None) -> Path:
    """``pg_basebackup`` (tar, fast checkpoint, WAL from the archive) encrypted into
    ``<local>/base/base-<stamp>/`` and copied to the remote: the start of point-in-time recovery.
    ``conn`` needs the REPLICATION attribute (deploy/README.md)."""

    now = now or dt.datetime.now(dt.UTC)
    name = f"base-{_stamp(now)}"
    target = config.local_dir / "base" / name
    partial = target.with_name(name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        encrypter = _AgeEncrypter(config.encrypt_argv(), partial / BASE_ARTIFACT)
        try:
            _encrypt_command_output(["pg_basebackup", *conn.args(), "-D", "-", "-Ft", "-X", "none",
                                     "--checkpoint=fast", "--no-password"], conn.env(), encrypter, "pg_basebackup")
        finally:
            plain = encrypter.close()
        info = {"name": name, "created_at": now.astimezone(dt.UTC).isoformat(), "plaintext": plain,
                "artifact": {"bytes": (partial / BASE_ARTIFACT).stat().st_size,
                             "sha256": _sha256_file(partial / BASE_ARTIFACT)}}
        (partial / BASE_INFO).write_text(json.dumps(info, indent=1))
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if remote is not None:
        remote.push_dir(target, "base", name)
    return target


def pitr_prepare(*, config: BackupConfig, remote: Remote, data_dir: Path, target_time: dt.datetime,
                 restore_command: str, extra_settings: dict[str, str] | None = None) -> str:
    """Lays out ``data_dir`` for recovery to ``target_time``: the newest base backup on the remote
    taken before that time, decrypted and unpacked, ``restore_command`` (deploy/postgresql/
    wal-restore.sh) to fetch WAL, the target, promotion at the target, and ``recovery.signal``.
    Start PostgreSQL on it (as its owner) and it replays the WAL archive up to the target."""

    candidates = sorted((m["stamp"], e["Name"]) for e in remote.listing("base")
                        if e["IsDir"] and (m := BASE_RE.match(e["Name"])) and _parse_stamp(m["stamp"]) <= target_time)
    if not candidates:
        raise BackupError(f"No base backup on {remote.spec}/base taken before {target_time.isoformat()}")
    name = candidates[-1][1]
    with tempfile.TemporaryDirectory(prefix="hdms-pitr-") as scratch:
        local = Path(scratch)
        remote.fetch_dir(local, "base", name)
        info = json.loads((local / BASE_INFO).read_text())
        if _sha256_file(local / BASE_ARTIFACT) != info["artifact"]["sha256"]:
            raise BackupError(f"{name}/{BASE_ARTIFACT} does not match its info.json: damaged or replaced")
        if data_dir.exists() and any(data_dir.iterdir()):
            raise BackupError(f"{data_dir} is not empty: recovery starts from an empty data directory")
        data_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.Popen([*config.decrypt_argv(), str(local / BASE_ARTIFACT)],  # noqa: S603
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            tar.extractall(data_dir, filter="tar")
        stderr = _present(proc.stderr).read().decode(errors="replace")
        if proc.wait() != 0:
            raise BackupError(f"age could not decrypt {name}: {stderr.strip()}")
    data_dir.chmod(0o700)
    (data_dir / "pg_wal").mkdir(exist_ok=True)
    (data_dir / "backup_manifest").unlink(missing_ok=True)
    lines = {
        "restore_command": restore_command,
        "recovery_target_time": target_time.astimezone(dt.UTC).isoformat(sep=" "),
        "recovery_target_action": "promote",
        **(extra_settings or {}),
    }
    with (data_dir / "postgresql.auto.conf").open("a") as conf:
        conf.write("\n# point-in-time recovery (hdms.ops.backups.pitr_prepare)\n")
        for key, value in lines.items():
            conf.write(f"{key} = '{value.replace(chr(39), chr(39) * 2)}'\n")
    (data_dir / "recovery.signal").write_text("")
    return name


def backup_set_open(*, config: BackupConfig, set_dir: Path, scratch: Path) -> tuple[Path, Path]:
    """Checks a set's artifacts against its manifest and decrypts its dump into ``scratch``;
    returns (the plain dump, the encrypted files tar)."""
    manifest = json.loads((set_dir / MANIFEST).read_text())
    for artifact, expected in manifest["artifacts"].items():
        path = set_dir / artifact
        if not path.exists() or _sha256_file(path) != expected["sha256"]:
            raise BackupError(f"{set_dir.name}/{artifact} does not match its manifest: damaged or replaced")
    dump = scratch / "db.dump"
    _decrypt_to(config, set_dir / DB_ARTIFACT, dump)
    return dump, set_dir / FILES_ARTIFACT


def files_restore(*, config: BackupConfig, source: Path, target: Path) -> dict[str, dict[str, object]]:
    target.mkdir(parents=True, exist_ok=True)
    return _files_in_tar(config, source, extract_to=target)
