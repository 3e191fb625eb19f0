"""What each settings mode installs: the debug toolbar exists in development only."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parents[3]
PROBE = ("import django, json; django.setup(); from django.conf import settings; "
         "print(json.dumps({'apps': settings.INSTALLED_APPS, 'middleware': settings.MIDDLEWARE, "
         "'debug': settings.DEBUG}))")


def _settings(module: str, tmp_path: Path, **env: str) -> dict:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("HDMS_DEBUG", "DJANGO_"))}
    full.update({"DJANGO_SETTINGS_MODULE": module, "HDMS_DATA_DIR": str(tmp_path),
                 "HDMS_SECRET_KEY": secrets.token_urlsafe(48), "HDMS_CLAMD_URL": "tcp://127.0.0.1:3310",
                 "HDMS_EMBEDDED_SCHEDULER": "false", **env})
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=BACKEND_DIR, env=full, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _has_toolbar(loaded: dict) -> bool:
    return "debug_toolbar" in loaded["apps"] or any("debug_toolbar" in m for m in loaded["middleware"])


def test_production_settings_never_include_the_debug_toolbar(tmp_path):
    for env in ({}, {"HDMS_DEBUG": "true", "HDMS_DEBUG_TOOLBAR": "true"}):
        loaded = _settings("hdms.settings.production", tmp_path, **env)
        assert loaded["debug"] is False
        assert not _has_toolbar(loaded), env
    assert not _has_toolbar(_settings("hdms.settings.test", tmp_path, HDMS_DEBUG="true"))


def test_development_settings_include_it_with_debug_on_only(tmp_path):
    assert _has_toolbar(_settings("hdms.settings.embedded", tmp_path, HDMS_DEBUG="true"))
    assert not _has_toolbar(_settings("hdms.settings.embedded", tmp_path, HDMS_DEBUG="false"))
    assert not _has_toolbar(_settings("hdms.settings.embedded", tmp_path, HDMS_DEBUG="true",
                                      HDMS_DEBUG_TOOLBAR="false"))


def test_the_toolbar_is_a_development_requirement_only():
    production = (BACKEND_DIR / "requirements.txt").read_text().lower()
    development = (BACKEND_DIR / "requirements-dev.txt").read_text().lower()
    assert "django-debug-toolbar" not in production
    assert "django-debug-toolbar" in development
