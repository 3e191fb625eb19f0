"""The served model in this process: artefacts under HDMS_DATA_DIR/ai/models, loaded once per
version and checked against the SHA-256 its database row recorded (an artefact is a pickle: only
files this desk wrote and recorded are ever loaded)."""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

ACTIVE_CHECK_SECONDS = 5.0


def model_dir() -> Path:
    directory = Path(settings.DATA_DIR) / "ai" / "models"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def save_bundle(bundle: dict[str, Any], *, number: int) -> tuple[str, str]:
    """Writes the bundle (atomically: a temporary name, then rename); returns (file name, sha256)."""
    import joblib

    name = f"v{number}-{uuid.uuid4().hex[:8]}.joblib"
    path = model_dir() / name
    temporary = path.with_suffix(".part")
    joblib.dump(bundle, temporary, compress=3)
    digest = hashlib.sha256(temporary.read_bytes()).hexdigest()
    temporary.rename(path)
    return name, digest


def _load(name: str, sha256: str) -> dict[str, Any]:
    import joblib

    path = model_dir() / Path(name).name
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RuntimeError(f"The model artefact {name} does not match its recorded checksum.")
    return joblib.load(path)


@dataclass
class Served:
    version_id: str
    number: int
    bundle: dict[str, Any]


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    served: Served | None = None
    checked_at: float = 0.0
    active: tuple[str, int, str, str] | None = None  # id, number, artefact, sha256


_cache = _Cache()


def served_model(active: Any) -> Served | None:
    """The bundle of ``active`` (a callable returning the active version's (id, number, artefact,
    sha256) or None), loaded once; the active row is looked up at most every few seconds."""
    now = time.monotonic()
    if now - _cache.checked_at > ACTIVE_CHECK_SECONDS:
        _cache.active = active()
        _cache.checked_at = now
    current = _cache.active
    if current is None:
        return None
    served = _cache.served
    if served is not None and served.version_id == current[0]:
        return served
    with _cache.lock:
        if _cache.served is None or _cache.served.version_id != current[0]:
            _limit_threads()
            _cache.served = Served(current[0], current[1], _load(current[2], current[3]))
        return _cache.served


def forget() -> None:
    """Drop what this process cached (after a new version is activated here, and in tests)."""
    _cache.served, _cache.active, _cache.checked_at = None, None, 0.0


def _limit_threads() -> None:
    # One BLAS/OpenMP thread per process: a suggestion is a single row, and on a shared box
    # spinning worker threads only slow every process down (see learn.train_sla_risk).
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
