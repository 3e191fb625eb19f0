"""Making the converted versions: WebP and thumbnails with Pillow, H.264 MP4 with ffmpeg.

Pure file-to-file functions; ``hdms.files.services`` decides when to call them and records the
results. Inputs are untrusted even after a clean scan, so every decoder runs in a short-lived
child process under limits (issue 10, docs/decisions.md "Bombs"): address space
(``RLIMIT_AS``), CPU seconds, output file size and a wall-clock timeout. A bomb costs that child,
never the worker. Images are size-checked from their header before decoding (``imaging.py``);
ffmpeg and ffprobe are told which demuxer to use (a file that is really a playlist or a concat
script can never make them open other files or URLs) and how much to read while probing.
"""

import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from hdms.files import imaging
from hdms.files.models import FileKind

# The demuxer each accepted video type is opened with (never probed).
# Keyed by FileKind members, looked up with the stored kind (a plain str equal to its member).
_DEMUXER: dict[str, str] = {FileKind.MP4: "mov", FileKind.MOV: "mov", FileKind.MKV: "matroska", FileKind.AVI: "avi"}
_IMAGING_SCRIPT = str(Path(imaging.__file__).resolve())


class ConversionFailed(Exception):
    pass


class ToolMissing(ConversionFailed):
    """ffmpeg, ffprobe or Python could not be started at all: the file is not at fault."""


@dataclass(frozen=True)
class Made:
    path: Path
    width: int
    height: int


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    seconds: float


def _limits(*, memory_bytes: int, cpu_seconds: int, output_bytes: int) -> Callable[[], None]:
    """What the child sets on itself between fork and exec. It only calls setrlimit (no import,
    no lock another thread could hold), which keeps ``preexec_fn`` safe in a threaded server."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_limited(argv: list[str], *, what: str, timeout: float, cpu_seconds: int) -> subprocess.CompletedProcess:
    """Run a decoder under the conversion limits; ``ConversionFailed`` if it cannot finish."""
    try:
        return subprocess.run(  # noqa: S603 - fixed programs, arguments built here, no shell
            argv, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL,
            preexec_fn=_limits(memory_bytes=settings.FILES_CONVERT_MAX_MEMORY_BYTES,
                               cpu_seconds=cpu_seconds, output_bytes=settings.FILES_CONVERT_MAX_OUTPUT_BYTES),
        )
    except subprocess.TimeoutExpired as exc:
        raise ConversionFailed(f"{what} took longer than {timeout:.0f} s and was stopped") from exc
    except OSError as exc:
        raise ToolMissing(f"{what} could not run: {exc}") from exc


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return (lines[-1] if lines else "no message")[:200]


def _imaging(job: dict) -> tuple[int, int]:
    result = run_limited([sys.executable, "-I", _IMAGING_SCRIPT, json.dumps(job)], what="the image converter",
                         timeout=settings.FILES_IMAGE_CONVERT_TIMEOUT, cpu_seconds=settings.FILES_IMAGE_CONVERT_TIMEOUT)
    if result.returncode != 0:
        reason = _last_line(result.stderr) if result.returncode > 0 else f"stopped by signal {-result.returncode}"
        if result.returncode > 0 and b"MemoryError" in result.stderr:
            reason = "the image needs more memory to convert than a conversion may use"
        raise ConversionFailed(f"the image could not be converted: {reason}")
    made = json.loads(result.stdout)
    return int(made["width"]), int(made["height"])


def make_webp(*, source: Path, target: Path) -> Made:
    """A WebP of the whole image (animated GIFs stay animated), orientation from EXIF applied."""
    width, height = _imaging({"op": "webp", "source": str(source), "target": str(target),
                              "max_pixels": settings.FILES_MAX_IMAGE_PIXELS, "quality": settings.FILES_WEBP_QUALITY})
    return Made(target, width, height)


def make_thumbnail(*, source: Path, target: Path) -> Made:
    """A small WebP (first frame of an animation) fitting FILES_THUMBNAIL_SIZE."""
    width, height = _imaging({"op": "thumbnail", "source": str(source), "target": str(target),
                              "max_pixels": settings.FILES_MAX_IMAGE_PIXELS,
                              "size": list(settings.FILES_THUMBNAIL_SIZE)})
    return Made(target, width, height)


def _probe_args(source: Path, kind: str) -> list[str]:
    """How any ffmpeg program opens an upload: local file only, our demuxer, bounded probing."""
    return ["-protocol_whitelist", "file", "-probesize", str(settings.FILES_FFPROBE_PROBESIZE),
            "-analyzeduration", str(settings.FILES_FFPROBE_ANALYZEDURATION_US),
            "-f", _DEMUXER[kind], "-i", str(source)]


def probe_video(*, source: Path, kind: str) -> VideoInfo:
    """Width, height and duration of the first video stream, read by ffprobe under the limits;
    ``ConversionFailed`` if ffprobe cannot tell."""
    result = run_limited(
        [settings.FILES_FFPROBE, "-hide_banner", "-loglevel", "error", *_probe_args(source, kind)[:-2],
         "-select_streams", "v:0", "-show_entries", "stream=width,height,duration:format=duration",
         "-of", "json", str(source)],
        what="ffprobe", timeout=settings.FILES_FFPROBE_TIMEOUT, cpu_seconds=max(1, int(settings.FILES_FFPROBE_TIMEOUT)),
    )
    if result.returncode != 0:
        raise ConversionFailed(f"ffprobe could not read the video: {_last_line(result.stderr)}")
    try:
        found = json.loads(result.stdout or b"{}")
        stream = (found.get("streams") or [{}])[0]
        width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
        duration = stream.get("duration") or (found.get("format") or {}).get("duration") or 0
        seconds = float(duration) if duration != "N/A" else 0.0
    except (ValueError, TypeError, AttributeError) as exc:
        raise ConversionFailed("ffprobe gave an answer that could not be read") from exc
    if width <= 0 or height <= 0:
        raise ConversionFailed("the file has no video picture ffprobe could read")
    return VideoInfo(width=width, height=height, seconds=seconds)


def check_video(info: VideoInfo) -> str | None:
    """Why a probed video is too large to handle (a sentence), or ``None`` when it is fine."""
    side, pixels = settings.FILES_VIDEO_MAX_SIDE, settings.FILES_VIDEO_MAX_PIXELS
    if max(info.width, info.height) > side or info.width * info.height > pixels:
        return (f"The video is {info.width:,} x {info.height:,} pixels; at most {side:,} pixels a side "
                f"and {pixels:,} pixels a frame are accepted.")
    if info.seconds > settings.FILES_VIDEO_MAX_SECONDS:
        return (f"The video lasts {info.seconds / 3600:.1f} hours; at most "
                f"{settings.FILES_VIDEO_MAX_SECONDS / 3600:.1f} hours are accepted.")
    return None


def _ffmpeg(args: list[str]) -> None:
    command = [settings.FILES_FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args]
    result = run_limited(command, what="ffmpeg", timeout=settings.FILES_FFMPEG_TIMEOUT,
                         cpu_seconds=int(settings.FILES_FFMPEG_TIMEOUT) * 2)
    if result.returncode != 0:
        raise ConversionFailed(f"ffmpeg failed ({result.returncode}): {_last_line(result.stderr)}")


def _checked(source: Path, kind: str) -> VideoInfo:
    info = probe_video(source=source, kind=kind)
    reason = check_video(info)
    if reason:
        raise ConversionFailed(reason)
    return info


def transcode_mp4(*, source: Path, target: Path, kind: str) -> None:
    """H.264 + AAC in MP4 with the index at the front, so browsers can play it while it loads."""
    _checked(source, kind)
    _ffmpeg([
        *_probe_args(source, kind),
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
    _checked(source, kind)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        frame = Path(work) / "frame.png"
        _ffmpeg([*_probe_args(source, kind), "-frames:v", "1", "-f", "image2", "-c:v", "png", str(frame)])
        if not frame.exists():
            raise ConversionFailed("the video has no frame to show")
        return make_thumbnail(source=frame, target=target)
