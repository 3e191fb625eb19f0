"""Factories and sample files for the file service's tests."""

import hashlib
import io
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from hdms.files.models import Attachment, AttachmentStatus
from hdms.files.storage import attachment_storage, quarantine_path, storage_key
from hdms.testing.factories import UserFactory


def pdf_bytes(padding: int = 0, text: str = "Hello HDMS") -> bytes:
    """A small valid PDF; ``padding`` bytes of comment lines make it as large as a test needs."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    if padding:
        line = b"%" + b"0" * 78 + b"\n"
        out.write(line * (padding // len(line)) + b"%" * (padding % len(line)))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (640, 480), color: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def gif_bytes(frames: int = 3) -> bytes:
    images = [Image.new("RGB", (64, 48), (i * 60 % 256, 255 - i * 50 % 256, 90)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 50, 50)).save(out, "JPEG", quality=80)
    return out.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows PE executable (MZ header, PE signature), as libmagic sees one."""
    header = bytearray(512)
    header[0:2] = b"MZ"
    header[0x3C:0x40] = (0x80).to_bytes(4, "little")
    header[0x80:0x84] = b"PE\0\0"
    header[0x84:0x86] = (0x14C).to_bytes(2, "little")  # i386
    header[0x94:0x96] = (0xE0).to_bytes(2, "little")  # size of optional header
    header[0x96:0x98] = (0x0102).to_bytes(2, "little")  # executable image
    header[0x98:0x9A] = (0x10B).to_bytes(2, "little")  # PE32
    return bytes(header) + b"\0" * 4096


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'))
        archive.writestr("word/document.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>'))
    return out.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Budget"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def ffmpeg_video(folder: Path, *, name: str = "clip.avi", seconds: float = 1.0) -> Path:
    """A short real video (test pattern and a tone) made with ffmpeg's lavfi sources."""
    target = folder / name
    codec = ["-c:v", "mpeg4", "-c:a", "mp3"] if name.endswith(".avi") else ["-c:v", "libx264", "-c:a", "aac"]
    subprocess.run(  # noqa: S603 - test helper, fixed arguments
        [shutil.which("ffmpeg") or "/usr/bin/ffmpeg", "-nostdin", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=176x144:rate=10",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         *codec, "-shortest", str(target)],
        check=True, capture_output=True,
    )
    return target


class AttachmentFactory(factory.django.DjangoModelFactory):
    """An attachment row whose bytes really exist: in storage when released, in quarantine when
    pending (``status=...``). ``content`` sets the bytes (a small PDF by default)."""

    class Meta:
        model = Attachment

    content = factory.LazyFunction(pdf_bytes)
    ticket_id = factory.LazyFunction(uuid.uuid4)
    room_id = factory.LazyAttribute(lambda o: o.ticket_id)
    uploader = factory.SubFactory(UserFactory)
    original_name = "report.pdf"
    stored_name = factory.LazyFunction(lambda: uuid.uuid4().hex)
    size = factory.LazyAttribute(lambda o: len(o.content))
    kind = "pdf"
    content_type = "application/pdf"
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    status = AttachmentStatus.CLEAN
    scan_result = factory.LazyAttribute(lambda o: "stream: OK" if o.status == AttachmentStatus.CLEAN else "")
    scanned_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == AttachmentStatus.CLEAN else None)
    released_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in (AttachmentStatus.CLEAN, AttachmentStatus.UNSCANNED) else None
    )

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Attachment:
        data = kwargs.pop("content")
        attachment = super()._create(model_class, *args, **kwargs)
        if attachment.released_at:
            attachment_storage().save(storage_key(attachment.stored_name), ContentFile(data))
        elif attachment.status in (AttachmentStatus.PENDING, AttachmentStatus.SCANNING):
            quarantine_path(attachment.stored_name).write_bytes(data)
        return attachment


# ---------------------------------------------------------------- hostile files (issue 10)

GIB = 1024 * 1024 * 1024


def _bomb_entry(archive: zipfile.ZipFile, name: str, *, head: bytes, tail: bytes, inflated: int) -> None:
    """One deflated entry of ``inflated`` bytes, mostly spaces, written in 1 MiB pieces (the test
    never holds it whole); deflate packs it about 1,000 to 1."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    block = b" " * (1024 * 1024)
    with archive.open(info, "w") as part:
        part.write(head)
        left = inflated - len(head) - len(tail)
        while left > 0:
            piece = block if left >= len(block) else block[:left]
            part.write(piece)
            left -= len(piece)
        part.write(tail)


def _ooxml_with(parts: dict[str, bytes], *, bomb: str, inflated: int, first: str | None = None) -> bytes:
    """The parts of a real OOXML file, with ``bomb`` replaced by an entry inflating to ``inflated``;
    ``first`` is the entry to put first (libmagic names the format from it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(parts, key=lambda name: name != first):
            if name == bomb:
                head, _, tail = parts[name].rpartition(b"<")
                _bomb_entry(archive, name, head=head, tail=b"<" + tail, inflated=inflated)
            else:
                archive.writestr(name, parts[name])
    return out.getvalue()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


_BOMBS: dict[str, bytes] = {}


def docx_bomb_bytes(inflated: int = GIB, *, named_by_libmagic: bool = False) -> bytes:
    """A DOCX (under 1 MiB) whose ``[Content_Types].xml`` inflates to ``inflated`` bytes (1 GiB).
    With that part first libmagic names it a DOCX; otherwise (the default, the case issue 10
    reported) libmagic sees a plain zip and the desk looks inside to tell."""
    key = f"docx-{inflated}-{named_by_libmagic}"
    if key not in _BOMBS:
        first = "[Content_Types].xml" if named_by_libmagic else "_rels/.rels"
        _BOMBS[key] = _ooxml_with(_parts(docx_bytes()), bomb="[Content_Types].xml", inflated=inflated, first=first)
    return _BOMBS[key]


def xlsx_bomb_bytes(inflated: int = GIB) -> bytes:
    """A real openpyxl workbook whose first sheet inflates to ``inflated`` bytes (1 GiB)."""
    key = f"xlsx-{inflated}"
    if key not in _BOMBS:
        _BOMBS[key] = _ooxml_with(_parts(xlsx_bytes()), bomb="xl/worksheets/sheet1.xml", inflated=inflated)
    return _BOMBS[key]


def docx_with_many_entries(entries: int = 20_000) -> bytes:
    """A valid DOCX padded with ``entries`` empty parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _parts(docx_bytes()).items():
            archive.writestr(name, data)
        for number in range(entries):
            archive.writestr(f"word/media/e{number}.xml", b"")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb_bytes(width: int = 12_000, height: int = 12_000) -> bytes:
    """A real, decodable RGB PNG of ``width`` x ``height`` black pixels (432 MB once decoded at
    the default 12,000 x 12,000) in a file of about 400 KB: rows are streamed into the encoder."""
    import struct
    import zlib

    packer = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width * 3)  # filter byte "none", then black pixels
    rows_per_block = max(1, (4 * 1024 * 1024) // len(row))
    idat = []
    for start in range(0, height, rows_per_block):
        idat.append(packer.compress(row * min(rows_per_block, height - start)))
    idat.append(packer.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", b"".join(idat))
            + _png_chunk(b"IEND", b""))


def gif_bomb_bytes(width: int = 12_000, height: int = 12_000) -> bytes:
    """A GIF whose logical screen is ``width`` x ``height`` (144 million pixels by default) holding
    one 1 x 1 frame: 35 bytes that a decoder would blow up to the whole screen."""
    import struct

    return (b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0)  # global colour table, 2 colours
            + b"\x00\x00\x00\xff\xff\xff"
            + b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0)  # one 1 x 1 image at the origin
            + b"\x02\x02\x44\x01\x00"  # LZW minimum code size 2; clear, index 0, end
            + b"\x3b")


def huge_video(folder: Path, *, side: int = 12_000, name: str = "huge.mkv") -> Path:
    """A Matroska file of one small raw frame whose header claims ``side`` x ``side`` pixels
    (12,000 squared: a 216 MB frame for any decoder that believes it). ffmpeg writes 256 x 256,
    then the PixelWidth (0xB0) and PixelHeight (0xBA) elements are patched in place."""
    made = folder / f"small-{name}"
    subprocess.run(  # noqa: S603 - test helper, fixed arguments
        [shutil.which("ffmpeg") or "/usr/bin/ffmpeg", "-nostdin", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", "color=c=black:size=256x256:rate=10:duration=0.1",
         "-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-f", "matroska", str(made)],
        check=True, capture_output=True,
    )
    data = made.read_bytes()
    claimed = side.to_bytes(2, "big")
    for element in (b"\xb0", b"\xba"):
        original = element + b"\x82\x01\x00"
        assert data.count(original) == 1, f"element {element!r} not found once"
        data = data.replace(original, element + b"\x82" + claimed)
    target = folder / name
    target.write_bytes(data)
    made.unlink()
    return target
