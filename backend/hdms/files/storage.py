"""Where attachment bytes live: the local quarantine folder, then the attachments storage.

The quarantine is a local folder (uploads stream into it, the scanner streams out of it). The
permanent place is whatever ``FILES_STORAGE`` names through Django's storage API, so S3 or R2
(django-storages) is a setting, not a code change.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages


def quarantine_dir() -> Path:
    path = Path(settings.FILES_QUARANTINE_DIR or (Path(settings.DATA_DIR) / "quarantine")).resolve()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def quarantine_path(stored_name: str) -> Path:
    if not stored_name.isalnum():  # stored names are UUID hex; never let a name walk out of the folder
        raise ValueError("bad stored name")
    return quarantine_dir() / f"{stored_name}.q"


def partial_path(stored_name: str) -> Path:
    """An upload still arriving; renamed to its quarantine path once complete."""
    return quarantine_dir() / f"{stored_name}.part"


def discard(path: Path | None) -> None:
    if path is not None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@cache
def _storage_for(backend: str, options: tuple) -> Storage:
    return storages.create_storage({"BACKEND": backend, "OPTIONS": dict(options)})


def attachment_storage() -> Storage:
    config = settings.FILES_STORAGE
    return _storage_for(config["BACKEND"], tuple(sorted((config.get("OPTIONS") or {}).items())))


def storage_key(stored_name: str, suffix: str = "") -> str:
    return f"{settings.FILES_STORAGE_PREFIX}/{stored_name}{suffix}"


def store_from_path(*, source: Path, key: str) -> str:
    """Copy a local file into the attachments storage under exactly ``key``; returns the key."""
    storage = attachment_storage()
    if storage.exists(key):  # a retried task: the earlier attempt got this far
        storage.delete(key)
    with open(source, "rb") as handle:
        saved = storage.save(key, File(handle))
    if saved != key:
        raise RuntimeError(f"storage renamed {key} to {saved}")
    return saved


@contextlib.contextmanager
def local_copy(key: str) -> Iterator[Path]:
    """A local path holding the stored file: the file itself on local disk, else a temporary copy."""
    storage = attachment_storage()
    try:
        local = storage.path(key)
    except NotImplementedError:
        local = None
    if local is not None:
        yield Path(local)
        return
    fd, name = tempfile.mkstemp(prefix="hdms-", dir=quarantine_dir())
    try:
        with os.fdopen(fd, "wb") as out, storage.open(key, "rb") as src:
            shutil.copyfileobj(src, out, settings.FILES_CHUNK_BYTES)
        yield Path(name)
    finally:
        discard(Path(name))
