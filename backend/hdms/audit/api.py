"""Audit API (``/api/v1/audit``), admins only: the filtered list and a CSV export."""

from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router

from hdms.audit import selectors
from hdms.audit.schemas import AuditFilters, AuditPage
from hdms.core.auth import ApiRequest
from hdms.core.pagination import PageParams, paginate
from hdms.core.permissions import require_admin
from hdms.core.spreadsheet import csv_lines

router = Router(tags=["audit"])
EXPORT_COLUMNS = ("created_at", "actor_id", "actor_code", "actor_name", "action", "object_type", "object_id",
                  "before", "after", "reason", "request_id", "ip", "archived")
EXPORT_LIMIT = 1_000_000


@router.get("", response=AuditPage)
def audit_list(request: ApiRequest, filters: Query[AuditFilters], page: Query[PageParams]) -> dict:
    require_admin(request.auth)
    return paginate(request, selectors.audit_search(filters=filters.dict()), page)


def _rows(filters: dict) -> Iterator[str]:
    entries = selectors.audit_search(filters=filters)[:EXPORT_LIMIT].iterator(chunk_size=2000)
    return csv_lines(EXPORT_COLUMNS, ([getattr(entry, column) for column in EXPORT_COLUMNS] for entry in entries))


@router.get("/export", response={200: None})
def audit_export(request: ApiRequest, filters: Query[AuditFilters]) -> StreamingHttpResponse:
    """The filtered audit log as CSV (streamed)."""
    require_admin(request.auth)
    response = StreamingHttpResponse(_rows(filters.dict()), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


routes = [("/audit", router)]
