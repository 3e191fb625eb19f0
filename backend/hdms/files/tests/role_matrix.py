"""Role x endpoint cases for the file API (see hdms/testing/matrix.py).

Anyone who can see the ticket may upload, list, read and download its attachments; anyone else
gets 404. Downloads of a file not yet scanned are 409 for everyone who can see it.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from hdms.files.models import AttachmentStatus
from hdms.testing.factories_files import AttachmentFactory, pdf_bytes
from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket
from hdms.testing.matrix import Case

ALL = ("requestor", "assignee", "moderator", "admin")


def _all(status):
    return {role: status for role in ALL}


def _staff(status):
    """A ticket only moderators and admins can see (another requestor's, not yet assigned)."""
    return {"requestor": 404, "assignee": 404, "moderator": status, "admin": status}


def _pdf():
    return {"file": SimpleUploadedFile("matrix.pdf", pdf_bytes(), content_type="application/pdf")}


def cases(world):
    users = world.users
    ticket = assigned_ticket(users["requestor"], users["moderator"], users["assignee"])
    private = submitted_ticket(users["other_requestor"], title="Someone else's")
    clean = AttachmentFactory(ticket_id=ticket.id, room_id=ticket.id, uploader=users["requestor"])
    pending = AttachmentFactory(ticket_id=ticket.id, room_id=ticket.id, uploader=users["requestor"],
                                status=AttachmentStatus.PENDING)
    hidden = AttachmentFactory(ticket_id=private.id, room_id=private.id, uploader=users["other_requestor"])
    upload = "/api/v1/tickets/{ticket_id}/attachments"
    detail = "/api/v1/attachments/{attachment_id}"
    download = "/api/v1/attachments/{attachment_id}/download"
    return [
        Case("POST", upload, f"/api/v1/tickets/{ticket.id}/attachments", _all(201), multipart=_pdf()),
        Case("POST", upload, f"/api/v1/tickets/{private.id}/attachments", _staff(201), multipart=_pdf(),
             note="uploading to a ticket one cannot see is 404"),
        Case("GET", upload, f"/api/v1/tickets/{ticket.id}/attachments", _all(200)),
        Case("GET", upload, f"/api/v1/tickets/{private.id}/attachments", _staff(200)),
        Case("GET", detail, f"/api/v1/attachments/{clean.id}", _all(200)),
        Case("GET", detail, f"/api/v1/attachments/{hidden.id}", _staff(200)),
        Case("GET", download, f"/api/v1/attachments/{clean.id}/download", _all(200)),
        Case("GET", download, f"/api/v1/attachments/{hidden.id}/download", _staff(200)),
        Case("GET", download, f"/api/v1/attachments/{pending.id}/download", _all(409),
             note="not scanned yet: refused for everyone"),
    ]
