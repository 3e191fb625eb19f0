"""The desk's signing keys: never one published in the repository (DESIGN §7, "Hostile input").

``HDMS_SECRET_KEY`` (Django's signing key) and ``HDMS_JWT_KEY`` (the tokens' key, by default the
secret key) are refused in every mode when they are known: a value that appears anywhere in this
repository (examples, old defaults, docs, tests, benchmarks), shorter than 32 characters, or made
of too few distinct characters to be random. With no ``HDMS_SECRET_KEY`` at all, a desk makes a
random key on first start and keeps it in ``HDMS_DATA_DIR/secret_key`` (mode 0600), so its tokens
survive restarts and no two desks share a key. ``core/tests/test_published_keys.py`` scans the
repository for key values and fails if one is not refused here.
"""

import contextlib
import hashlib
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

MIN_KEY_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 10
KEY_FILE_NAME = "secret_key"

# SHA-256 of every key value ever published in the repository (kept as digests so that this list
# does not publish them once more): the old built-in default, the example and test values.
PUBLISHED_KEY_SHA256 = frozenset({
    "05aa8f2802551326dec5f3451ddb140fabafb2ff8456f02a9a8a68796fde192f",  # the old built-in default
    "bd913ff68243d41b9611b2690dfbf2b0f6e42ea14536a98232af60e9f64ffdaa",  # "x" * 40 (tests)
    "23b3634e2751a892cddd80e42c0027949226cffdb231c42cba9361fce2a3021e",  # "x" * 48 (benchmarks)
    "dc4c5d17d972b66638dd360cf701ca3d0d7ef3b06c5156cd4de5da931555d567",  # "k" * 40 (tests)
})


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def key_problem(key: str) -> str | None:
    """Why ``key`` must not sign anything, or None for a usable key."""
    if _sha256(key) in PUBLISHED_KEY_SHA256:
        return "is published in the HDMS repository, so anyone can forge tokens with it"
    if len(key) < MIN_KEY_LENGTH:
        return f"is shorter than {MIN_KEY_LENGTH} characters"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return "is not random (too few distinct characters)"
    return None


def checked_key(name: str, key: str) -> str:
    problem = key_problem(key)
    if problem:
        raise ImproperlyConfigured(
            f"{name} {problem}. Unset it to let the desk generate its own key under HDMS_DATA_DIR, or set a "
            "random value: python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return key


def desk_secret_key(configured: str, data_dir: Path) -> tuple[str, str]:
    """(key, source): the configured key if usable, else this desk's own generated key."""
    if configured:
        return checked_key("HDMS_SECRET_KEY", configured), "environment"
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        _create_key_file(path)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return checked_key(f"The key in {path}", path.read_text().strip()), "file"


def _create_key_file(path: Path) -> None:
    """Write a new random key with mode 0600; several processes starting at once agree on one."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        with contextlib.suppress(FileExistsError):  # another process got there first: use its key
            os.link(temporary, path)  # atomic
    finally:
        temporary.unlink(missing_ok=True)
