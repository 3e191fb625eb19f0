"""Every read of the knowledge base (DESIGN §11): lists and search, one article, revisions,
payloads. Visibility: ``rules.visible_filter``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from hdms.ai.services import similar_open_tickets
from hdms.core.errors import NotFound
from hdms.kb import rules, search
from hdms.kb.models import Article, ArticleFeedback, ArticleRevision, ArticleStatus
from hdms.users.selectors import department_list

SEARCH_LIMIT = 50
SUGGEST_LIMIT = 5


def _with_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.annotate(
        helpful_count=Count("feedback", filter=Q(feedback__helpful=True, feedback__is_deleted=False)),
        not_helpful_count=Count("feedback", filter=Q(feedback__helpful=False, feedback__is_deleted=False)),
        solved_count=Count("feedback", filter=Q(feedback__solved=True, feedback__is_deleted=False)),
    )


def _visible(*, user: Any, department_id: Any = None, status: str | None = None) -> QuerySet[Article]:
    articles = Article.objects.filter(rules.visible_filter(user))
    if department_id is not None:
        articles = articles.filter(department_id=department_id)
    if status:
        articles = articles.filter(status=status)
    return articles


def article_list(*, user: Any, department_id: Any = None, status: str | None = None) -> QuerySet[Article]:
    """The articles ``user`` reads, newest change first."""
    return _with_counts(_visible(user=user, department_id=department_id, status=status)).order_by("-updated_at")


def _in_order(ids: list[Any]) -> list[Article]:
    order = {article_id: i for i, article_id in enumerate(ids)}
    return sorted(_with_counts(Article.objects.filter(id__in=ids)), key=lambda a: order[a.id])


def article_search(*, user: Any, q: str, department_id: Any = None, status: str | None = None) -> list[Article]:
    """The articles of ``article_list`` that hold every word of ``q`` (``search``), best match
    first, at most ``SEARCH_LIMIT``."""
    words = search.words_of(q, limit=search.MAX_QUERY_WORDS, drop_common=False)
    articles = _visible(user=user, department_id=department_id, status=status)
    found = search.ranked(articles, words, min_words=search.query_min_words(words))
    return _in_order(list(found.values_list("id", flat=True)[:SEARCH_LIMIT]))


def article_suggest(*, user: Any, text: str) -> list[Article]:
    """Published articles that look like ``text`` (a request being written), best first."""
    words = search.words_of(text, limit=search.MAX_SUGGEST_WORDS, drop_common=True)
    published = Article.objects.filter(status=ArticleStatus.PUBLISHED)
    min_words = min(search.SUGGEST_MIN_WORDS, len(words))
    return _in_order(list(search.ranked(published, words, min_words=min_words).values_list("id", flat=True)
                          [:SUGGEST_LIMIT]))


def article_get_visible(*, user: Any, article_id: Any) -> Article:
    article = _with_counts(Article.objects.filter(rules.visible_filter(user), id=article_id)).first()
    if article is None:
        raise NotFound("Article not found.")
    return article


def article_revisions(*, user: Any, article_id: Any) -> QuerySet[ArticleRevision]:
    """Every saved version of the article, newest first: for those who may write it."""
    article = article_get_visible(user=user, article_id=article_id)
    rules.ensure_may_write(user, department_id=article.department_id)
    return ArticleRevision.objects.filter(article=article).select_related("editor").order_by("-number")


def feedback_of(*, user: Any, article_ids: list[Any]) -> dict[Any, ArticleFeedback]:
    return {f.article_id: f for f in ArticleFeedback.objects.filter(user=user, article_id__in=article_ids)}


def writable_department_ids(*, user: Any) -> list[str]:
    """The departments ``user`` may write articles for (admins: every department)."""
    if not rules.may_write_any(user):
        return []
    if rules.may_write(user, department_id=None):
        return [str(d.id) for d in department_list()]
    return [str(user.department_id)]


def article_payload(article: Article, user: Any, feedback: ArticleFeedback | None = None) -> dict[str, Any]:
    return {
        "id": article.id, "title_en": article.title_en, "title_ur": article.title_ur,
        "body_en": article.body_en, "body_ur": article.body_ur, "keywords": article.keywords,
        "department_id": article.department_id, "status": article.status,
        "helpful": getattr(article, "helpful_count", 0), "not_helpful": getattr(article, "not_helpful_count", 0),
        "solved": getattr(article, "solved_count", 0),
        "version": article.version, "created_at": article.created_at, "updated_at": article.updated_at,
        "published_at": article.published_at,
        "editable": rules.may_write(user, department_id=article.department_id),
        "accepts_feedback": article.status == ArticleStatus.PUBLISHED,
        "my_feedback": {"helpful": feedback.helpful, "solved": feedback.solved} if feedback else None,
    }


def revision_payload(revision: ArticleRevision) -> dict[str, Any]:
    return {
        "number": revision.number, "title_en": revision.title_en, "title_ur": revision.title_ur,
        "body_en": revision.body_en, "body_ur": revision.body_ur, "keywords": revision.keywords,
        "department_id": revision.department_id, "status": revision.status,
        "editor_id": revision.editor_id, "editor_name": revision.editor.full_name if revision.editor else "",
        "created_at": revision.created_at,
    }


def suggest(*, user: Any, text: str) -> dict[str, Any]:
    """What ``kb/suggest`` answers while a request is written: published articles that look like
    ``text`` and the caller's visible open tickets that do (the ai service's similarity)."""
    return {"articles": article_suggest(user=user, text=text),
            "tickets": similar_open_tickets(user=user, text=text) if text.strip() else []}


def article_titles() -> set[str]:
    """The English titles of every article, deleted ones too (the demo seed's idempotence)."""
    return set(Article.all_objects.values_list("title_en", flat=True))
