"""Downloads: headers, visibility (404 for those who cannot see the ticket), audit."""

import pytest

from hdms.audit.models import AuditEntry
from hdms.files.http import content_disposition
from hdms.files.models import AttachmentStatus
from hdms.testing.factories_files import AttachmentFactory, pdf_bytes

pytestmark = pytest.mark.django_db


def test_download_sends_the_file_as_a_safe_attachment(desk, upload, api):
    content = pdf_bytes()
    attachment_id = upload(desk.requestor, desk.ticket.id, "رپورٹ 2025 \"final\".pdf", content).json()["id"]

    response = api(desk.moderator).get(f"attachments/{attachment_id}/download")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''%D8%B1%D9%BE%D9%88%D8%B1%D9%B9%202025%20_final_.pdf" in disposition
    assert AuditEntry.objects.filter(action="attachment.downloaded", object_id=attachment_id,
                                     actor_id=desk.moderator.id).count() == 1


def test_content_disposition_has_an_ascii_fallback_and_no_header_injection():
    value = content_disposition('evil"\r\nSet-Cookie: x=1.pdf')
    assert "\r" not in value and "\n" not in value
    assert value.startswith('attachment; filename="evil___Set-Cookie_ x_1.pdf"; filename*=UTF-8\'\'')


def test_a_user_who_cannot_see_the_ticket_gets_404_everywhere(desk, upload, api, other_ticket):
    mine = upload(desk.other_requestor, other_ticket.id, "private.pdf", pdf_bytes()).json()["id"]
    outsider = api(desk.requestor)

    for response in (
        outsider.get(f"attachments/{mine}"),
        outsider.get(f"attachments/{mine}/download"),
        outsider.get(f"tickets/{other_ticket.id}/attachments"),
    ):
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "not_found"
    body, content_type = __import__("hdms.files.tests.conftest", fromlist=["multipart"]).multipart(
        filename="x.pdf", content=pdf_bytes())
    sneaky = outsider.client.post(f"/api/v1/tickets/{other_ticket.id}/attachments", body,
                                  content_type=content_type, **outsider.headers)
    assert sneaky.status_code == 404
    assert not AuditEntry.objects.filter(action="attachment.downloaded", object_id=mine).exists()


def test_an_unknown_attachment_is_404(desk, api):
    assert api(desk.requestor).get("attachments/00000000-0000-0000-0000-000000000000").status_code == 404


def test_a_missing_variant_is_404_and_a_pending_one_409(desk, api):
    pdf = AttachmentFactory(ticket_id=desk.ticket.id, uploader=desk.requestor)
    assert api(desk.requestor).get(f"attachments/{pdf.id}/download", {"variant": "webp"}).status_code == 404
    assert api(desk.requestor).get(f"attachments/{pdf.id}/download", {"variant": "bogus"}).status_code == 422
    image = AttachmentFactory(ticket_id=desk.ticket.id, uploader=desk.requestor, original_name="a.png", kind="png",
                              content_type="image/png")
    image.variants.create(kind="webp", content_type="image/webp")
    pending = api(desk.requestor).get(f"attachments/{image.id}/download", {"variant": "webp"})
    assert pending.status_code == 409
    assert pending.json()["variant_status"] == "pending"


def test_the_list_shows_every_attachment_of_the_ticket_with_its_status(desk, api):
    AttachmentFactory(ticket_id=desk.ticket.id, uploader=desk.requestor, original_name="a.pdf")
    AttachmentFactory(ticket_id=desk.ticket.id, uploader=desk.assignee, original_name="b.pdf",
                      status=AttachmentStatus.PENDING)
    AttachmentFactory(original_name="elsewhere.pdf")

    listed = api(desk.assignee).get(f"tickets/{desk.ticket.id}/attachments").json()

    assert listed["count"] == 2
    assert listed["next"] is None
    assert [(i["original_name"], i["status"], i["downloadable"]) for i in listed["items"]] == [
        ("a.pdf", "clean", True), ("b.pdf", "pending", False)]
    paged = api(desk.assignee).get(f"tickets/{desk.ticket.id}/attachments", {"page_size": 1}).json()
    assert len(paged["items"]) == 1
    assert "page=2" in paged["next"]


def test_under_asgi_the_download_streams_without_collecting_the_file(desk):
    """Django collects a synchronous iterator into one list under ASGI; ours is asynchronous there."""
    import warnings

    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    from hdms.testing.client import bearer_for

    content = pdf_bytes(padding=3 * 256 * 1024)
    attachment = AttachmentFactory(ticket_id=desk.ticket.id, uploader=desk.requestor, content=content)
    client = AsyncClient()

    async def fetch(**headers):
        response = await client.get(f"/api/v1/attachments/{attachment.id}/download",
                                    headers={"Authorization": bearer_for(desk.requestor), **headers})
        chunks = [chunk async for chunk in response.streaming_content]
        return response, chunks

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "must consume synchronous iterators" would fail the test
        response, chunks = async_to_sync(fetch)()
        part, part_chunks = async_to_sync(fetch)(Range="bytes=10-19")
    assert response.status_code == 200
    assert len(chunks) > 3  # streamed in pieces, not one body
    assert b"".join(chunks) == content
    assert part.status_code == 206
    assert b"".join(part_chunks) == content[10:20]
