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
from hdms.files import convert
from hdms.files.models import Attachment, AttachmentVariant, VariantStatus
from hdms.files.services import attachment_convert_image, attachment_transcode_video
from hdms.testing.factories_files import (
    AttachmentFactory,
    docx_bomb_bytes,
    docx_bytes,
    docx_with_many_entries,
    ffmpeg_video,
    gif_bomb_bytes,
    huge_video,
    png_bomb_bytes,
    png_bytes,
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


# ---------------------------------------------------------------- image decompression bombs

@pytest.mark.parametrize(("name", "make"), [("poster.png", png_bomb_bytes), ("banner.gif", gif_bomb_bytes)])
def test_an_image_declaring_144_million_pixels_is_refused(desk, upload, disk, name, make):
    bomb = make()
    assert len(bomb) < MB

    detail = _assert_refused(upload(desk.requestor, desk.ticket.id, name, bomb), disk)

    assert "12,000 x 12,000 pixels" in detail


@pytest.mark.parametrize(("name", "make"), [("poster.png", png_bomb_bytes), ("banner.gif", gif_bomb_bytes)])
def test_detecting_an_image_bomb_stays_within_100_mb(tmp_path, name, make):
    bomb, normal = tmp_path / name, tmp_path / "normal.png"
    bomb.write_bytes(make())
    normal.write_bytes(png_bytes())

    report = measure("detect", bomb, name, warmup=normal)

    assert report["outcome"] == "UnsupportedFileType", report
    assert report["growth_kib"] < HOSTILE_BAR_KIB, report


def test_converting_an_image_bomb_fails_cleanly_within_100_mb(tmp_path):
    """What a worker runs if a bomb got past the upload (limits changed since): the pixels are
    counted from the header, nothing is decoded, the worker process does not grow."""
    bomb, normal = tmp_path / "poster.png", tmp_path / "normal.png"
    bomb.write_bytes(png_bomb_bytes())
    normal.write_bytes(png_bytes())

    report = measure("webp", bomb, "poster.png", warmup=normal)

    assert report["outcome"] == "ConversionFailed", report
    assert "12000 x 12000 pixels" in report["detail"]
    assert report["growth_kib"] < HOSTILE_BAR_KIB, report


def test_an_image_bomb_in_storage_fails_its_conversion_and_the_uploader_is_told(db, published,
                                                                                django_capture_on_commit_callbacks):
    attachment = AttachmentFactory(content=png_bomb_bytes(), kind="png", content_type="image/png",
                                   original_name="poster.png")
    for kind in ("webp", "thumbnail"):
        AttachmentVariant.objects.create(attachment=attachment, kind=kind, content_type="image/webp")

    with django_capture_on_commit_callbacks(execute=True):
        attachment_convert_image(attachment_id=attachment.id)

    variants = {v.kind: v for v in AttachmentVariant.objects.filter(attachment=attachment)}
    assert {v.status for v in variants.values()} == {VariantStatus.FAILED}
    assert "pixels" in variants["webp"].error
    told = [p for kind, p in published if kind == "notification.requested"]
    assert len(told) == 1
    assert told[0]["user_ids"] == [str(attachment.uploader_id)]
    assert told[0]["kind"] == "attachment.conversion_failed"
    assert "poster.png" in told[0]["body"]


# ---------------------------------------------------------------- hostile videos

def test_a_video_declaring_12000_by_12000_pixels_is_refused(desk, upload, disk, tmp_path):
    video = huge_video(tmp_path)

    detail = _assert_refused(upload(desk.requestor, desk.ticket.id, "clip.mkv", video.read_bytes()), disk)

    assert "12,000 x 12,000 pixels" in detail


def test_a_video_ffprobe_cannot_finish_in_time_is_refused(desk, upload, disk, tmp_path, settings):
    settings.FILES_FFPROBE_TIMEOUT = 0.001
    video = ffmpeg_video(tmp_path, name="clip.mp4")

    detail = _assert_refused(upload(desk.requestor, desk.ticket.id, "clip.mp4", video.read_bytes()), disk)

    assert "took longer than" in detail


def test_a_video_longer_than_the_limit_is_refused(desk, upload, disk, tmp_path, settings):
    settings.FILES_VIDEO_MAX_SECONDS = 1
    video = ffmpeg_video(tmp_path, name="clip.avi", seconds=2.0)

    detail = _assert_refused(upload(desk.requestor, desk.ticket.id, "clip.avi", video.read_bytes()), disk)

    assert "hours are accepted" in detail


def test_probing_a_hostile_video_stays_within_100_mb(tmp_path):
    bomb, normal = huge_video(tmp_path), ffmpeg_video(tmp_path, name="normal.mkv")

    report = measure("detect", bomb, "clip.mkv", warmup=normal)

    assert report["outcome"] == "UnsupportedFileType", report
    assert report["growth_kib"] < HOSTILE_BAR_KIB, report


def test_a_hostile_video_in_storage_fails_its_conversion_and_the_uploader_is_told(
        db, published, tmp_path, django_capture_on_commit_callbacks):
    attachment = AttachmentFactory(content=huge_video(tmp_path).read_bytes(), kind="mkv",
                                   content_type="video/x-matroska", original_name="clip.mkv")
    AttachmentVariant.objects.create(attachment=attachment, kind="mp4", content_type="video/mp4")
    AttachmentVariant.objects.create(attachment=attachment, kind="thumbnail", content_type="image/webp")

    with django_capture_on_commit_callbacks(execute=True):
        attachment_transcode_video(attachment_id=attachment.id)

    variants = {v.kind: v for v in AttachmentVariant.objects.filter(attachment=attachment)}
    assert {v.status for v in variants.values()} == {VariantStatus.FAILED}
    assert "12,000 x 12,000 pixels" in variants["mp4"].error
    told = [p for kind, p in published if kind == "notification.requested"]
    assert [p["kind"] for p in told] == ["attachment.conversion_failed"]
    assert "clip.mkv" in told[0]["body"]


def test_a_decoder_over_its_memory_limit_fails_the_conversion_not_the_worker(tmp_path, settings):
    """RLIMIT_AS on the child: a legitimate but large image with a small allowance fails cleanly."""
    settings.FILES_CONVERT_MAX_MEMORY_BYTES = 200 * MB
    big = tmp_path / "big.png"
    big.write_bytes(png_bomb_bytes(8_000, 8_000))  # 64 million pixels, 192 MB decoded: under the pixel limit

    with pytest.raises(convert.ConversionFailed, match="needs more memory to convert than a conversion may use"):
        convert.make_webp(source=big, target=tmp_path / "big.webp")
