"""hdms.core.archives: zip archives are checked before anything inflates (issue 10)."""

import io
import struct
import zipfile

import pytest

from hdms.core.archives import ArchiveRefused, NotAZip, ZipLimits, open_zip

LIMITS = ZipLimits(max_entries=100, max_entry_bytes=4 * 1024 * 1024, max_total_bytes=8 * 1024 * 1024, max_ratio=50)


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_an_archive_that_claims_one_entry_but_holds_thousands_is_refused_before_zipfile_lists_them():
    data = bytearray(_zip({f"e{n}": b"" for n in range(500)}))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8:end + 12] = struct.pack("<HH", 1, 1)  # entries on this disk, entries in total

    with pytest.raises(ArchiveRefused, match="more than 100 files"), open_zip(bytes(data), LIMITS):
        pass


def test_an_lzma_entry_is_refused_since_zipfile_inflates_it_in_one_call():
    lzma = _zip({"a.xml": b"<a/>"}, zipfile.ZIP_LZMA)
    with pytest.raises(ArchiveRefused, match="compression method"), open_zip(lzma, LIMITS):
        pass


def test_an_encrypted_entry_is_refused():
    data = bytearray(_zip({"a.xml": b"<a/>"}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1  # general purpose flag: encrypted
    with pytest.raises(ArchiveRefused, match="encrypted"), open_zip(bytes(data), LIMITS):
        pass


def test_a_highly_compressible_part_over_1_mib_is_a_bomb_but_a_small_one_is_not():
    with open_zip(_zip({"small.xml": b" " * 500_000}), LIMITS) as archive:
        assert archive.names == {"small.xml"}
    with pytest.raises(ArchiveRefused, match="zip bomb"), open_zip(_zip({"big.xml": b" " * 3_000_000}), LIMITS):
        pass


def test_parts_are_read_in_chunks_and_a_needle_across_a_chunk_boundary_is_found():
    text = b"x" * (64 * 1024 - 3) + b"MacroEnabled" + b"y" * 100
    with open_zip(_zip({"[Content_Types].xml": text}, zipfile.ZIP_STORED), LIMITS) as archive:
        assert archive.part_contains("[Content_Types].xml", b"macroenabled", max_bytes=1024 * 1024)
        assert not archive.part_contains("[Content_Types].xml", b"vbaproject", max_bytes=1024 * 1024)
        with pytest.raises(ArchiveRefused, match="too large"):
            list(archive.iter_part("[Content_Types].xml", max_bytes=1024))


def test_a_part_that_inflates_past_its_declared_size_is_cut_off_and_refused():
    data = bytearray(_zip({"a.xml": b"<a>" + b" " * 10_000 + b"</a>"}))
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = struct.pack("<L", 100)  # declared inflated size: 100 bytes
    with open_zip(bytes(data), LIMITS) as archive, pytest.raises(ArchiveRefused, match="damaged"):
        list(archive.iter_part("a.xml", max_bytes=1024 * 1024))


def test_something_that_is_not_a_zip_says_so():
    with pytest.raises(NotAZip), open_zip(b"just some text", LIMITS):
        pass
