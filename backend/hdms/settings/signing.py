"""JWT signing keys: several verify, exactly one signs (key rotation without signing anyone out).

Sources, first one set wins:

- ``HDMS_JWT_KEYS``: ``kid=secret`` pairs separated by commas, e.g. ``2026-12=...,2026-06=...``;
- ``HDMS_JWT_KEYS_FILE``: a file with one ``kid=secret`` per line (``#`` starts a comment), e.g.
  ``HDMS_DATA_DIR/jwt-keys`` written by the deployment, or a container secret;
- otherwise one key, ``HDMS_JWT_KEY`` (or the secret key), under the kid ``default``.

The first key listed signs unless ``HDMS_JWT_SIGNING_KID`` names another. Every token carries
its key's ``kid`` in the header; a token without one, or with a kid not listed, is refused.
Rotation: put the new key first and keep the old one listed for at least the refresh-token
lifetime (``HDMS_REFRESH_DAYS``), then remove it (deploy/README.md, "Rotating the signing key").

No Django settings are read here: the settings modules call it with their raw values.
"""

import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

DEFAULT_KID = "default"
KID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")


def parse_jwt_keys(text: str, *, separator: str = ",") -> dict[str, str]:
    """``kid=secret`` pairs, in order. Refuses malformed pairs, bad kids and duplicates."""
    keys: dict[str, str] = {}
    for raw in text.split(separator):
        item = raw.split("#", 1)[0].strip() if separator == "\n" else raw.strip()
        if not item:
            continue
        kid, sep, secret = item.partition("=")
        kid, secret = kid.strip(), secret.strip()
        if not sep or not secret:
            raise ImproperlyConfigured(f"JWT key {kid[:64]!r} has no secret: write kid=secret.")
        if not KID_PATTERN.fullmatch(kid):
            raise ImproperlyConfigured(f"JWT key id {kid[:64]!r} must be 1-64 letters, digits, '.', '_' or '-'.")
        if kid in keys:
            raise ImproperlyConfigured(f"JWT key id {kid!r} is listed twice.")
        keys[kid] = secret
    return keys


def jwt_keys(*, keys_text: str, keys_file: str, single_key: str, signing_kid: str) -> tuple[dict[str, str], str]:
    """(every verification key by kid, the kid that signs) from the settings' raw values."""
    if keys_text.strip():
        keys = parse_jwt_keys(keys_text)
    elif keys_file:
        path = Path(keys_file)
        if not path.is_file():
            raise ImproperlyConfigured(f"HDMS_JWT_KEYS_FILE {keys_file} does not exist.")
        keys = parse_jwt_keys(path.read_text(), separator="\n")
    else:
        keys = {DEFAULT_KID: single_key}
    if not keys:
        raise ImproperlyConfigured("No JWT signing key is configured (HDMS_JWT_KEYS is empty).")
    kid = signing_kid or next(iter(keys))
    if kid not in keys:
        raise ImproperlyConfigured(f"HDMS_JWT_SIGNING_KID {kid!r} is not one of the listed keys.")
    return keys, kid
