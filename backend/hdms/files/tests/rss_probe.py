"""Run one check of the file service on one file in a fresh process and report its memory.

    python -m hdms.files.tests.rss_probe CHECK PATH NAME [WARMUP_PATH]

CHECK is ``detect`` (what the upload runs), ``webp`` or ``thumbnail`` (image conversion) or
``mp4`` (video transcoding). WARMUP_PATH, a small valid file (its own name tells its type), is
run through the same check first so that what any first call loads (libmagic's database,
Pillow's plugins) counts as idle.
Prints one JSON object: ``idle_kib`` (VmRSS before the check), ``peak_kib`` (VmHWM, the kernel's
high-water mark, after it), ``outcome`` (``ok`` or the exception's class) and ``detail``.
Used by the tests of issue 10 and by ``bench/upload_memory.py``.
"""

import json
import os
import sys
import tempfile
from pathlib import Path


def status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def run_check(check: str, path: Path, name: str, work: Path) -> None:
    from hdms.files import convert, detect

    if check == "detect":
        detect.detect_kind(path=path, name=name)
    elif check == "webp":
        convert.make_webp(source=path, target=work / "out.webp")
    elif check == "thumbnail":
        convert.make_thumbnail(source=path, target=work / "out.thumb.webp")
    elif check == "mp4":
        kind = detect.extension_of(name)
        convert.transcode_mp4(source=path, target=work / "out.mp4", kind=kind)
    else:
        raise SystemExit(f"unknown check {check}")


def main() -> int:
    check, path, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    warmup = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.test")
    import django

    django.setup()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if warmup is not None:
            run_check(check, warmup, warmup.name, work)
        idle = status_kib("VmRSS")
        outcome, detail = "ok", ""
        try:
            run_check(check, path, name, work)
        except Exception as exc:  # the report says what was raised; the test decides
            outcome, detail = type(exc).__name__, str(exc)
        peak = status_kib("VmHWM")
    print(json.dumps({"idle_kib": idle, "peak_kib": peak, "outcome": outcome, "detail": detail}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
