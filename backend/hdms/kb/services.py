"""Every write of the knowledge base (DESIGN §11): articles (each save kept as a revision and
audited) and the readers' feedback. Who may write which: ``rules``."""

from __future__ import annotations

from typing import Any

import nh3
from django.db import IntegrityError, transaction
from django.utils import timezone

from hdms.audit.services import audit_record
from hdms.core.errors import ValidationFailed, VersionConflict
from hdms.core.text import strip_bidi_controls
from hdms.kb import rules, search
from hdms.kb.models import Article, ArticleFeedback, ArticleRevision, ArticleStatus
from hdms.kb.selectors import article_get_visible
from hdms.users.selectors import department_get

# An article is richer than a chat message (headings, quotes, tables), never active: no script,
# style, form, frame or event attribute survives, links get rel="noopener noreferrer nofollow".
# Images are not part of the allow list (docs/decisions.md, issue 17).
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
TEXT_FIELDS = ("title_en", "title_ur", "body_en", "body_ur", "keywords")
FIELDS = (*TEXT_FIELDS, "department_id", "status")
HTML_FIELDS = ("body_en", "body_ur")


def sanitize_article_html(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=ALLOWED_URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", strip_comments=True).strip()


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Trims and sanitises what a create or change sets; 422 naming each bad field."""
    errors = []
    for name in TEXT_FIELDS:
        if name not in fields:
            continue
        value = strip_bidi_controls(fields[name] or "")
        if "\x00" in value:
            errors.append({"loc": ["body", name], "msg": "contains a NUL byte"})
            continue
        fields[name] = sanitize_article_html(value) if name in HTML_FIELDS else " ".join(value.split())
    for name in ("title_en", "body_en"):
        if name in fields and not search.html_text(fields[name]).strip():
            errors.append({"loc": ["body", name], "msg": "required"})
    if "status" in fields and fields["status"] not in ArticleStatus.values:
        errors.append({"loc": ["body", "status"], "msg": "draft or published"})
    if fields.get("department_id") is not None and department_get(department_id=fields["department_id"]) is None:
        errors.append({"loc": ["body", "department_id"], "msg": "unknown department"})
    if errors:
        raise ValidationFailed("The article is not valid.", errors=errors)
    return fields


def _record_revision(article: Article, *, by: Any) -> None:
    ArticleRevision.objects.create(
        article=article, number=article.version, editor=by, department_id=article.department_id,
        status=article.status, **{name: getattr(article, name) for name in TEXT_FIELDS})


def _snapshot(article: Article) -> dict[str, Any]:
    return {"title_en": article.title_en, "status": article.status,
            "department_id": str(article.department_id) if article.department_id else None,
            "version": article.version}


def _refresh_search_text(article: Article) -> None:
    article.search_text = search.document_text(**{name: getattr(article, name) for name in TEXT_FIELDS})
    article.search_keys = search.document_keys(article.search_text)


def article_create(
    *, by: Any, title_en: str, body_en: str, title_ur: str = "", body_ur: str = "", keywords: str = "",
    department_id: Any = None, status: str = ArticleStatus.DRAFT,
) -> Article:
    """A new article of ``department_id`` (none: the whole desk's, admins only), as a draft or published."""
    rules.ensure_may_write(by, department_id=department_id)
    fields = _clean({"title_en": title_en, "title_ur": title_ur, "body_en": body_en, "body_ur": body_ur,
                     "keywords": keywords, "department_id": department_id, "status": status})
    with transaction.atomic():
        article = Article(created_by=by, updated_by=by, **fields)
        if article.status == ArticleStatus.PUBLISHED:
            article.published_at = timezone.now()
        _refresh_search_text(article)
        article.save()
        _record_revision(article, by=by)
        audit_record(action="kb.article_create", actor=by, object_type="kb_article", object_id=article.id,
                     after=_snapshot(article))
    return article


def article_update(*, by: Any, article_id: Any, fields: dict[str, Any], version: int | None = None) -> Article:
    """Change an article's text, department or status (publishing it, or taking it back to draft);
    ``version`` (when sent) must be the current one (409). Moving it to another department needs
    the right to write in both."""
    visible = article_get_visible(user=by, article_id=article_id)
    rules.ensure_may_write(by, department_id=visible.department_id)
    fields = {name: value for name, value in fields.items() if name in FIELDS}
    if "department_id" in fields:
        rules.ensure_may_write(by, department_id=fields["department_id"])
    fields = _clean(fields)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(id=visible.id)
        if version is not None and version != article.version:
            raise VersionConflict()
        changed = [name for name, value in fields.items() if getattr(article, name) != value]
        if not changed:
            return article
        before = _snapshot(article)
        for name in changed:
            setattr(article, name, fields[name])
        if "status" in changed and article.status == ArticleStatus.PUBLISHED:
            article.published_at = timezone.now()
            changed.append("published_at")
        _refresh_search_text(article)
        article.version += 1
        article.updated_by = by
        article.save(update_fields=[*changed, "search_text", "search_keys", "version", "updated_by", "updated_at"])
        _record_revision(article, by=by)
        audit_record(action="kb.article_update", actor=by, object_type="kb_article", object_id=article.id,
                     before=before, after=_snapshot(article))
    return article


def article_delete(*, by: Any, article_id: Any) -> None:
    article = article_get_visible(user=by, article_id=article_id)
    rules.ensure_may_write(by, department_id=article.department_id)
    with transaction.atomic():
        Article.objects.filter(id=article.id).soft_delete()
        audit_record(action="kb.article_delete", actor=by, object_type="kb_article", object_id=article.id,
                     before=_snapshot(article))


def article_feedback(*, by: Any, article_id: Any, helpful: bool, solved: bool = False) -> ArticleFeedback:
    """The caller's answer to "did this help?" (``solved``: it solved the problem they were about
    to file a request for). One answer per reader and article: sending it again changes nothing
    (a retry is safe), a different one replaces it. Only published articles take feedback."""
    article = article_get_visible(user=by, article_id=article_id)
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationFailed("Only a published article takes feedback.",
                               errors=[{"loc": ["path", "article_id"], "msg": "not published"}])
    if solved and not helpful:
        raise ValidationFailed("An article that solved the problem helped.",
                               errors=[{"loc": ["body", "solved"], "msg": "needs helpful"}])
    with transaction.atomic():
        current = ArticleFeedback.objects.select_for_update().filter(article=article, user=by).first()
        if current is None:
            try:
                with transaction.atomic():
                    return ArticleFeedback.objects.create(article=article, user=by, helpful=helpful, solved=solved)
            except IntegrityError:  # a concurrent first answer of the same reader won: update it below
                current = ArticleFeedback.objects.select_for_update().get(article=article, user=by)
        # "This solved it" stays once said: a later "helpful" from the article page does not undo it.
        solved = solved or (current.solved and helpful)
        if (current.helpful, current.solved) != (helpful, solved):
            current.helpful, current.solved = helpful, solved
            current.version += 1
            current.save(update_fields=["helpful", "solved", "version", "updated_at"])
    return current
