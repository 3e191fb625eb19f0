"""Hostile uploads (issue 10, DESIGN §7 "Hostile input"): zip bombs, image decompression bombs
and videos built to hurt ffmpeg are refused through the real upload API with 415, leave nothing
behind, and the check itself stays within 100 MB of the process's idle size (measured in a fresh
process by ``rss_probe``)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hdms.audit.models import AuditEntry
from hdms.files.models import Attachment
from hdms.testing.factories_files import (
    docx_bomb_bytes,
    docx_bytes,
    docx_with_many_entries,
    xlsx_bomb_bytes,
)

pytestmark = pytest.mark.django_db

BACKEND = Path(__file__).resolve().parents[3]
MB = 1024 * 1024
HOSTILE_BAR_KIB = 100 * 1024  # DESIGN §7: no upload takes a process 100 MB past its idle size


def _assert_refused(response, disk, *, status=415, code="unsupported_file_type"):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert disk.quarantined() == []
    assert disk.stored() == []
    assert not Attachment.all_objects.exists()
    assert AuditEntry.objects.get(action="attachment.refused").after["code"] == code
    return body["detail"]


def measure(check: str, path: Path, name: str, warmup: Path | None = None) -> dict:
    """Run ``check`` on ``path`` in a fresh process; its idle and peak memory and the outcome."""
    argv = [sys.executable, "-m", "hdms.files.tests.rss_probe", check, str(path), name]
    if warmup is not None:
        argv.append(str(warmup))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hdms.settings.test"}
    done = subprocess.run(argv, cwd=BACKEND, env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    report["growth_kib"] = report["peak_kib"] - report["idle_kib"]
    return report


# ---------------------------------------------------------------- zip bombs (DOCX, XLSX)

@pytest.mark.parametrize("named_by_libmagic", [False, True], ids=["seen-as-zip", "seen-as-docx"])
def test_a_docx_whose_content_types_inflate_to_1_gib_is_refused(desk, upload, disk, named_by_libmagic):
    bomb = docx_bomb_bytes(named_by_libmagic=named_by_libmagic)
    assert len(bomb) < MB

    detail = _assert_refused(upload(desk.requestor, desk.ticket.id, "contract.docx", bomb), disk)

    assert "zip bomb" in detail
    assert "1.0 GB" in detail


def test_an_xlsx_whose_sheet_inflates_to_1_gib_is_refused(desk, upload, disk):
    bomb = xlsx_bomb_bytes()
    assert len(bomb) < 2 * MB

    detail = _assert_refused(upload(desk.requestor, desk.ticket.id, "budget.xlsx", bomb), disk)

    assert "zip bomb" in detail


def test_an_archive_with_too_many_entries_is_refused(desk, upload, disk, settings):
    settings.FILES_ARCHIVE_MAX_ENTRIES = 10_000

    detail = _assert_refused(upload(desk.requestor, desk.ticket.id, "letter.docx", docx_with_many_entries(20_000)),
                             disk)

    assert "at most 10,000" in detail


def test_an_archive_past_the_total_inflated_limit_is_refused(desk, upload, disk, settings):
    """Many parts each harmless on its own (ratio under the limit), too much together."""
    settings.FILES_ARCHIVE_MAX_TOTAL_BYTES = 2 * MB
    settings.FILES_ARCHIVE_MAX_RATIO = 10_000

    detail = _assert_refused(upload(desk.requestor, desk.ticket.id, "letter.docx",
                                    docx_bomb_bytes(inflated=3 * MB)), disk)

    assert "more than 2.0 MB" in detail


def test_a_normal_docx_still_passes_the_archive_checks(desk, upload):
    response = upload(desk.requestor, desk.ticket.id, "letter.docx", docx_bytes())
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("named_by_libmagic", [False, True], ids=["seen-as-zip", "seen-as-docx"])
def test_detecting_a_docx_bomb_stays_within_100_mb(tmp_path, named_by_libmagic):
    bomb, normal = tmp_path / "bomb.docx", tmp_path / "normal.docx"
    bomb.write_bytes(docx_bomb_bytes(named_by_libmagic=named_by_libmagic))
    normal.write_bytes(docx_bytes())

    report = measure("detect", bomb, "contract.docx", warmup=normal)

    assert report["outcome"] == "UnsupportedFileType", report
    assert report["growth_kib"] < HOSTILE_BAR_KIB, report


def test_detecting_an_xlsx_bomb_stays_within_100_mb(tmp_path):
    from hdms.testing.factories_files import xlsx_bytes

    bomb, normal = tmp_path / "bomb.xlsx", tmp_path / "normal.xlsx"
    bomb.write_bytes(xlsx_bomb_bytes())
    normal.write_bytes(xlsx_bytes())

    report = measure("detect", bomb, "budget.xlsx", warmup=normal)

    assert report["outcome"] == "UnsupportedFileType", report
    assert report["growth_kib"] < HOSTILE_BAR_KIB, report
