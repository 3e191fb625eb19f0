"""Making the converted versions: WebP and thumbnails with Pillow, H.264 MP4 with ffmpeg.

Pure file-to-file functions; ``hdms.files.services`` decides when to call them and records the
results. Inputs are untrusted even after a clean scan, so images are size-capped before
decoding and ffmpeg is told which demuxer to use (a file that is really a playlist or a concat
script can never make it open other files or URLs).
"""

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps

from hdms.files.models import FileKind

# The demuxer each accepted video type is opened with (never probed).
_DEMUXER = {FileKind.MP4: "mov", FileKind.MOV: "mov", FileKind.MKV: "matroska", FileKind.AVI: "avi"}


class ConversionFailed(Exception):
    pass


@dataclass(frozen=True)
class Made:
    path: Path
    width: int
    height: int


def _open_image(source: Path) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = settings.FILES_MAX_IMAGE_PIXELS
    try:
        image = Image.open(source)
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ConversionFailed(f"the image could not be read: {exc}") from exc
    return image


def _is_animated(image: Image.Image) -> bool:
    return bool(getattr(image, "is_animated", False)) and getattr(image, "n_frames", 1) > 1


def make_webp(*, source: Path, target: Path) -> Made:
    """A WebP of the whole image (animated GIFs stay animated), orientation from EXIF applied."""
    with _open_image(source) as image:
        if _is_animated(image):
            image.save(target, "WEBP", save_all=True, quality=settings.FILES_WEBP_QUALITY, method=4)
            return Made(target, image.width, image.height)
        upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("RGB", "RGBA"):
            has_alpha = "transparency" in upright.info or upright.mode in ("LA", "P")
            upright = upright.convert("RGBA" if has_alpha else "RGB")
        upright.save(target, "WEBP", quality=settings.FILES_WEBP_QUALITY, method=4)
        return Made(target, upright.width, upright.height)


def make_thumbnail(*, source: Path, target: Path) -> Made:
    """A small WebP (first frame of an animation) fitting FILES_THUMBNAIL_SIZE."""
    with _open_image(source) as image:
        image.seek(0)
        frame = ImageOps.exif_transpose(image.copy())
        frame = frame.convert("RGBA" if frame.mode in ("RGBA", "LA", "P") else "RGB")
        frame.thumbnail(settings.FILES_THUMBNAIL_SIZE)
        frame.save(target, "WEBP", quality=75, method=4)
        return Made(target, frame.width, frame.height)


def _ffmpeg(args: list[str]) -> None:
    command = [settings.FILES_FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    try:
        result = subprocess.run(  # noqa: S603 - fixed program, arguments built here, no shell
            command, capture_output=True, timeout=settings.FILES_FFMPEG_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConversionFailed(f"ffmpeg could not run: {exc}") from exc
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise ConversionFailed(f"ffmpeg failed ({result.returncode}): {message[0][:200]}")


def _input_args(source: Path, kind: str) -> list[str]:
    return ["-protocol_whitelist", "file", "-f", _DEMUXER[kind], "-i", str(source)]


def transcode_mp4(*, source: Path, target: Path, kind: str) -> None:
    """H.264 + AAC in MP4 with the index at the front, so browsers can play it while it loads."""
    _ffmpeg([
        *_input_args(source, kind),
        "-map", "0:v:0", "-map", "0:a:0?",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",
        "-c:a", "aac", "-b:a", "128k",
        "-movflags", "+faststart", "-threads", "2",
        "-f", "mp4", str(target),
    ])
    if not target.exists() or target.stat().st_size == 0:
        raise ConversionFailed("ffmpeg produced no output")


def video_thumbnail(*, source: Path, target: Path, kind: str) -> Made:
    """A WebP thumbnail of the video's first frame."""
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        frame = Path(work) / "frame.png"
        _ffmpeg([*_input_args(source, kind), "-frames:v", "1", "-f", "image2", "-c:v", "png", str(frame)])
        if not frame.exists():
            raise ConversionFailed("the video has no frame to show")
        return make_thumbnail(source=frame, target=target)
