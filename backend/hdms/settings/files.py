"""Settings of the files service, imported by hdms.settings.base.

Storage: attachments released by the scan go to ``FILES_STORAGE`` through Django's storage API.
The default keeps them on local disk under ``HDMS_DATA_DIR/files`` (never a web root); S3 or R2 is
a setting, e.g. ``HDMS_FILES_STORAGE_BACKEND=storages.backends.s3.S3Storage`` plus the
django-storages ``AWS_*`` settings, with no code change.

Scanner: ``HDMS_CLAMD_URL`` is ``unix:///run/clamav/clamd.ctl`` or ``tcp://host:3310``. Left empty
(embedded mode), uploads are released as ``unscanned`` and say so. Production refuses to start
without it. clamd must accept streams as large as the largest upload: set ``StreamMaxLength``,
``MaxFileSize`` and ``MaxScanSize`` to at least 500M in clamd.conf (its defaults are smaller, and a
file above MaxFileSize is otherwise passed unscanned).
"""

import os

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()

_MB = 1024 * 1024

# Where uploads wait for the scan: local disk, outside any web root, never served.
# Empty means DATA_DIR/quarantine. It must be local disk: uploads stream straight into it.
FILES_QUARANTINE_DIR = env.str("HDMS_QUARANTINE_DIR", default="")

FILES_STORAGE = {
    "BACKEND": env.str("HDMS_FILES_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
    "OPTIONS": env.json("HDMS_FILES_STORAGE_OPTIONS", default={}),
}
# Key prefix of attachments inside that storage.
FILES_STORAGE_PREFIX = "attachments"

# DESIGN §6: 500 MB per file on the server (the UI says 250 MB), 100 MB total per ticket.
FILES_MAX_FILE_BYTES = env.int("HDMS_FILES_MAX_FILE_BYTES", default=500 * _MB)
FILES_MAX_TICKET_BYTES = env.int("HDMS_FILES_MAX_TICKET_BYTES", default=100 * _MB)
# Bytes read per chunk while streaming an upload to quarantine and to clamd.
FILES_CHUNK_BYTES = 256 * 1024

FILES_CLAMD_URL = env.str("HDMS_CLAMD_URL", default="")
FILES_CLAMD_TIMEOUT = env.float("HDMS_CLAMD_TIMEOUT", default=120.0)
# A scan that cannot reach clamd is retried with exponential backoff; the file stays quarantined.
FILES_SCAN_MAX_RETRIES = env.int("HDMS_SCAN_MAX_RETRIES", default=8)
FILES_SCAN_RETRY_BASE_SECONDS = env.int("HDMS_SCAN_RETRY_BASE_SECONDS", default=30)
# A scan claims its file for this long; a worker that died mid-scan frees it when the time is up.
FILES_SCAN_LEASE_SECONDS = env.int("HDMS_SCAN_LEASE_SECONDS", default=1800)

# Converted versions.
FILES_THUMBNAIL_SIZE = (320, 320)
FILES_WEBP_QUALITY = 82
FILES_FFMPEG = env.str("HDMS_FFMPEG", default="ffmpeg")
FILES_FFMPEG_TIMEOUT = env.int("HDMS_FFMPEG_TIMEOUT", default=1800)
# Images larger than this many pixels are not decoded (decompression bombs).
FILES_MAX_IMAGE_PIXELS = env.int("HDMS_FILES_MAX_IMAGE_PIXELS", default=80_000_000)

# Hostile input (issue 10, docs/decisions.md "Bombs"). DOCX and XLSX are zip archives: before
# anything is inflated, the archive may hold at most this many entries, no entry may unpack past
# FILES_ARCHIVE_MAX_ENTRY_BYTES or (above 1 MiB) past FILES_ARCHIVE_MAX_RATIO times its packed
# size, and all of them together past FILES_ARCHIVE_MAX_TOTAL_BYTES. Parts are read in chunks.
FILES_ARCHIVE_MAX_ENTRIES = env.int("HDMS_FILES_ARCHIVE_MAX_ENTRIES", default=10_000)
FILES_ARCHIVE_MAX_ENTRY_BYTES = env.int("HDMS_FILES_ARCHIVE_MAX_ENTRY_BYTES", default=512 * _MB)
FILES_ARCHIVE_MAX_TOTAL_BYTES = env.int("HDMS_FILES_ARCHIVE_MAX_TOTAL_BYTES", default=1024 * _MB)
FILES_ARCHIVE_MAX_RATIO = env.int("HDMS_FILES_ARCHIVE_MAX_RATIO", default=200)
# Images: FILES_MAX_IMAGE_PIXELS above is checked from the header, at upload (415) and again
# before a conversion decodes anything. Videos: ffprobe reads the upload with bounded probing
# (bytes read, stream time analysed, wall-clock and CPU seconds); one larger than these, or
# longer, is refused at upload (415) and never transcoded.
FILES_FFPROBE = env.str("HDMS_FFPROBE", default="ffprobe")
FILES_FFPROBE_TIMEOUT = env.float("HDMS_FFPROBE_TIMEOUT", default=20.0)
FILES_FFPROBE_PROBESIZE = env.int("HDMS_FFPROBE_PROBESIZE", default=5_000_000)
FILES_FFPROBE_ANALYZEDURATION_US = env.int("HDMS_FFPROBE_ANALYZEDURATION_US", default=5_000_000)
FILES_VIDEO_MAX_SIDE = env.int("HDMS_FILES_VIDEO_MAX_SIDE", default=4096)
FILES_VIDEO_MAX_PIXELS = env.int("HDMS_FILES_VIDEO_MAX_PIXELS", default=4096 * 2304)
FILES_VIDEO_MAX_SECONDS = env.int("HDMS_FILES_VIDEO_MAX_SECONDS", default=4 * 3600)
# Every decoder (ffprobe, ffmpeg, the Pillow converter) runs as a child process with these
# limits (RLIMIT_AS, RLIMIT_FSIZE; RLIMIT_CPU from its timeout): a bomb costs the child, which
# fails the conversion cleanly, never the worker or the API process.
FILES_CONVERT_MAX_MEMORY_BYTES = env.int("HDMS_FILES_CONVERT_MAX_MEMORY_BYTES", default=2048 * _MB)
FILES_CONVERT_MAX_OUTPUT_BYTES = env.int("HDMS_FILES_CONVERT_MAX_OUTPUT_BYTES", default=2048 * _MB)
FILES_IMAGE_CONVERT_TIMEOUT = env.int("HDMS_FILES_IMAGE_CONVERT_TIMEOUT", default=120)

# Production runs only with a scanner (DESIGN §6). The production settings module is the one that
# sets DJANGO_SETTINGS_MODULE; HDMS_REQUIRE_SCANNER overrides the guess either way.
FILES_REQUIRE_SCANNER = env.bool(
    "HDMS_REQUIRE_SCANNER",
    default=os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".production"),
)
if FILES_REQUIRE_SCANNER and not FILES_CLAMD_URL:
    raise ImproperlyConfigured(
        "HDMS_CLAMD_URL must name the clamd antivirus daemon (unix:///path/to/clamd.sock or tcp://host:3310): "
        "production does not release uploads unscanned."
    )

# Periodic jobs of the file service, for the Celery beat schedule (merged like the tickets' one):
# scans left waiting (clamd was down longer than the retries lasted, a worker died) are queued
# again, and partial uploads a crashed process left in quarantine are deleted.
HDMS_FILES_BEAT_SCHEDULE = {
    "files-requeue-stale-scans": {
        "task": "files.requeue_stale_scans",
        "schedule": env.int("HDMS_FILES_REQUEUE_SECONDS", default=600),
        "options": {"queue": "default"},
    },
}
