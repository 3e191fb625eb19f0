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
