"""Offset pagination with the list shape of DESIGN §4: ``{items, count, next}``."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from hdms.core.search import capped_count

MAX_PAGE_SIZE = 100
# No practical cap on how far one can page (DESIGN §10); the bound only keeps OFFSET inside bigint.
MAX_PAGE = 10**12


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(25, ge=1, le=MAX_PAGE_SIZE)


def next_url(request: HttpRequest, **changes: Any) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params[key] = str(value)
    return f"{request.path}?{params.urlencode()}"


def paginate(request: HttpRequest, queryset: QuerySet[Any], params: PageParams,
             count_cap: int | None = None, capped_ordering: tuple[Any, ...] | None = None) -> dict[str, Any]:
    """One page. With ``count_cap`` the count stops there (``count_capped`` true when there are
    more): counting stops at the cap instead of visiting every match, and ``next`` is known from
    one row past the page. ``capped_ordering``: the order of the rows when the cap is reached (an
    order that does not need every row looked at)."""
    start = (params.page - 1) * params.page_size
    if count_cap is None:
        count = queryset.count()
        items = list(queryset[start : start + params.page_size])
        has_next = start + params.page_size < count
        return {"items": items, "count": count, "next": next_url(request, page=params.page + 1) if has_next else None}
    count, capped = capped_count(queryset, cap=count_cap)
    if capped and capped_ordering:
        queryset = queryset.order_by(*capped_ordering)
    items = list(queryset[start : start + params.page_size + 1])
    has_next, items = len(items) > params.page_size, items[: params.page_size]
    return {"items": items, "count": count, "count_capped": capped,
            "next": next_url(request, page=params.page + 1) if has_next else None}
