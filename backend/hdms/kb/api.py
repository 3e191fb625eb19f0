"""Router of the knowledge base (DESIGN §11), mounted by the ticket service (hdms.topology)."""

from typing import Any
from uuid import UUID

from ninja import Query, Router

from hdms.core.auth import ApiRequest
from hdms.core.pagination import paginate
from hdms.core.schema_types import patch_changes
from hdms.kb import selectors, services
from hdms.kb.schemas import (
    ArticleFeedbackIn,
    ArticleIn,
    ArticleListParams,
    ArticleOut,
    ArticlePageOut,
    ArticlePatch,
    ArticleRevisionListOut,
    KbSuggestOut,
    KbSuggestParams,
)

router = Router(tags=["knowledge-base"])


def _payloads(articles: list[Any], user: Any) -> list[dict[str, Any]]:
    feedback = selectors.feedback_of(user=user, article_ids=[a.id for a in articles])
    return [selectors.article_payload(a, user, feedback.get(a.id)) for a in articles]


@router.get("/articles", response=ArticlePageOut)
def article_list(request: ApiRequest, params: Query[ArticleListParams]) -> dict[str, Any]:
    """Published articles for everyone; drafts for those who may write them. With ``q``: the
    best matches (at most 50, one page)."""
    user = request.auth
    if params.q.strip():
        found = selectors.article_search(user=user, q=params.q, department_id=params.department_id,
                                         status=params.status)
        page: dict[str, Any] = {"items": found, "count": len(found), "next": None}
    else:
        page = paginate(request, selectors.article_list(user=user, department_id=params.department_id,
                                                        status=params.status), params)
    page["items"] = _payloads(page["items"], user)
    page["writable_department_ids"] = selectors.writable_department_ids(user=user)
    return page


@router.post("/articles", response={201: ArticleOut})
def article_create(request: ApiRequest, payload: ArticleIn) -> tuple[int, dict[str, Any]]:
    article = services.article_create(by=request.auth, **payload.dict())
    return 201, selectors.article_payload(selectors.article_get_visible(user=request.auth, article_id=article.id),
                                          request.auth)


@router.get("/articles/{article_id}", response=ArticleOut)
def article_get(request: ApiRequest, article_id: UUID) -> dict[str, Any]:
    return _payloads([selectors.article_get_visible(user=request.auth, article_id=article_id)], request.auth)[0]


@router.patch("/articles/{article_id}", response=ArticleOut)
def article_update(request: ApiRequest, article_id: UUID, payload: ArticlePatch) -> dict[str, Any]:
    fields = patch_changes(payload, nullable=("department_id",))  # no department: the whole desk's article
    version = fields.pop("version", None)
    services.article_update(by=request.auth, article_id=article_id, fields=fields, version=version)
    return article_get(request, article_id)


@router.delete("/articles/{article_id}", response={204: None})
def article_delete(request: ApiRequest, article_id: UUID) -> tuple[int, None]:
    services.article_delete(by=request.auth, article_id=article_id)
    return 204, None


@router.get("/articles/{article_id}/revisions", response=ArticleRevisionListOut)
def article_revisions(request: ApiRequest, article_id: UUID) -> dict[str, Any]:
    """Every saved version, newest first (those who may write the article)."""
    items = [selectors.revision_payload(r) for r in selectors.article_revisions(user=request.auth,
                                                                                   article_id=article_id)]
    return {"items": items, "count": len(items)}


@router.post("/articles/{article_id}/feedback", response=ArticleOut)
def article_feedback(request: ApiRequest, article_id: UUID, payload: ArticleFeedbackIn) -> dict[str, Any]:
    """"Did this help?" (and "this solved it"), once per reader: a repeat changes nothing."""
    services.article_feedback(by=request.auth, article_id=article_id, helpful=payload.helpful,
                              solved=payload.solved)
    return article_get(request, article_id)


@router.get("/suggest", response=KbSuggestOut)
def suggest(request: ApiRequest, params: Query[KbSuggestParams]) -> dict[str, Any]:
    """Published articles and the caller's visible open tickets that look like ``text``."""
    found = selectors.suggest(user=request.auth, text=params.text)
    return {"articles": _payloads(found["articles"], request.auth), "tickets": found["tickets"]}


routes = [("/kb", router)]
