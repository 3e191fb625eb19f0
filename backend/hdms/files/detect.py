"""What a file is, judged by its content (libmagic) and matched against its name (DESIGN §6).

A file is accepted only when libmagic's verdict is on the allow list AND the name's extension
belongs to that same type: a renamed executable (content not allowed) and a PNG-headed PHP file
(content PNG, name .php) are both refused. Images must also open as what they claim to be.
"""

import re
import unicodedata
import warnings
from pathlib import Path

import magic
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from hdms.core.archives import ArchiveRefused, NotAZip, ZipLimits, open_zip
from hdms.core.errors import ServiceUnavailable, UnsupportedFileType, ValidationFailed
from hdms.files.convert import ConversionFailed, ToolMissing, check_video, probe_video
from hdms.files.models import IMAGE_KINDS, VIDEO_KINDS, FileKind

# kind -> (content types libmagic reports for it, extensions allowed for it, the type we serve it as)
ALLOWED: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    FileKind.PDF: (frozenset({"application/pdf"}), frozenset({"pdf"}), "application/pdf"),
    FileKind.TXT: (frozenset({"text/plain"}), frozenset({"txt"}), "text/plain; charset=utf-8"),
    FileKind.DOCX: (
        frozenset({"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
        frozenset({"docx"}),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    FileKind.XLSX: (
        frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        frozenset({"xlsx"}),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    FileKind.JPG: (frozenset({"image/jpeg"}), frozenset({"jpg", "jpeg"}), "image/jpeg"),
    FileKind.PNG: (frozenset({"image/png"}), frozenset({"png"}), "image/png"),
    FileKind.GIF: (frozenset({"image/gif"}), frozenset({"gif"}), "image/gif"),
    FileKind.MP4: (frozenset({"video/mp4", "video/x-m4v"}), frozenset({"mp4", "m4v"}), "video/mp4"),
    FileKind.MOV: (frozenset({"video/quicktime"}), frozenset({"mov"}), "video/quicktime"),
    FileKind.MKV: (frozenset({"video/x-matroska"}), frozenset({"mkv"}), "video/x-matroska"),
    FileKind.AVI: (frozenset({"video/x-msvideo", "video/avi", "video/msvideo"}), frozenset({"avi"}), "video/x-msvideo"),
}
ALLOWED_EXTENSIONS = sorted(ext for _, exts, _ in ALLOWED.values() for ext in exts)
_OOXML_MAIN_PART = {FileKind.DOCX: "word/document.xml", FileKind.XLSX: "xl/workbook.xml"}
# A real [Content_Types].xml is a few KB; it is scanned in chunks, never held whole.
_CONTENT_TYPES_MAX_BYTES = 4 * 1024 * 1024
_PIL_FORMAT: dict[str, str] = {FileKind.JPG: "JPEG", FileKind.PNG: "PNG", FileKind.GIF: "GIF"}

# Pillow only warns between MAX_IMAGE_PIXELS and twice that; every path that opens an image here
# or in the converter compares the size with the limit itself and refuses, so the warning is noise.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

_MAX_NAME = 200
_UNSAFE_IN_NAME = re.compile(r'[<>:"|?*]')


def clean_original_name(raw: str) -> str:
    """The name to show and offer on download: no folders, no control or format characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in ("C", "Z") or ch == " ")
    name = _UNSAFE_IN_NAME.sub("_", name).strip(" .")
    if len(name) > _MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: _MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:_MAX_NAME]
    return name or "file"


def extension_of(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def _refuse(detail: str, detected: str) -> UnsupportedFileType:
    return UnsupportedFileType(
        f"{detail} Allowed: PDF, TXT, DOCX, XLSX, JPG, PNG, GIF, MP4, MOV, MKV, AVI.", detected_type=detected
    )


def _archive_limits() -> ZipLimits:
    return ZipLimits(
        max_entries=settings.FILES_ARCHIVE_MAX_ENTRIES,
        max_entry_bytes=settings.FILES_ARCHIVE_MAX_ENTRY_BYTES,
        max_total_bytes=settings.FILES_ARCHIVE_MAX_TOTAL_BYTES,
        max_ratio=settings.FILES_ARCHIVE_MAX_RATIO,
    )


def _ooxml_kind(path: Path, detected: str) -> str | None:
    """DOCX / XLSX (whether or not libmagic named it), checked as an archive first (zip bombs:
    ``hdms.core.archives``); macro-enabled documents are neither. ``None``: not an OOXML file."""
    try:
        with open_zip(path, _archive_limits()) as archive:
            if "[Content_Types].xml" not in archive.names:
                return None
            macros = archive.part_contains("[Content_Types].xml", b"macroenabled", max_bytes=_CONTENT_TYPES_MAX_BYTES)
            names = archive.names
    except NotAZip:
        return None
    except ArchiveRefused as exc:
        raise _refuse(f"{exc}", detected) from exc
    if macros or "word/vbaProject.bin" in names or "xl/vbaProject.bin" in names:
        return None
    for kind, part in _OOXML_MAIN_PART.items():
        if part in names:
            return kind
    return None


def detect_kind(*, path: Path, name: str) -> tuple[str, str]:
    """(kind, content type to serve) of an allowed file, or ``UnsupportedFileType``."""
    detected = magic.from_file(str(path), mime=True)
    if detected in ("application/x-empty", "inode/x-empty"):
        raise ValidationFailed("The file is empty.", errors=[{"loc": ["body", "file"], "msg": "empty file"}])
    kind = next((k for k, (mimes, _, _) in ALLOWED.items() if detected in mimes), None)
    if kind in _OOXML_MAIN_PART or (kind is None and detected in ("application/zip", "application/octet-stream")):
        ooxml = _ooxml_kind(path, detected)
        if ooxml is None and kind is not None:
            raise _refuse("This Office document carries macros or is damaged; save it as a plain DOCX or XLSX.",
                          detected)
        kind = ooxml
    if kind is None:
        raise _refuse(f"This file's content ({detected}) is not an allowed type.", detected)
    extension = extension_of(name)
    if extension not in ALLOWED[kind][1]:
        shown = f".{extension}" if extension else "no extension"
        raise _refuse(f"The file's name ({shown}) does not match its content ({kind.upper()}).", detected)
    if kind in IMAGE_KINDS:
        _check_image(path, kind, detected)
    elif kind in VIDEO_KINDS:
        _check_video(path, kind, detected)
    return kind, ALLOWED[kind][2]


def _check_image(path: Path, kind: str, detected: str) -> None:
    """The bytes after the header must be a real image too (a PNG header glued to a script is
    not), and its size, read from the header before any pixel is decoded, within the limit."""
    limit = settings.FILES_MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limit
    too_large = "The image is {w:,} x {h:,} pixels; at most {limit:,} pixels are accepted."
    try:
        with Image.open(path) as image:
            if image.format != _PIL_FORMAT[kind]:
                raise _refuse("The image's content does not match its type.", detected)
            width, height = image.size
            if width * height > limit:
                raise _refuse(too_large.format(w=width, h=height, limit=limit), detected)
            image.verify()
    except Image.DecompressionBombError as exc:
        raise _refuse(f"The image has more than {limit:,} pixels; it is not accepted.", detected) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse("The file claims to be an image but is not a valid one.", detected) from exc


def _check_video(path: Path, kind: str, detected: str) -> None:
    """ffprobe, bounded (``hdms.files.convert.probe_video``), must read a picture of a size and
    length the desk will transcode; anything else is refused now rather than failing later."""
    try:
        reason = check_video(probe_video(source=path, kind=kind))
    except ToolMissing as exc:
        raise ServiceUnavailable("Videos cannot be checked right now; try again later.") from exc
    except ConversionFailed as exc:
        raise _refuse(f"The file claims to be a video but it cannot be read safely ({exc}).", detected) from exc
    if reason:
        raise _refuse(reason, detected)
