"""No published key works anywhere (DESIGN §7, issue 10 item 2), checked on real desks over a socket.

A desk started as ``make run`` starts it (``manage.py serve all --server uvicorn``), embedded and on
PostgreSQL, with a fresh HDMS_DATA_DIR and no HDMS_SECRET_KEY: a token signed with the key this
repository used to ship is refused, the desk's own key is a 0600 file kept across restarts, and a
published key is refused at start in every settings mode.
"""

import re
import stat
import subprocess
import sys
import time

import jwt
import pytest
from django.contrib.auth.hashers import make_password

from hdms.settings.keys import KEY_FILE_NAME, key_problem
from hdms.testing.desk import (
    BACKEND_DIR,
    DEMO_PASSWORD,
    database_url_of_tests,
    desk_env,
    running_desk,
    sign_in,
    user_id_in,
)
from hdms.testing.factories import UserFactory

REPO_DIR = BACKEND_DIR.parent
# The built-in default before issue 10, written as a setting so that the repository scan below sees it.
PUBLISHED = {"HDMS_SECRET_KEY": "hdms-insecure-default-key-change-me"}
OLD_DEFAULT_KEY = PUBLISHED["HDMS_SECRET_KEY"]


def forged_token(user_id: str, key: str = OLD_DEFAULT_KEY) -> str:
    now = int(time.time())
    return jwt.encode({"sub": user_id, "role": "admin", "type": "access", "iat": now, "exp": now + 600,
                       "jti": "forged"}, key, algorithm="HS256",
                      headers={"kid": "default"})  # the kid of a desk's single key (settings/signing.py)


def test_a_token_signed_with_the_example_secret_is_401_on_an_embedded_desk(embedded_data_dir, tmp_path):
    admin_id = user_id_in(embedded_data_dir, "admin1")
    with running_desk(desk_env(embedded_data_dir), log_path=tmp_path / "desk.log") as desk:
        forged = desk.request("GET", "/api/v1/auth/me", token=forged_token(admin_id))
        assert forged.status == 401
        assert forged.json()["code"] == "token_invalid"
        # The desk itself works: its own tokens are accepted.
        assert desk.request("GET", "/api/v1/auth/me", token=sign_in(desk, "admin1")).status == 200


@pytest.mark.django_db(transaction=True)
def test_a_token_signed_with_the_example_secret_is_401_on_a_postgresql_desk(tmp_path):
    admin = UserFactory(employee_code="pgadmin", role="admin")
    admin.password = make_password(DEMO_PASSWORD, hasher="argon2")  # the desk hashes with Argon2
    admin.save(update_fields=["password"])
    env = desk_env(tmp_path / "data", DATABASE_URL=database_url_of_tests())
    with running_desk(env, log_path=tmp_path / "desk.log") as desk:
        forged = desk.request("GET", "/api/v1/auth/me", token=forged_token(str(admin.id)))
        assert forged.status == 401
        assert forged.json()["code"] == "token_invalid"
        assert desk.request("GET", "/api/v1/auth/me", token=sign_in(desk, "pgadmin")).status == 200


def test_the_desk_key_is_a_0600_file_kept_across_restarts(embedded_data_dir, tmp_path):
    key_file = embedded_data_dir / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert key_problem(key.strip()) is None
    env = desk_env(embedded_data_dir)
    with running_desk(env, log_path=tmp_path / "first.log") as desk:
        token = sign_in(desk, "req1")
    with running_desk(env, log_path=tmp_path / "second.log") as desk:
        assert desk.request("GET", "/api/v1/auth/me", token=token).status == 200
    assert key_file.read_text() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_two_fresh_desks_never_share_a_key(tmp_path):
    keys = []
    for name in ("one", "two"):
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
             "print(settings.SECRET_KEY, settings.JWT_KEYS == {'default': settings.SECRET_KEY})"],
            cwd=BACKEND_DIR, env=desk_env(tmp_path / name), capture_output=True, text=True, timeout=60,
        )
        assert result.returncode == 0, result.stderr
        key, same = result.stdout.split()
        assert same == "True"
        assert (tmp_path / name / KEY_FILE_NAME).read_text().strip() == key
        keys.append(key)
    assert keys[0] != keys[1]


@pytest.mark.parametrize(("module", "variable", "key"), [
    *[(module, variable, OLD_DEFAULT_KEY) for module in ("embedded", "production", "test")
      for variable in ("HDMS_SECRET_KEY", "HDMS_JWT_KEY")],
    ("embedded", "HDMS_SECRET_KEY", "x" * 48),
    ("embedded", "HDMS_JWT_KEY", "short-key"),
])
def test_a_published_or_weak_key_is_refused_at_start_in_every_mode(tmp_path, module, variable, key):
    import secrets

    env = desk_env(tmp_path, DJANGO_SETTINGS_MODULE=f"hdms.settings.{module}", HDMS_CLAMD_URL="tcp://127.0.0.1:3310",
                   HDMS_SECRET_KEY=secrets.token_urlsafe(48))
    env[variable] = key
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=BACKEND_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_production_refuses_a_generated_key(tmp_path):
    env = desk_env(tmp_path, DJANGO_SETTINGS_MODULE="hdms.settings.production", HDMS_CLAMD_URL="tcp://127.0.0.1:3310")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=BACKEND_DIR, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "HDMS_SECRET_KEY must be set" in result.stderr


# Literal values given to a key setting anywhere in the repository: shell/env assignments,
# Python dicts and setdefault calls. Expansions ($VAR, $(...)) and code (secrets.token_...) are not literals.
_KEY_LITERALS = [
    re.compile(r"""\b(?:HDMS_SECRET_KEY|HDMS_JWT_KEY|SECRET_KEY|JWT_SIGNING_KEY)\s*[=:]\s*["']?([^\s"'#$(){},]+)"""),
    re.compile(r"""["'](?:HDMS_SECRET_KEY|HDMS_JWT_KEY)["']\s*[,:]\s*["']([^"']+)["']"""),
]
_SKIPPED_DIRECTORIES = {".git", "node_modules", ".next", "var", "__pycache__", ".venv", "screenshots"}
_SCANNED_SUFFIXES = {".py", ".md", ".sh", ".yml", ".yaml", ".toml", ".example", ".conf", ".template", ".ts",
                     ".tsx", ".json", ".env", ".txt", ".ini", ".cfg", ""}


def _repository_key_literals() -> set[str]:
    found = set()
    for path in REPO_DIR.rglob("*"):
        if any(part in _SKIPPED_DIRECTORIES for part in path.relative_to(REPO_DIR).parts) or not path.is_file():
            continue
        if path.suffix not in _SCANNED_SUFFIXES or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(errors="ignore")
        for pattern in _KEY_LITERALS:
            found.update(match.group(1) for match in pattern.finditer(text))
    return {value for value in found if not value.startswith(("secrets.", "os.", "env", "settings.", "..."))}


def test_every_key_value_in_the_repository_is_refused():
    literals = _repository_key_literals()
    assert OLD_DEFAULT_KEY in literals  # the scan sees this file's own literal, so it reads the repository
    usable = sorted(value for value in literals if key_problem(value) is None)
    assert usable == [], f"keys published in the repository that a desk would accept: {usable}"
    for value in (OLD_DEFAULT_KEY, "x" * 40, "x" * 48, "k" * 40, "change-me"):
        assert key_problem(value)
