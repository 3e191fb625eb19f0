"""After a clean scan: images become WebP (+ thumbnail), videos H.264 MP4 (+ thumbnail)."""

import io
import json
import shutil
import subprocess

import pytest
from PIL import Image

from hdms.files.models import Attachment, AttachmentVariant, VariantStatus
from hdms.testing.factories_files import ffmpeg_video, gif_bytes, png_bytes

pytestmark = pytest.mark.django_db


def _variants(attachment_id):
    return {v.kind: v for v in AttachmentVariant.objects.filter(attachment_id=attachment_id)}


def test_a_png_comes_out_as_webp_with_a_thumbnail_and_the_original_kept(desk, upload, api, published):
    original = png_bytes((1200, 800))
    response = upload(desk.requestor, desk.ticket.id, "whiteboard.png", original)
    attachment_id = response.json()["id"]

    variants = _variants(attachment_id)
    assert variants["webp"].status == VariantStatus.READY
    assert variants["thumbnail"].status == VariantStatus.READY
    client = api(desk.assignee)
    webp = client.get(f"attachments/{attachment_id}/download", {"variant": "webp"})
    assert webp.status_code == 200
    assert webp["Content-Type"] == "image/webp"
    assert "whiteboard.webp" in webp["Content-Disposition"]
    image = Image.open(io.BytesIO(b"".join(webp.streaming_content)))
    assert (image.format, image.size) == ("WEBP", (1200, 800))
    thumb = Image.open(io.BytesIO(b"".join(
        client.get(f"attachments/{attachment_id}/download", {"variant": "thumbnail"}).streaming_content)))
    assert thumb.format == "WEBP" and max(thumb.size) <= 320
    kept = client.get(f"attachments/{attachment_id}/download")
    assert b"".join(kept.streaming_content) == original
    assert kept["Content-Type"] == "image/png"

    detail = client.get(f"attachments/{attachment_id}").json()
    assert {v["kind"]: v["status"] for v in detail["variants"]} == {"thumbnail": "ready", "webp": "ready"}
    # attachment.ready went out on release and again with the finished versions
    ready = [p["attachment"] for kind, p in published if kind == "attachment.ready"]
    assert len(ready) == 2
    assert {v["status"] for v in ready[-1]["variants"]} == {"ready"}


def test_an_animated_gif_stays_animated_as_webp(desk, upload, api):
    response = upload(desk.requestor, desk.ticket.id, "loader.gif", gif_bytes(frames=4))
    webp = api(desk.requestor).get(f"attachments/{response.json()['id']}/download", {"variant": "webp"})
    image = Image.open(io.BytesIO(b"".join(webp.streaming_content)))
    assert image.format == "WEBP"
    assert image.n_frames == 4


def test_a_short_ffmpeg_made_video_comes_out_as_h264_mp4(desk, upload, api, tmp_path):
    video = ffmpeg_video(tmp_path, name="site-visit.avi", seconds=1.0)
    response = upload(desk.requestor, desk.ticket.id, "site-visit.avi", video.read_bytes())
    assert response.status_code == 201, response.content
    attachment_id = response.json()["id"]
    assert Attachment.objects.get(id=attachment_id).kind == "avi"

    variants = _variants(attachment_id)
    assert variants["mp4"].status == VariantStatus.READY, variants["mp4"].error
    assert variants["thumbnail"].status == VariantStatus.READY
    download = api(desk.requestor).get(f"attachments/{attachment_id}/download", {"variant": "mp4"})
    assert download.status_code == 200
    assert download["Content-Type"] == "video/mp4"
    assert "site-visit.mp4" in download["Content-Disposition"]
    out = tmp_path / "out.mp4"
    out.write_bytes(b"".join(download.streaming_content))
    probe = subprocess.run(
        [shutil.which("ffprobe"), "-v", "error", "-show_entries", "stream=codec_name,codec_type",
         "-of", "json", str(out)], capture_output=True, check=True,
    )
    codecs = {s["codec_type"]: s["codec_name"] for s in json.loads(probe.stdout)["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}


def test_a_video_range_request_gets_206(desk, upload, api, tmp_path):
    video = ffmpeg_video(tmp_path, name="clip.mp4", seconds=1.0).read_bytes()
    attachment_id = upload(desk.requestor, desk.ticket.id, "clip.mp4", video).json()["id"]
    client = api(desk.requestor)

    part = client.get(f"attachments/{attachment_id}/download", HTTP_RANGE="bytes=100-199")

    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(video)}"
    assert part["Content-Length"] == "100"
    assert part["Accept-Ranges"] == "bytes"
    assert b"".join(part.streaming_content) == video[100:200]
    tail = client.get(f"attachments/{attachment_id}/download", HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == video[-10:]
    outside = client.get(f"attachments/{attachment_id}/download", HTTP_RANGE=f"bytes={len(video)}-")
    assert outside.status_code == 416
    assert outside["Content-Range"] == f"bytes */{len(video)}"
