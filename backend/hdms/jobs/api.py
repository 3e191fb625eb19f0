"""Dead letters (``/api/v1/jobs/dead-letters``), admins only: list, inspect, replay."""

import uuid

from ninja import Query, Router

from hdms.core.auth import ApiRequest
from hdms.core.pagination import PageParams, paginate
from hdms.core.permissions import require_admin
from hdms.jobs import selectors, services
from hdms.jobs.models import DeadLetter
from hdms.jobs.schemas import DeadLetterDetailOut, DeadLetterFilters, DeadLetterPage

router = Router(tags=["jobs"])


@router.get("/dead-letters", response=DeadLetterPage)
def dead_letter_list(request: ApiRequest, filters: Query[DeadLetterFilters], page: Query[PageParams]) -> dict:
    require_admin(request.auth)
    return paginate(request, selectors.dead_letter_list(**filters.dict()), page)


@router.get("/dead-letters/{letter_id}", response=DeadLetterDetailOut)
def dead_letter_detail(request: ApiRequest, letter_id: uuid.UUID) -> DeadLetter:
    require_admin(request.auth)
    return selectors.dead_letter_get(letter_id=letter_id)


@router.post("/dead-letters/{letter_id}/replay", response=DeadLetterDetailOut)
def dead_letter_replay(request: ApiRequest, letter_id: uuid.UUID) -> DeadLetter:
    require_admin(request.auth)
    return services.dead_letter_replay(letter_id=letter_id, by=request.auth)


routes = [("/jobs", router)]
