"""Checks on receipt: size, per-ticket total, type by content and name, file names (DESIGN §6).
Whatever is refused leaves nothing behind and is audited."""

import time

import pytest

from hdms.audit.models import AuditEntry
from hdms.files.detect import clean_original_name
from hdms.files.models import Attachment, AttachmentStatus
from hdms.testing.client import ApiClient
from hdms.testing.factories_files import docx_bytes, exe_bytes, gif_bytes, jpeg_bytes, pdf_bytes, png_bytes, xlsx_bytes
from hdms.testing.factories_tickets import TicketFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def _status(response):
    """The status once the after-commit scan has run (the response itself says ``pending``)."""
    return Attachment.objects.get(id=response.json()["id"]).status


def _assert_refused(response, status, code, disk):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert disk.quarantined() == []
    assert disk.stored() == []


def test_ticket_total_past_100_mb_is_refused_with_413(desk, upload, disk):
    """The real limits: 60 MB fits, 41 MB more would make 101 MB."""
    started = time.monotonic()
    first = upload(desk.requestor, desk.ticket.id, "scan-1.pdf", pdf_bytes(padding=60 * MB))
    assert first.status_code == 201, first.content
    assert _status(first) == "clean"

    second = upload(desk.requestor, desk.ticket.id, "scan-2.pdf", pdf_bytes(padding=41 * MB))

    assert second.status_code == 413, second.content
    assert second.json()["code"] == "file_too_large"
    assert "100.0 MB" in second.json()["detail"]
    assert len(disk.stored()) == 1  # only the first file
    assert disk.quarantined() == []
    assert Attachment.objects.filter(ticket_id=desk.ticket.id).count() == 1
    refusal = AuditEntry.objects.get(action="attachment.refused")
    assert refusal.after["code"] == "file_too_large"
    assert time.monotonic() - started < 60


def test_a_file_over_the_per_file_limit_is_refused_midstream(desk, upload, disk, settings):
    settings.FILES_MAX_FILE_BYTES = 100_000
    response = upload(desk.requestor, desk.ticket.id, "big.pdf", pdf_bytes(padding=150_000))
    _assert_refused(response, 413, "file_too_large", disk)
    assert "at most 0.1 MB" in response.json()["detail"]


def test_a_ticket_already_full_refuses_before_reading(desk, upload, disk, settings):
    settings.FILES_MAX_TICKET_BYTES = 5_000
    assert upload(desk.requestor, desk.ticket.id, "a.pdf", pdf_bytes(padding=4_000)).status_code == 201
    response = upload(desk.requestor, desk.ticket.id, "b.pdf", pdf_bytes(padding=2_000))
    assert response.status_code == 413
    assert len(disk.stored()) == 1
    assert disk.quarantined() == []


def test_infected_files_do_not_count_toward_the_ticket_total(desk, upload, settings):
    from hdms.files.tests.clamd_server import EICAR

    settings.FILES_MAX_TICKET_BYTES = 3_000
    assert _status(upload(desk.requestor, desk.ticket.id, "eicar.txt", EICAR)) == "infected"
    assert upload(desk.requestor, desk.ticket.id, "ok.pdf", pdf_bytes(padding=2_000)).status_code == 201


def test_an_exe_renamed_pdf_gets_415(desk, upload, disk):
    response = upload(desk.requestor, desk.ticket.id, "invoice.pdf", exe_bytes())
    _assert_refused(response, 415, "unsupported_file_type", disk)
    refusal = AuditEntry.objects.get(action="attachment.refused", object_id=str(desk.ticket.id))
    # What a reader of the history or audit log sees is the code (in their language), never the
    # English detail or a MIME type; those stay in the log line.
    assert refusal.reason == "" and refusal.after["code"] == "unsupported_file_type"
    assert refusal.after["name"] == "invoice.pdf"
    assert "/" not in " ".join(str(v) for k, v in refusal.after.items() if k != "sha256")


def test_a_png_headed_php_file_gets_415(desk, upload, disk):
    script = b"<?php system($_GET['cmd']); ?>"
    polyglot = b"\x89PNG\r\n\x1a\n" + script
    _assert_refused(upload(desk.requestor, desk.ticket.id, "shell.php", png_bytes() + script), 415,
                    "unsupported_file_type", disk)
    _assert_refused(upload(desk.requestor, desk.ticket.id, "shell.png", polyglot), 415,
                    "unsupported_file_type", disk)
    _assert_refused(upload(desk.requestor, desk.ticket.id, "shell.php.txt", script), 415,
                    "unsupported_file_type", disk)


def test_a_pdf_named_as_a_picture_gets_415(desk, upload, disk):
    response = upload(desk.requestor, desk.ticket.id, "photo.jpg", pdf_bytes())
    _assert_refused(response, 415, "unsupported_file_type", disk)
    assert "does not match" in response.json()["detail"]


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("letter.docx", docx_bytes(), "docx"),
    ("budget.xlsx", xlsx_bytes(), "xlsx"),
    ("photo.JPEG", jpeg_bytes(), "jpg"),
    ("anim.gif", gif_bytes(), "gif"),
    ("readme.txt", "نوٹس: Monday meeting\n".encode(), "txt"),
])
def test_each_allowed_type_is_accepted_by_content(desk, upload, name, content, kind):
    response = upload(desk.requestor, desk.ticket.id, name, content)
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == kind
    assert _status(response) == "clean"


def test_a_traversal_name_is_stored_safely(desk, upload, disk, tmp_path):
    response = upload(desk.requestor, desk.ticket.id, "../../etc/passwd.txt", b"root:x:0:0:root:/root:/bin/bash\n")

    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(id=response.json()["id"])
    assert attachment.original_name == "passwd.txt"
    assert attachment.stored_name.isalnum() and len(attachment.stored_name) == 32
    assert [p.name for p in disk.stored()] == [attachment.stored_name]
    assert not (tmp_path / "etc").exists()
    assert not list(tmp_path.rglob("passwd*"))


@pytest.mark.parametrize(("raw", "clean"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\evil.txt", "evil.txt"),
    ("re\x00port\x07\x1b[31m.pdf", "report[31m.pdf"),
    ("in\u202evoice\u200b.pdf", "invoice.pdf"),  # right-to-left override and zero-width space dropped
    ("..", "file"),
    ("  .hidden.txt ", "hidden.txt"),
    ('a<b>c:"d|e?f*g.txt', "a_b_c__d_e_f_g.txt"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ("رپورٹ.pdf", "رپورٹ.pdf"),
])
def test_original_names_lose_folders_and_control_characters(raw, clean):
    assert clean_original_name(raw) == clean


def test_an_upload_without_the_file_field_is_422_and_leaves_nothing(desk, upload, disk):
    response = upload(desk.requestor, desk.ticket.id, "a.pdf", pdf_bytes(), field="document")
    _assert_refused(response, 422, "validation_error", disk)


def test_a_bad_message_id_is_422_and_leaves_nothing(desk, upload, disk):
    response = upload(desk.requestor, desk.ticket.id, "a.pdf", pdf_bytes(), fields={"message_id": "nope"})
    _assert_refused(response, 422, "validation_error", disk)


def _message_on(ticket, author):
    return ApiClient(author).post(f"tickets/{ticket.id}/messages", {"body": "see the file"}).json()["id"]


def test_message_id_is_kept_and_filters_the_list(desk, upload, api):
    message_id = _message_on(desk.ticket, desk.requestor)
    upload(desk.requestor, desk.ticket.id, "a.pdf", pdf_bytes(), fields={"message_id": message_id})
    upload(desk.requestor, desk.ticket.id, "b.pdf", pdf_bytes())
    listed = api(desk.requestor).get(f"tickets/{desk.ticket.id}/attachments", {"message_id": message_id}).json()
    assert [item["original_name"] for item in listed["items"]] == ["a.pdf"]
    assert listed["items"][0]["message_id"] == message_id


def test_an_empty_file_is_refused(desk, upload, disk):
    _assert_refused(upload(desk.requestor, desk.ticket.id, "empty.txt", b""), 422, "validation_error", disk)


def test_json_instead_of_multipart_is_422(desk, api, disk):
    response = api(desk.requestor).post(f"tickets/{desk.ticket.id}/attachments", {"file": "x"})
    _assert_refused(response, 422, "validation_error", disk)


def test_a_closed_ticket_takes_no_files(desk, upload, disk):
    closed = TicketFactory(requestor=desk.requestor, status="closed")
    _assert_refused(upload(desk.requestor, closed.id, "a.pdf", pdf_bytes()), 409, "invalid_transition", disk)
    assert AuditEntry.objects.get(action="attachment.refused").after["code"] == "invalid_transition"


def test_uploads_are_audited(desk, upload):
    response = upload(desk.requestor, desk.ticket.id, "a.pdf", pdf_bytes())
    entry = AuditEntry.objects.get(action="attachment.uploaded")
    assert entry.object_id == response.json()["id"]
    assert entry.actor_id == desk.requestor.id
    assert entry.after["sha256"] == response.json()["sha256"]
    assert Attachment.objects.get(id=entry.object_id).status == AttachmentStatus.CLEAN


@pytest.mark.parametrize("content_type", [
    "multipart/form-data",  # no boundary
    "multipart/form-data; boundary=abc",  # a boundary that never comes
])
def test_malformed_multipart_is_422_and_leaves_nothing(desk, api, disk, content_type):
    client = api(desk.requestor)
    response = client.client.post(f"/api/v1/tickets/{desk.ticket.id}/attachments", b"--xyz\r\ngarbage",
                                  content_type=content_type, **client.headers)
    _assert_refused(response, 422, "validation_error", disk)


def test_a_truncated_upload_leaves_nothing(desk, api, disk):
    from hdms.files.tests.conftest import multipart

    body, content_type = multipart(filename="a.pdf", content=pdf_bytes(padding=50_000))
    client = api(desk.requestor)
    response = client.client.post(f"/api/v1/tickets/{desk.ticket.id}/attachments", body[: len(body) // 2],
                                  content_type=content_type, **client.headers)
    assert response.status_code in (415, 422), response.content
    assert disk.quarantined() == []
    assert disk.stored() == []


def test_the_upload_is_described_as_multipart_in_the_openapi_schema(api, db):
    schema = api().get("openapi.json").json()
    body = schema["paths"]["/api/v1/tickets/{ticket_id}/attachments"]["post"]["requestBody"]
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"]
    assert form["properties"]["file"]["format"] == "binary"


def test_unknown_form_fields_are_422_and_leave_nothing(desk, upload, disk):
    response = upload(desk.requestor, desk.ticket.id, "a.pdf", pdf_bytes(), fields={"owner\x00": "x"})
    _assert_refused(response, 422, "validation_error", disk)


@pytest.mark.parametrize("value", ["", "null"])
def test_an_empty_or_null_message_id_means_no_message(desk, upload, value):
    response = upload(desk.requestor, desk.ticket.id, "a.pdf", pdf_bytes(), fields={"message_id": value})
    assert response.status_code == 201, response.content
    assert response.json()["message_id"] is None


def test_a_message_id_of_another_ticket_or_none_at_all_is_422_and_leaves_nothing(desk, upload, disk, other_ticket):
    """Issue 10 item 12: an upload's message_id must name a message of the same ticket."""
    elsewhere = _message_on(other_ticket, desk.other_requestor)
    for message_id in (elsewhere, "7d3c1a52-5b0b-4c38-9a25-2a4f4f7b1c11"):
        response = upload(desk.requestor, desk.ticket.id, "a.pdf", pdf_bytes(), fields={"message_id": message_id})
        _assert_refused(response, 422, "validation_error", disk)
        assert response.json()["errors"][0]["loc"] == ["body", "message_id"]
    assert not Attachment.objects.exists()
