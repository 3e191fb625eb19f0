"""Looking inside zip archives (DOCX, XLSX) without letting one inflate: zip bombs (issue 10).

``open_zip(source, limits)`` checks, before a single byte is inflated:

1. the end-of-central-directory record: how many entries the archive claims and how large its
   central directory is;
2. the central directory itself, walked record by record, so an archive that claims one entry and
   carries a million is refused before ``zipfile`` builds a million ``ZipInfo`` objects;
3. every entry's declared sizes: each at most ``max_entry_bytes``, the sum at most
   ``max_total_bytes``, no entry over 1 MiB inflating more than ``max_ratio`` times its compressed
   size; only stored or deflated entries (bzip2 and lzma are inflated by ``zipfile`` in one call,
   unbounded), none encrypted.

Parts are then read in 64 KiB chunks, never whole: ``zipfile`` stops each one at its declared
size and checks its CRC, so an entry that lies about its size is cut off and refused as damaged.
A refusal raises ``ArchiveRefused`` with a sentence a person can read.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_CHUNK = 64 * 1024
# Entries this small cannot hurt whatever their ratio (an XML part of a few repeated tags may
# shrink a hundred times).
_RATIO_FLOOR_BYTES = 1024 * 1024
# One central directory record: a fixed 46-byte head, then name, extra field and comment.
_CD_RECORD = struct.Struct("<4s4B4HL2L5H2L")
_CD_SIGNATURE = b"PK\x01\x02"
# The central directory is read into memory (by us and by zipfile); a real record of an OOXML
# part is under 150 bytes, so this allows 1 KiB per permitted entry on average.
_CD_BYTES_PER_ENTRY = 1024
_ALLOWED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_entry_bytes: int
    max_total_bytes: int
    max_ratio: int


class ArchiveRefused(Exception):
    """The archive is a zip bomb, damaged or uses what we do not unpack; ``str()`` says which."""


class NotAZip(ArchiveRefused):
    """No end-of-central-directory record: this is not a zip archive at all."""


def _size(value: int) -> str:
    if value >= 1024 * 1024 * 1024:
        return f"{value / (1024 ** 3):.1f} GB"
    if value >= 1024 * 1024:
        return f"{value / (1024 ** 2):.1f} MB"
    return f"{value / 1024:.0f} KB"


def _central_directory(fp: BinaryIO, limits: ZipLimits) -> None:
    """Refuse an archive whose central directory holds more entries than allowed (or is damaged)."""
    try:
        endrec = zipfile._EndRecData(fp)  # type: ignore[attr-defined]  # the stdlib's own EOCD reader
    except OSError as exc:
        raise NotAZip("The file is not a readable zip archive.") from exc
    if not endrec:
        raise NotAZip("The file is not a readable zip archive.")
    claimed = endrec[zipfile._ECD_ENTRIES_TOTAL]  # type: ignore[attr-defined]
    size_cd = endrec[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    offset_cd = endrec[zipfile._ECD_OFFSET]  # type: ignore[attr-defined]
    if claimed > limits.max_entries:
        raise ArchiveRefused(
            f"The archive holds {claimed:,} files; at most {limits.max_entries:,} are accepted."
        )
    if size_cd > max(limits.max_entries, 1) * _CD_BYTES_PER_ENTRY:
        raise ArchiveRefused(f"The archive's table of contents is too large ({_size(size_cd)}).")
    concat = endrec[zipfile._ECD_LOCATION] - size_cd - offset_cd  # type: ignore[attr-defined]
    if endrec[zipfile._ECD_SIGNATURE] == zipfile.stringEndArchive64:  # type: ignore[attr-defined]
        concat -= zipfile.sizeEndCentDir64 + zipfile.sizeEndCentDir64Locator  # type: ignore[attr-defined]
    start = offset_cd + concat
    if start < 0:
        raise ArchiveRefused("The file is a damaged zip archive.")
    fp.seek(start)
    data = fp.read(size_cd)
    if len(data) != size_cd:
        raise ArchiveRefused("The file is a damaged zip archive.")
    position, count = 0, 0
    while position + _CD_RECORD.size <= size_cd:
        record = _CD_RECORD.unpack_from(data, position)
        if record[0] != _CD_SIGNATURE:
            raise ArchiveRefused("The file is a damaged zip archive.")
        count += 1
        if count > limits.max_entries:
            raise ArchiveRefused(f"The archive holds more than {limits.max_entries:,} files; it is not accepted.")
        name_len, extra_len, comment_len = record[12], record[13], record[14]
        position += _CD_RECORD.size + name_len + extra_len + comment_len


def _check_entries(archive: zipfile.ZipFile, limits: ZipLimits) -> None:
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise ArchiveRefused("The archive is encrypted (password-protected); such files are not accepted.")
        if info.compress_type not in _ALLOWED_COMPRESSION:
            raise ArchiveRefused("The archive uses a compression method documents do not use; it is not accepted.")
        if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
            raise ArchiveRefused("The file is a damaged zip archive.")
        if info.file_size > _RATIO_FLOOR_BYTES and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ArchiveRefused(
                f"A part of the archive would unpack to {ratio:,} times its packed size "
                f"({_size(info.compress_size)} to {_size(info.file_size)}): this is a zip bomb, not a document."
            )
        if info.file_size > limits.max_entry_bytes:
            raise ArchiveRefused(
                f"A part of the archive would unpack to {_size(info.file_size)}; "
                f"at most {_size(limits.max_entry_bytes)} per part is accepted."
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(
                f"The archive would unpack to more than {_size(limits.max_total_bytes)}; it is not accepted."
            )


class SafeZip:
    """An archive that passed the checks above; parts are read in chunks, never inflated whole."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self.names = frozenset(archive.namelist())

    def iter_part(self, name: str, *, max_bytes: int) -> Iterator[bytes]:
        """The part's bytes in chunks; ``ArchiveRefused`` past ``max_bytes`` or if it is damaged."""
        info = self._archive.getinfo(name)
        if info.file_size > max_bytes:
            raise ArchiveRefused(f"The archive's part {name} is too large ({_size(info.file_size)}).")
        seen = 0
        try:
            with self._archive.open(info) as part:
                while chunk := part.read(_CHUNK):
                    seen += len(chunk)
                    if seen > max_bytes:
                        raise ArchiveRefused(f"The archive's part {name} is too large.")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise ArchiveRefused("The file is a damaged zip archive.") from exc

    def part_contains(self, name: str, needle: bytes, *, max_bytes: int) -> bool:
        """Whether the part holds ``needle`` (ASCII, case-insensitive), streamed with an overlap."""
        needle = needle.lower()
        tail = b""
        for chunk in self.iter_part(name, max_bytes=max_bytes):
            window = tail + chunk.lower()
            if needle in window:
                return True
            tail = window[-(len(needle) - 1):] if len(needle) > 1 else b""
        return False


@contextmanager
def open_zip(source: Path | bytes, limits: ZipLimits) -> Iterator[SafeZip]:
    """A checked archive (``ArchiveRefused`` if it is a bomb or damaged), closed on exit."""
    with (io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")) as fp:
        _central_directory(fp, limits)
        fp.seek(0)
        try:
            archive = zipfile.ZipFile(fp)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise ArchiveRefused("The file is a damaged zip archive.") from exc
        with archive:
            _check_entries(archive, limits)
            yield SafeZip(archive)
