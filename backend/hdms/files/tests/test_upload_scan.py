"""Upload -> quarantine -> clamd -> released or destroyed (DESIGN §6), against a real clamd."""

import hashlib

import pytest

from hdms.audit.models import AuditEntry
from hdms.files.models import Attachment, AttachmentStatus
from hdms.files.tests.clamd_server import EICAR
from hdms.testing.factories_files import pdf_bytes

pytestmark = pytest.mark.django_db


def test_clean_pdf_is_scanned_and_released_to_storage(desk, upload, disk, api, published):
    content = pdf_bytes()
    response = upload(desk.requestor, desk.ticket.id, "Budget 2025.pdf", content)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_name"] == "Budget 2025.pdf"
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["content_type"] == "application/pdf"
    attachment = Attachment.objects.get(id=body["id"])
    assert attachment.status == AttachmentStatus.CLEAN
    assert attachment.scan_result == "stream: OK"
    assert disk.quarantined() == []
    stored = disk.stored()
    assert [p.name for p in stored] == [attachment.stored_name]
    assert stored[0].read_bytes() == content
    detail = api(desk.assignee).get(f"attachments/{attachment.id}").json()
    assert detail["status"] == "clean"
    assert detail["scanned"] is True
    assert detail["downloadable"] is True
    ready = [payload for kind, payload in published if kind == "attachment.ready"]
    assert ready and ready[-1]["room_id"] == str(desk.ticket.id)
    assert ready[-1]["attachment"]["status"] == "clean"


def test_eicar_is_refused_deleted_and_the_uploader_told(desk, upload, disk, api, published):
    response = upload(desk.requestor, desk.ticket.id, "invoice.txt", EICAR)

    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(id=response.json()["id"])
    assert attachment.status == AttachmentStatus.INFECTED
    assert "FOUND" in attachment.scan_result
    assert attachment.deleted_file_at is not None
    assert disk.quarantined() == []
    assert disk.stored() == []
    assert AuditEntry.objects.filter(action="attachment.infected", object_id=str(attachment.id)).exists()
    notices = [payload for kind, payload in published if kind == "notification.requested"]
    assert notices and notices[0]["user_ids"] == [str(desk.requestor.id)]
    assert notices[0]["kind"] == "attachment.infected"
    assert not [payload for kind, payload in published if kind == "attachment.ready"]

    download = api(desk.requestor).get(f"attachments/{attachment.id}/download")
    assert download.status_code == 409
    assert download.json()["code"] == "invalid_transition"
    assert download.json()["attachment_status"] == "infected"
    assert api(desk.requestor).get(f"attachments/{attachment.id}").json()["status"] == "infected"


def test_download_before_the_scan_finishes_is_refused(desk, upload, api, disk, django_capture_on_commit_callbacks):
    response = upload(desk.requestor, desk.ticket.id, "minutes.pdf", pdf_bytes(), run_tasks=False)
    assert response.status_code == 201
    attachment_id = response.json()["id"]
    assert response.json()["status"] == "pending"
    assert response.json()["downloadable"] is False
    assert len(disk.quarantined()) == 1

    refused = api(desk.requestor).get(f"attachments/{attachment_id}/download")
    assert refused.status_code == 409
    assert refused.json()["code"] == "invalid_transition"
    assert refused.json()["attachment_status"] == "pending"

    from hdms.files.tasks import scan_attachment

    with django_capture_on_commit_callbacks(execute=True):
        scan_attachment.apply(args=[attachment_id])
    assert api(desk.requestor).get(f"attachments/{attachment_id}/download").status_code == 200


def test_clamd_down_keeps_the_file_quarantined_and_not_downloadable(desk, upload, api, disk, settings, clamd_url,
                                                                     django_capture_on_commit_callbacks):
    settings.FILES_CLAMD_URL = f"unix://{disk.quarantine.parent}/no-clamd-here.sock"
    settings.FILES_SCAN_MAX_RETRIES = 2
    response = upload(desk.requestor, desk.ticket.id, "minutes.pdf", pdf_bytes())

    assert response.status_code == 201
    attachment = Attachment.objects.get(id=response.json()["id"])
    assert attachment.status == AttachmentStatus.PENDING
    assert attachment.scan_attempts == 3  # the first try and two retries
    assert "unreachable" in attachment.scan_error
    assert [p.name for p in disk.quarantined()] == [f"{attachment.stored_name}.q"]
    assert disk.stored() == []
    refused = api(desk.requestor).get(f"attachments/{attachment.id}/download")
    assert refused.status_code == 409
    assert refused.json()["attachment_status"] == "pending"

    # clamd is back: the sweep queues the scan again and the file is released.
    settings.FILES_CLAMD_URL = clamd_url
    from hdms.files.services import attachment_requeue_stale

    with django_capture_on_commit_callbacks(execute=True):
        assert attachment_requeue_stale(older_than_seconds=0) == 1
    attachment.refresh_from_db()
    assert attachment.status == AttachmentStatus.CLEAN
    assert disk.quarantined() == []
    assert api(desk.requestor).get(f"attachments/{attachment.id}/download").status_code == 200


def test_without_a_scanner_files_are_released_as_unscanned_and_say_so(desk, upload, api, disk, settings):
    settings.FILES_CLAMD_URL = ""
    response = upload(desk.requestor, desk.ticket.id, "notes.txt", b"Call the plumber on Monday.\n")

    assert response.status_code == 201
    detail = api(desk.requestor).get(f"attachments/{response.json()['id']}").json()
    assert detail["status"] == "unscanned"
    assert detail["scanned"] is False
    assert detail["downloadable"] is True
    assert "Not scanned for viruses" in detail["scan_note"]
    download = api(desk.requestor).get(f"attachments/{detail['id']}/download")
    assert download.status_code == 200
    assert download["X-Antivirus-Status"] == "unscanned"


def test_a_file_being_scanned_is_not_scanned_twice_until_its_lease_runs_out(desk, disk, settings,
                                                                           django_capture_on_commit_callbacks):
    from hdms.files.services import attachment_scan
    from hdms.testing.factories_files import AttachmentFactory

    attachment = AttachmentFactory(ticket_id=desk.ticket.id, uploader=desk.requestor,
                                   status=AttachmentStatus.SCANNING)
    assert attachment_scan(attachment_id=attachment.id) == AttachmentStatus.SCANNING
    assert len(disk.quarantined()) == 1

    settings.FILES_SCAN_LEASE_SECONDS = 0  # the worker that claimed it died long ago
    with django_capture_on_commit_callbacks(execute=True):
        assert attachment_scan(attachment_id=attachment.id) == AttachmentStatus.CLEAN
    assert disk.quarantined() == []
    assert len(disk.stored()) == 1
    # and a finished one is left alone
    assert attachment_scan(attachment_id=attachment.id) == AttachmentStatus.CLEAN


def test_the_sweep_removes_leftovers_but_not_files_waiting_for_their_scan(desk, disk):
    import os

    from hdms.files.services import quarantine_sweep
    from hdms.testing.factories_files import AttachmentFactory

    waiting = AttachmentFactory(ticket_id=desk.ticket.id, uploader=desk.requestor, status=AttachmentStatus.PENDING)
    orphan = disk.quarantine / ("ab" * 16 + ".q")  # a rolled-back upload
    partial = disk.quarantine / ("cd" * 16 + ".part")  # a crashed one
    for path in (orphan, partial):
        path.write_bytes(b"x")
    for path in disk.quarantined():
        os.utime(path, (0, 0))

    assert quarantine_sweep() == 2
    assert [p.name for p in disk.quarantined()] == [f"{waiting.stored_name}.q"]
