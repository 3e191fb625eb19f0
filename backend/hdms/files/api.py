"""File service routers: /tickets/{ticket_id}/attachments and /attachments (DESIGN §4, §6).

Downloads of a file that is not yet released (pending, scanning), was infected or could not be
scanned answer 409 ``invalid_transition`` with ``attachment_status`` in the body: the
request is fine, the file is not in a state that allows it (DESIGN §4). Users who cannot see the
ticket get 404.
"""

from uuid import UUID

from django.http import HttpResponse, StreamingHttpResponse
from ninja import Query, Router

from hdms.core.auth import ApiRequest
from hdms.core.pagination import next_url
from hdms.files import selectors, services
from hdms.files.http import download_response, wants_first_bytes
from hdms.files.schemas import (
    DOWNLOAD_OPENAPI,
    UPLOAD_OPENAPI,
    AttachmentListParams,
    AttachmentOut,
    AttachmentPage,
    DownloadParams,
)
from hdms.files.uploads import receive_upload

router = Router(tags=["attachments"])


@router.post("/tickets/{ticket_id}/attachments", response={201: AttachmentOut}, openapi_extra=UPLOAD_OPENAPI)
def attachment_upload(request: ApiRequest, ticket_id: UUID) -> tuple[int, dict]:
    """Upload one file (multipart field `file`, optional `message_id`). It is scanned for viruses
    before anyone can download it; `status` and `scan_note` say where it stands."""
    attachment = services.attachment_upload(
        user=request.auth, ticket_id=ticket_id,
        receive=lambda max_bytes, detail: receive_upload(request, max_bytes=max_bytes, too_large_detail=detail),
    )
    fresh = selectors.attachment_get_visible(user=request.auth, attachment_id=attachment.id)
    return 201, selectors.attachment_payload(fresh)


@router.get("/tickets/{ticket_id}/attachments", response=AttachmentPage)
def attachment_list(request: ApiRequest, ticket_id: UUID, params: Query[AttachmentListParams]) -> dict:
    qs = selectors.attachment_list(user=request.auth, ticket_id=ticket_id, message_id=params.message_id)
    count = qs.count()
    start = (params.page - 1) * params.page_size
    items = [selectors.attachment_payload(a) for a in qs[start : start + params.page_size]]
    has_next = start + params.page_size < count
    return {"items": items, "count": count, "next": next_url(request, page=params.page + 1) if has_next else None}


@router.get("/attachments/{attachment_id}", response=AttachmentOut)
def attachment_detail(request: ApiRequest, attachment_id: UUID) -> dict:
    return selectors.attachment_payload(
        selectors.attachment_get_visible(user=request.auth, attachment_id=attachment_id)
    )


@router.get("/attachments/{attachment_id}/download", openapi_extra=DOWNLOAD_OPENAPI)
def attachment_download(
    request: ApiRequest, attachment_id: UUID, params: Query[DownloadParams]
) -> HttpResponse | StreamingHttpResponse:
    """The file itself, as an attachment; `Range: bytes=...` works (video seeking).
    `variant` picks a converted version (webp, thumbnail, mp4) when it is ready."""
    target = services.attachment_download(
        user=request.auth, attachment_id=attachment_id, variant=params.variant,
        first_range=wants_first_bytes(request),
    )
    return download_response(request, target)


routes = [("", router)]
