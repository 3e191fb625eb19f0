"""Audit API (``/api/v1/audit``), admins only: the filtered list and a CSV export."""

import csv
import json
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router

from hdms.audit import selectors
from hdms.audit.schemas import AuditFilters, AuditPage
from hdms.core.auth import ApiRequest
from hdms.core.pagination import PageParams, paginate
from hdms.core.permissions import require_admin

router = Router(tags=["audit"])
EXPORT_COLUMNS = ("created_at", "actor_id", "actor_code", "actor_name", "action", "object_type", "object_id",
                  "before", "after", "reason", "request_id", "ip", "archived")
EXPORT_LIMIT = 1_000_000


@router.get("", response=AuditPage)
def audit_list(request: ApiRequest, filters: Query[AuditFilters], page: Query[PageParams]) -> dict:
    require_admin(request.auth)
    return paginate(request, selectors.audit_search(filters=filters.dict()), page)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: object) -> str:
    text = "" if value is None else (json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list)
                                     else str(value))
    # A spreadsheet must not run a cell as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(filters: dict) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(EXPORT_COLUMNS)
    for entry in selectors.audit_search(filters=filters)[:EXPORT_LIMIT].iterator(chunk_size=2000):
        yield writer.writerow([_safe(getattr(entry, column)) for column in EXPORT_COLUMNS])


@router.get("/export", response={200: None})
def audit_export(request: ApiRequest, filters: Query[AuditFilters]) -> StreamingHttpResponse:
    """The filtered audit log as CSV (streamed)."""
    require_admin(request.auth)
    response = StreamingHttpResponse(_rows(filters.dict()), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response


routes = [("/audit", router)]
