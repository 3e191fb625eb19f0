"""Who reads and who writes knowledge-base articles (DESIGN §11): the one home of these rules.

Everyone signed in reads published articles. An article is written (created, changed, published,
deleted) by admins, and by its department's staff (assignees and moderators of that department);
articles of the whole desk (no department) by admins only. Drafts are read only by those who may
write them. Payloads carry ``editable`` for the caller, computed here, so the web app keeps no copy.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hdms.core.errors import Forbidden
from hdms.core.roles import Role
from hdms.kb.models import ArticleStatus

DEPARTMENT_STAFF = (Role.ASSIGNEE, Role.MODERATOR)


def may_write(user: Any, *, department_id: Any) -> bool:
    if user is None:
        return False
    if user.role == Role.ADMIN:
        return True
    return (user.role in DEPARTMENT_STAFF and department_id is not None and user.department_id is not None
            and str(user.department_id) == str(department_id))


def ensure_may_write(user: Any, *, department_id: Any) -> None:
    if not may_write(user, department_id=department_id):
        raise Forbidden("Articles are written by admins and by their department's staff.")


def may_write_any(user: Any) -> bool:
    """Whether ``user`` may write articles of some department (the web app's editor link)."""
    return user.role == Role.ADMIN or (user.role in DEPARTMENT_STAFF and user.department_id is not None)


def visible_filter(user: Any) -> Q:
    """The articles ``user`` reads, as a filter of ``Article``."""
    if user.role == Role.ADMIN:
        return Q()
    published = Q(status=ArticleStatus.PUBLISHED)
    if user.role in DEPARTMENT_STAFF and user.department_id is not None:
        return published | Q(department_id=user.department_id)
    return published
