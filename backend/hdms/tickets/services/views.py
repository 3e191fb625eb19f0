"""Saved views (DESIGN §10): a person's named filters and ordering for ``GET tickets``, personal
or shared; who may share or change one is ``tickets/policy.py``'s to say."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db import transaction
from pydantic import ValidationError

from hdms.core.errors import Forbidden, ValidationFailed
from hdms.core.text import clean_line
from hdms.tickets import policy, selectors
from hdms.tickets.models import SavedView
from hdms.tickets.schemas import VIEW_FILTER_NAMES, TicketFilters

if TYPE_CHECKING:
    from hdms.users.models import User


def view_clean_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """``filters`` checked as ``GET tickets`` would read them (422 naming each bad one) and kept in
    their query-string form, without empty ones."""
    unknown = sorted(name for name in filters if name not in VIEW_FILTER_NAMES)
    if unknown:
        raise ValidationFailed(f"Unknown filters: {', '.join(unknown)}.",
                               errors=[{"loc": ["body", "filters", name], "msg": "unknown filter"} for name in unknown])
    try:
        # JSON's own types, strictly: a body says true, not 0 or "yes" (the query string's forms).
        parsed = TicketFilters.model_validate_json(json.dumps(filters), strict=True)
    except ValidationError as exc:
        raise ValidationFailed("Invalid filters.", errors=[
            {"loc": ["body", "filters", *[str(part) for part in error["loc"]]], "msg": error["msg"]}
            for error in exc.errors()]) from exc
    return parsed.model_dump(mode="json", include=set(VIEW_FILTER_NAMES), exclude_none=True)


def _check_share(by: User, shared: bool) -> None:
    if shared and not policy.view_may_share(by):
        raise Forbidden("Only moderators and admins share views.")


@transaction.atomic
def view_create(*, by: User, name: str, filters: dict[str, Any], ordering: str | None, shared: bool) -> SavedView:
    _check_share(by, shared)
    return SavedView.objects.create(owner=by, name=clean_line(name, field="name"),
                                    filters=view_clean_filters(filters), ordering=ordering or "", shared=shared)


@transaction.atomic
def view_update(*, by: User, view_id: Any, changes: dict[str, Any]) -> SavedView:
    view = selectors.view_get_visible(user=by, view_id=view_id)
    view = SavedView.objects.select_for_update().get(id=view.id)
    if not policy.view_may_change(by, owner_id=view.owner_id, shared=view.shared):
        raise Forbidden("Only its owner changes a view.")
    if "shared" in changes and changes["shared"] is not None:
        _check_share(by, changes["shared"])
        view.shared = changes["shared"]
    if changes.get("name") is not None:
        view.name = clean_line(changes["name"], field="name")
    if changes.get("filters") is not None:
        view.filters = view_clean_filters(changes["filters"])
    if "ordering" in changes:
        view.ordering = changes["ordering"] or ""
    view.version += 1
    view.save()
    return view


@transaction.atomic
def view_delete(*, by: User, view_id: Any) -> None:
    view = selectors.view_get_visible(user=by, view_id=view_id)
    if not policy.view_may_change(by, owner_id=view.owner_id, shared=view.shared):
        raise Forbidden("Only its owner deletes a view.")
    SavedView.objects.filter(id=view.id).delete()
