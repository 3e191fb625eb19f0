"""The ai service's HTTP API (DESIGN §12): a FastAPI application under ``/api/v1/ai``.

It is mounted beside Django in the ASGI application (hdms/asgi.py) of the process serving ``ai``
(port 8006) or ``all`` (the embedded default). Same JWTs, error shape (``{detail, code}``, DESIGN
§4), rate-limit buckets and headers, request ids and audit context as the Django services. Each
request's database work runs in one worker thread of its own (asgiref's ``ThreadSensitiveContext``,
as Django's ASGI handler does), with connections closed after it as Django closes them.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.db import close_old_connections
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from starlette.exceptions import HTTPException as StarletteHTTPException

from hdms.ai.learn import RISK_LEVELS
from hdms.ai.selectors import department_switches, latest_suggestion_for_ticket, model_version_get, model_version_list
from hdms.ai.services import (
    department_switch_update,
    feedback_record,
    model_activate,
    model_train_request,
    sla_risk,
    ticket_similar,
    triage_suggest,
)
from hdms.core.auth import user_for_access_token
from hdms.core.context import client_ip_var, request_id_var, user_id_var
from hdms.core.errors import STATUS_BY_CODE, DomainError, NotAuthenticated, RateLimited
from hdms.core.faults import missing_part, response_for_failure
from hdms.core.field_errors import field_errors
from hdms.core.permissions import require_admin, require_staff
from hdms.core.ratelimit import take_user_token
from hdms.tickets.selectors import ticket_get_visible
from hdms.users.selectors import department_list

PREFIX = "/api/v1/ai"
logger = logging.getLogger("hdms.ai")
T = TypeVar("T")
MAX_BODY_BYTES = 256 * 1024  # a title and a description; the Django services allow 5 MB of JSON
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


# ---------------------------------------------------------------- schemas

class TriageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is refused (DESIGN §4)

    title: str = Field("", max_length=200, pattern=r"^[^\u0000]*$")
    description: str = Field("", max_length=20_000, pattern=r"^[^\u0000]*$")
    ticket_id: uuid.UUID | None = Field(None, description="The ticket under review (staff): excluded from similar")


class DepartmentScore(BaseModel):
    department_id: str
    probability: float


class CategoryScore(BaseModel):
    category_id: str
    probability: float


class SimilarTicket(BaseModel):
    ticket_id: str
    number: str
    title: str
    status: str
    score: float


class TriageOut(BaseModel):
    suggestion_id: str
    departments: list[DepartmentScore]
    categories: list[CategoryScore]
    abstained: bool
    reason: str = Field(description="'' | unsure | too_few_examples | history_too_small | department_off")
    source: str = Field(description="model (learned from the desk's history) | rules (names and keywords)")
    model_version: int | None
    similar: list[SimilarTicket]
    accepted: bool | None = None
    chosen_department_id: str | None = None


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is refused (DESIGN §4)

    suggestion_id: uuid.UUID
    accepted: bool
    chosen_department_id: uuid.UUID | None = None


class SlaRiskOut(BaseModel):
    ticket_id: str
    probability: float
    level: str = Field(description="low | medium | high")
    model_version: int


class SlaRiskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is refused (DESIGN §4)

    ticket_ids: list[uuid.UUID] = Field(..., max_length=500)


class ModelVersionOut(BaseModel):
    id: str
    number: int
    status: str
    trigger: str
    is_active: bool
    trained_at: datetime | None
    created_at: datetime
    training_size: int
    sla_training_size: int
    metrics: dict[str, Any]
    error: str


class ModelListOut(BaseModel):
    items: list[ModelVersionOut]
    count: int
    min_history: int


class DepartmentSettingOut(BaseModel):
    department_id: str
    code: str
    name: str
    suggestions_enabled: bool
    keywords: str
    precision: float | None = None
    recall: float | None = None
    support: int | None = None


class DepartmentSettingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is refused (DESIGN §4)

    suggestions_enabled: StrictBool | None = None  # 0/1 and "true" are refused, not coerced
    keywords: str | None = Field(None, max_length=4000, pattern=r"^[^\u0000]*$")


# ---------------------------------------------------------------- running Django work

def _authenticate(request: Request) -> Any:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated()
    user = user_for_access_token(token.strip())
    user_id_var.set(str(user.id))
    bucket = take_user_token(user_id=str(user.id), role=user.role)
    request.state.rate = bucket
    if bucket is not None and not bucket.allowed:
        raise RateLimited(f"Rate limit exceeded; retry in {bucket.retry_after} s.", retry_after=bucket.retry_after)
    return user


async def run(request: Request, work: Callable[[Any], T]) -> T:
    """``work(user)`` in a thread of this request's own, after authenticating the caller."""
    def in_thread() -> T:
        close_old_connections()
        request_id_var.set(request.state.request_id)
        client_ip_var.set(request.client.host if request.client else "")
        try:
            return work(_authenticate(request))
        finally:
            close_old_connections()

    async with ThreadSensitiveContext():
        return await sync_to_async(in_thread, thread_sensitive=True)()


# ---------------------------------------------------------------- payloads

def _triage_out(suggestion: Any, similar: list[dict[str, Any]] | None = None) -> TriageOut:
    rows = similar if similar is not None else getattr(suggestion, "similar", [])
    return TriageOut(
        suggestion_id=str(suggestion.id), departments=suggestion.departments, categories=suggestion.categories,
        abstained=suggestion.abstained, reason=suggestion.reason, source=suggestion.source,
        model_version=suggestion.model_version.number if suggestion.model_version_id else None,
        similar=[SimilarTicket(**row) for row in rows],
        accepted=suggestion.accepted,
        chosen_department_id=str(suggestion.chosen_department_id) if suggestion.chosen_department_id else None,
    )


def _version_out(version: Any) -> ModelVersionOut:
    return ModelVersionOut(
        id=str(version.id), number=version.number, status=version.status, trigger=version.trigger,
        is_active=version.is_active, trained_at=version.trained_at, created_at=version.created_at,
        training_size=version.training_size, sla_training_size=version.sla_training_size,
        metrics=version.metrics, error=version.error,
    )


# ---------------------------------------------------------------- the application

def create_app() -> FastAPI:
    app = FastAPI(title="HDMS ai service", version="1", openapi_url=f"{PREFIX}/openapi.json",
                  docs_url=f"{PREFIX}/docs", redoc_url=None,
                  description="Triage suggestions, similar tickets, SLA risk and training (DESIGN §12).")

    @app.middleware("http")
    async def request_context(request: Request, call_next: Any) -> Any:
        incoming = request.headers.get("x-request-id", "")
        request.state.request_id = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request.state.rate = None
        declared = request.headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            response: Any = JSONResponse({"detail": "The request body is too large.", "code": "validation_error"},
                                         status_code=413)
        else:
            response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        rate = request.state.rate
        response.headers["X-RateLimit-Limit"] = str(rate.limit) if rate else "unlimited"
        response.headers["X-RateLimit-Remaining"] = str(rate.remaining) if rate else "unlimited"
        response.headers["X-RateLimit-Reset"] = str(rate.reset_seconds) if rate else "0"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        body: dict[str, Any] = {"detail": exc.detail, "code": exc.code}
        if isinstance(exc.extra.get("errors"), list):
            body["errors"] = field_errors(exc.extra["errors"])
        retry_after = exc.extra.get("retry_after")
        headers = {"Retry-After": str(retry_after)} if isinstance(retry_after, int) else None
        return JSONResponse(body, status_code=STATUS_BY_CODE.get(exc.code, 400), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(list(exc.errors()))
        fields = ", ".join(e["field"] for e in errors[:5])
        return JSONResponse({"detail": f"Invalid input: {fields}." if fields else "Invalid input.",
                             "code": "validation_error", "errors": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "validation_error"}.get(exc.status_code, "validation_error")
        return JSONResponse({"detail": str(exc.detail), "code": code}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:
        if missing_part(exc) is None:
            logger.exception("Unhandled error on %s %s", request.method, request.url.path)
        django_response = response_for_failure(exc)
        return JSONResponse(json.loads(django_response.content), status_code=django_response.status_code)

    @app.post(f"{PREFIX}/triage", response_model=TriageOut, tags=["ai"])
    async def triage(request: Request, body: TriageIn) -> TriageOut:
        """Department and category suggestions for a text, and open tickets that look like it.
        Nothing is changed: a person accepts or overrides (``POST ai/feedback``)."""
        return await run(request, lambda user: _triage_out(triage_suggest(
            user=user, title=body.title, description=body.description, ticket_id=body.ticket_id)))

    @app.get(f"{PREFIX}/tickets/{{ticket_id}}/triage", response_model=TriageOut | None, tags=["ai"])
    async def ticket_triage(request: Request, ticket_id: uuid.UUID) -> TriageOut | None:
        """The latest suggestion given for a ticket under review (staff), with the open tickets that
        look like it now, or null when none was asked for yet (``POST ai/triage`` with ``ticket_id``)."""
        def work(user: Any) -> TriageOut | None:
            require_staff(user)
            ticket_get_visible(user=user, ticket_id=ticket_id)
            suggestion = latest_suggestion_for_ticket(ticket_id=ticket_id)
            if suggestion is None:
                return None
            return _triage_out(suggestion, similar=ticket_similar(user=user, ticket_id=ticket_id))

        return await run(request, work)

    @app.post(f"{PREFIX}/feedback", response_model=TriageOut, tags=["ai"])
    async def feedback(request: Request, body: FeedbackIn) -> TriageOut:
        """A moderator accepted a suggested department or chose another; audited with the model version."""
        return await run(request, lambda user: _triage_out(feedback_record(
            user=user, suggestion_id=body.suggestion_id, accepted=body.accepted,
            chosen_department_id=body.chosen_department_id), similar=[]))

    @app.post(f"{PREFIX}/sla-risk", response_model=list[SlaRiskOut], tags=["ai"])
    async def sla_risk_many(request: Request, body: SlaRiskIn) -> list[SlaRiskOut]:
        """Breach risk of the given open tickets (staff); tickets without a running clock are left out."""
        def work(user: Any) -> list[SlaRiskOut]:
            require_staff(user)
            risks = sla_risk(ticket_ids=[str(i) for i in body.ticket_ids])
            return [SlaRiskOut(ticket_id=i, **r) for i, r in risks.items()]

        return await run(request, work)

    @app.get(f"{PREFIX}/at-risk", response_model=list[SlaRiskOut], tags=["ai"])
    async def at_risk(request: Request, limit: int = Query(50, ge=1, le=500),
                      min_level: str = Query("medium", pattern="^(low|medium|high)$")) -> list[SlaRiskOut]:
        """Open tickets most likely to miss their resolution target first (staff)."""

        def work(user: Any) -> list[SlaRiskOut]:
            require_staff(user)
            floor = next(f for f, level in RISK_LEVELS if level == min_level)
            risks = sorted(sla_risk().items(), key=lambda item: -item[1]["probability"])
            return [SlaRiskOut(ticket_id=i, **r) for i, r in risks if r["probability"] >= floor][:limit]

        return await run(request, work)

    @app.get(f"{PREFIX}/models", response_model=ModelListOut, tags=["ai admin"])
    async def models(request: Request) -> ModelListOut:
        """Every trained version with its training size and held-out metrics (admin)."""
        def work(user: Any) -> ModelListOut:
            require_admin(user)
            items = [_version_out(v) for v in model_version_list()[:100]]
            return ModelListOut(items=items, count=len(items), min_history=settings.HDMS_AI_MIN_HISTORY)

        return await run(request, work)

    @app.post(f"{PREFIX}/models/train", response_model=ModelVersionOut, status_code=202, tags=["ai admin"])
    async def train(request: Request) -> ModelVersionOut:
        """Train a new version now (admin); it runs in the background and is served when ready."""
        def work(user: Any) -> ModelVersionOut:
            require_admin(user)
            version = model_train_request(trigger="admin", by=user)
            return _version_out(model_version_get(version_id=version.id))

        return await run(request, work)

    @app.post(f"{PREFIX}/models/{{version_id}}/activate", response_model=ModelVersionOut, tags=["ai admin"])
    async def activate(request: Request, version_id: uuid.UUID) -> ModelVersionOut:
        """Serve this (trained) version (admin)."""
        def work(user: Any) -> ModelVersionOut:
            require_admin(user)
            return _version_out(model_activate(by=user, version_id=version_id))

        return await run(request, work)

    @app.get(f"{PREFIX}/departments", response_model=list[DepartmentSettingOut], tags=["ai admin"])
    async def departments(request: Request) -> list[DepartmentSettingOut]:
        """Per department: suggestions on or off, rule keywords, held-out precision and recall (admin)."""
        return await run(request, _department_settings)

    @app.patch(f"{PREFIX}/departments/{{department_id}}", response_model=list[DepartmentSettingOut],
               tags=["ai admin"])
    async def department_update(request: Request, department_id: uuid.UUID,
                                body: DepartmentSettingIn) -> list[DepartmentSettingOut]:
        """Switch suggestions off (or on) for a department, or set its rule keywords (admin)."""
        def work(user: Any) -> list[DepartmentSettingOut]:
            require_admin(user)
            department_switch_update(by=user, department_id=department_id,
                                     suggestions_enabled=body.suggestions_enabled, keywords=body.keywords)
            return _department_settings(user)

        return await run(request, work)

    return app


def _department_settings(user: Any) -> list[DepartmentSettingOut]:
    require_admin(user)
    switches = department_switches()
    active = model_version_list().filter(is_active=True).first()
    per_label = (active.metrics.get("departments", {}).get("per_label", {}) if active else {})
    out = []
    for d in department_list():
        switch = switches.get(str(d.id))
        scores = per_label.get(str(d.id), {})
        out.append(DepartmentSettingOut(
            department_id=str(d.id), code=d.code, name=d.name,
            suggestions_enabled=switch.suggestions_enabled if switch else True,
            keywords=switch.keywords if switch else "", precision=scores.get("precision"),
            recall=scores.get("recall"), support=scores.get("support")))
    return out


app = create_app()
