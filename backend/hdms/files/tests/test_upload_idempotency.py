"""Idempotency-Key on uploads (DESIGN §9): a retried upload (a new multipart boundary, the same
file) stores one attachment and answers the first upload's answer."""

import pytest

from hdms.files.models import Attachment
from hdms.files.tests.conftest import multipart
from hdms.testing.factories_files import pdf_bytes

pytestmark = pytest.mark.django_db


def _upload(api, user, ticket_id, content, key):
    body, content_type = multipart(filename="Quote.pdf", content=content)  # a fresh boundary each time
    client = api(user)
    return client.client.post(f"/api/v1/tickets/{ticket_id}/attachments", body, content_type=content_type,
                              HTTP_IDEMPOTENCY_KEY=key, **client.headers)


def test_retried_upload_with_the_same_key_stores_one_attachment(desk, api, disk):
    content = pdf_bytes()
    first = _upload(api, desk.requestor, desk.ticket.id, content, "k-upload-1")
    again = _upload(api, desk.requestor, desk.ticket.id, content, "k-upload-1")
    assert first.status_code == 201, first.content
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Attachment.objects.filter(ticket_id=desk.ticket.id).count() == 1
    assert len(disk.quarantined()) + len(disk.stored()) == 1  # the retry's bytes were not kept


def test_same_key_on_another_ticket_is_refused(desk, api, make_user):
    from hdms.testing.factories_tickets import submitted_ticket

    other = submitted_ticket(desk.requestor)
    assert _upload(api, desk.requestor, desk.ticket.id, pdf_bytes(), "k-upload-2").status_code == 201
    refused = _upload(api, desk.requestor, other.id, pdf_bytes(), "k-upload-2")
    assert refused.status_code == 422 and refused.json()["code"] == "validation_error"
    assert not Attachment.objects.filter(ticket_id=other.id).exists()
