"""Celery tasks of the file service: take ids, idempotent, call services.

Queues: the scan on ``high`` (someone is waiting to see their file), image conversion on
``default``, video transcoding on ``low`` (DESIGN §1).
"""

import logging

from django.conf import settings

from hdms.celery import app
from hdms.files import services
from hdms.files.scanner import ScannerUnavailable

logger = logging.getLogger("hdms.files")


def scan_retry_delay(retries: int) -> int:
    """Exponential backoff: base, 2x base, 4x base ... capped at one hour."""
    return min(int(settings.FILES_SCAN_RETRY_BASE_SECONDS) * (2 ** retries), 3600)


@app.task(name="files.scan_attachment", bind=True, acks_late=True, max_retries=None)
def scan_attachment(self, attachment_id: str) -> str:
    try:
        return services.attachment_scan(attachment_id=attachment_id)
    except ScannerUnavailable as exc:
        if self.request.retries >= settings.FILES_SCAN_MAX_RETRIES:
            # Still quarantined and still pending: files.requeue_stale_scans picks it up later.
            logger.error("scan gave up for now after %s tries: %s", self.request.retries + 1, exc,
                         extra={"event": "attachment.scan_gave_up", "attachment_id": attachment_id})
            return "pending"
        raise self.retry(exc=exc, countdown=scan_retry_delay(self.request.retries)) from exc


@app.task(name="files.convert_image", acks_late=True)
def convert_image(attachment_id: str) -> None:
    services.attachment_convert_image(attachment_id=attachment_id)


@app.task(name="files.transcode_video", acks_late=True)
def transcode_video(attachment_id: str) -> None:
    services.attachment_transcode_video(attachment_id=attachment_id)


@app.task(name="files.requeue_stale_scans", acks_late=True)
def requeue_stale_scans() -> int:
    """Beat, every 10 minutes: scans that waited too long are queued again; old partial uploads go."""
    services.quarantine_sweep()
    return services.attachment_requeue_stale()
