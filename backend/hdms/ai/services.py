"""Every write and rule of the ai service (DESIGN §12): suggestions, feedback, training, switches.

A suggestion never changes a ticket: it is stored (so feedback can name it) and returned; people
accept or override it in the ticket service's own actions, and say so here (feedback, audited
with the model version)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hdms.ai import engine, rules, selectors, similar
from hdms.ai.learn import SlaContext, SlaTicket, TriageExample, risk_level, train_sla_risk, train_triage
from hdms.ai.models import DepartmentSwitch, ModelStatus, ModelVersion, Suggestion
from hdms.audit.services import audit_record
from hdms.core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from hdms.core.outbox import outbox_task
from hdms.core.permissions import is_staff
from hdms.tickets import selectors as ticket_selectors
from hdms.tickets import services as ticket_services
from hdms.users.selectors import department_get, department_list

logger = logging.getLogger("hdms.ai")


# ---------------------------------------------------------------- suggestions

def _rule_departments() -> list[rules.RuleDepartment]:
    switches = selectors.department_switches()
    return [rules.RuleDepartment(str(d.id), d.code, d.name,
                                 switches[str(d.id)].keywords if str(d.id) in switches else "")
            for d in department_list()]


def _similar(*, user: Any, title: str, description: str, exclude: set[str]) -> list[dict[str, Any]]:
    index = similar.open_index(lambda: ticket_selectors.open_ticket_texts(limit=settings.HDMS_AI_SIMILAR_CANDIDATES))
    limit = settings.HDMS_AI_SIMILAR_LIMIT
    found = index.search(title, description, limit=limit * (1 if is_staff(user) else 4),
                         min_score=settings.HDMS_AI_SIMILAR_MIN_SCORE, exclude=exclude)
    if not is_staff(user):  # a requestor sees only the open tickets they may see anyway
        visible = ticket_selectors.visible_ticket_ids(user=user, ticket_ids=[row["id"] for row, _ in found])
        found = [(row, score) for row, score in found if row["id"] in visible]
    return [{"ticket_id": row["id"], "number": row["number"], "title": row["title"], "status": row["status"],
             "score": score} for row, score in found[:limit]]


def similar_open_tickets(*, user: Any, text: str) -> list[dict[str, Any]]:
    """The open tickets ``user`` may see that read like ``text`` (a request being written), for
    other services (the knowledge base's suggestions, issue 17): ``[{ticket_id, number, title,
    status, score}]``, best first."""
    return _similar(user=user, title=text, description="", exclude=set())


def triage_suggest(*, user: Any, title: str, description: str, ticket_id: Any = None) -> Suggestion:
    """Department and category suggestions for a text, and the open tickets that look like it.

    From the served model when there is one (the data gate keeps one from being trained on too
    small a history), else from the rules; departments an admin switched off are never suggested.
    With ``ticket_id`` (staff reviewing a ticket) the ticket must be visible and is not its own
    duplicate."""
    exclude: set[str] = set()
    if ticket_id is not None:
        if not is_staff(user):
            raise Forbidden()
        ticket = ticket_selectors.ticket_get_visible(user=user, ticket_id=ticket_id)
        ticket_id = ticket.id
        exclude = {str(ticket.id)}
    switched_off = selectors.departments_switched_off()
    active_ids = {str(d.id) for d in department_list()}
    served = engine.served_model(selectors.active_version_key)
    if served is not None:
        departments, categories = served.bundle["triage"].predict(title, description)
        source, version_id = "model", served.version_id
        abstained, reason = departments.abstained, departments.reason
        if departments.labels and departments.labels[0][0] in switched_off:
            abstained, reason = True, "department_off"
        department_rows = [(d, p) for d, p in departments.labels if d in active_ids and d not in switched_off]
        category_rows = [] if categories.abstained else categories.labels
    else:
        source, version_id = "rules", None
        department_rows = [(d, p) for d, p in rules.suggest(title, description, _rule_departments())
                           if d not in switched_off]
        abstained, reason, category_rows = not department_rows, "history_too_small", []
    abstained = abstained or not department_rows
    suggestion = Suggestion.objects.create(
        model_version_id=version_id, source=source, requested_by=user, ticket_id=ticket_id,
        departments=[{"department_id": d, "probability": round(p, 4)} for d, p in department_rows],
        categories=[{"category_id": c, "probability": round(p, 4)} for c, p in category_rows],
        abstained=abstained, reason=reason if abstained or source == "rules" else "",
    )
    suggestion.similar = _similar(user=user, title=title, description=description, exclude=exclude)
    if ticket_id is not None:  # staff read the latest suggestion in the ticket's payload (DESIGN §12)
        ticket_services.ticket_triage_store(ticket_id=ticket_id, triage={
            "suggestion_id": str(suggestion.id), "departments": suggestion.departments,
            "categories": suggestion.categories, "abstained": abstained, "reason": suggestion.reason,
            "model_version": served.number if served is not None else None, "source": source})
    return suggestion


def feedback_record(*, user: Any, suggestion_id: Any, accepted: bool, chosen_department_id: Any = None) -> Suggestion:
    """What a moderator did with a suggestion: accepted one of its departments, or chose another
    (overrode it). Audited with the model version. Sending the same answer again changes nothing;
    a different answer replaces it and is audited again."""
    if not is_staff(user):
        raise Forbidden()
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().filter(id=suggestion_id).first()
        if suggestion is None:
            raise NotFound()
        suggested = [row["department_id"] for row in suggestion.departments]
        chosen = str(chosen_department_id) if chosen_department_id else None
        if accepted:
            chosen = chosen or (suggested[0] if suggested else None)
            if chosen is None or chosen not in suggested:
                raise ValidationFailed("Only a suggested department can be accepted.", errors=[
                    {"loc": ["body", "chosen_department_id"], "msg": "not among the suggested departments"}])
        elif chosen is not None and department_get(department_id=chosen) is None:
            raise ValidationFailed("No such department.", errors=[
                {"loc": ["body", "chosen_department_id"], "msg": "unknown department"}])
        if suggestion.accepted == accepted and str(suggestion.chosen_department_id or "") == (chosen or ""):
            return suggestion
        before = {"accepted": suggestion.accepted, "chosen_department_id":
                  str(suggestion.chosen_department_id) if suggestion.chosen_department_id else None}
        suggestion.accepted, suggestion.chosen_department_id = accepted, chosen
        suggestion.decided_by, suggestion.decided_at = user, timezone.now()
        suggestion.version += 1
        suggestion.save(update_fields=["accepted", "chosen_department_id", "decided_by", "decided_at", "version",
                                       "updated_at"])
        audit_record(action="ai.feedback", actor=user, object_type="ai_suggestion", object_id=suggestion.id,
                     before=before, after={
                         "accepted": accepted, "chosen_department_id": chosen, "suggested": suggested,
                         "source": suggestion.source, "ticket_id": str(suggestion.ticket_id or "") or None,
                         "model_version": suggestion.model_version.number if suggestion.model_version else None,
                     })
    return suggestion


# ---------------------------------------------------------------- SLA risk

def _sla_ticket(row: dict[str, Any]) -> SlaTicket:
    return SlaTicket(row["id"], row["department_id"], row["category"], row["priority"], row["requestor_id"],
                     row["assignee_id"], row["started_at"], row["due_at"], row["finished_at"], row["breached"],
                     row["text_length"], row["has_amount"], row["is_subticket"])


def sla_risk(*, ticket_ids: list[Any] | None = None) -> dict[str, dict[str, Any]]:
    """Breach probability of open tickets (all, or ``ticket_ids``): {id: {probability, level,
    model_version}}. Empty when no model with an SLA part is served."""
    served = engine.served_model(selectors.active_version_key)
    model = served.bundle.get("sla") if served is not None else None
    if model is None:
        return {}
    now = timezone.now()
    open_rows = ticket_selectors.sla_open(ticket_ids=ticket_ids)
    if not open_rows:
        return {}
    # The desk around them: backlogs and loads from the last 90 days, requestors' earlier tickets.
    context = SlaContext([_sla_ticket(r) for r in ticket_selectors.sla_history(since=now - timedelta(days=90))])
    tickets = [_sla_ticket(r) for r in open_rows]
    probabilities = model.probabilities(tickets, context, now)
    return {t.id: {"probability": round(p, 3), "level": risk_level(p), "model_version": served.number}  # type: ignore[union-attr]
            for t, p in zip(tickets, probabilities, strict=True)}


def sla_risk_refresh() -> int:
    """Stores every open ticket's breach risk on the ticket (``tickets.services.ticket_sla_risk_store``)
    so ticket lists carry it and sort by it without calling the model; clears it when no model is
    served. Run by beat every few minutes (``ai.sla_risk_refresh``) and after training."""
    risks = sla_risk()
    return ticket_services.ticket_sla_risk_store(
        risks={ticket_id: (r["probability"], r["level"]) for ticket_id, r in risks.items()})


def ticket_similar(*, user: Any, ticket_id: Any) -> list[dict[str, Any]]:
    """Open tickets that look like the one under review (staff), itself left out."""
    if not is_staff(user):
        raise Forbidden()
    ticket = ticket_selectors.ticket_get_visible(user=user, ticket_id=ticket_id)
    return _similar(user=user, title=ticket.title, description=ticket.description, exclude={str(ticket.id)})


# ---------------------------------------------------------------- training

def model_train_request(*, trigger: str, by: Any = None) -> ModelVersion:
    """A new version row in ``training``; the training itself runs in a task (``ai.train_models``),
    queued through the outbox in the same transaction."""
    with transaction.atomic():
        version = ModelVersion.objects.create(number=selectors.next_version_number(), trigger=trigger,
                                              requested_by=by)
        audit_record(action="ai.train_requested", actor=by, object_type="ai_model", object_id=version.id,
                     after={"number": version.number, "trigger": trigger})
        outbox_task("ai.train_models", kwargs={"version_id": str(version.id)}, queue="low")
    return version


def model_train_run(*, version_id: Any = None, trigger: str = "nightly") -> ModelVersion:
    """Train one version (the row ``version_id``, or a new one): the data gate, the held-out
    metrics, the artefact, and activation if it trained. Idempotent: a version that already
    finished is returned as it is."""
    if version_id is None:
        version = ModelVersion.objects.create(number=selectors.next_version_number(), trigger=trigger)
    else:
        version = selectors.model_version_get(version_id=version_id)
        if version.status != ModelStatus.TRAINING:
            return version
    try:
        return _train(version)
    except Exception as exc:
        logger.exception("Training model v%s failed", version.number)
        ModelVersion.objects.filter(id=version.id).update(
            status=ModelStatus.FAILED, error=f"{type(exc).__name__}: {exc}", trained_at=timezone.now())
        raise


def _train(version: ModelVersion) -> ModelVersion:
    history = ticket_selectors.triage_history(limit=settings.HDMS_AI_MAX_HISTORY)
    examples = [TriageExample(r["title"], r["description"], r["department_id"], r["category"] or "", r["created_at"])
                for r in history]
    gate = settings.HDMS_AI_MIN_HISTORY
    version.training_size = len(examples)
    if len(examples) < gate:
        version.status, version.trained_at = ModelStatus.SKIPPED, timezone.now()
        version.metrics = {"history": len(examples), "min_history": gate}
        version.save()
        return version
    triage = train_triage(examples, min_examples=settings.HDMS_AI_MIN_EXAMPLES,
                          target_precision=settings.HDMS_AI_TARGET_PRECISION)
    sla_rows = ticket_selectors.sla_history(limit=settings.HDMS_AI_MAX_HISTORY)
    sla_model, sla_metrics = train_sla_risk([_sla_ticket(r) for r in sla_rows])
    name, digest = engine.save_bundle({"triage": triage.model, "sla": sla_model}, number=version.number)
    with transaction.atomic():
        ModelVersion.objects.filter(is_active=True).update(is_active=False)
        version.status, version.trained_at, version.is_active = ModelStatus.READY, timezone.now(), True
        version.artefact, version.sha256 = name, digest
        version.sla_training_size = len(sla_rows)
        version.metrics = {**triage.metrics, "sla_risk": sla_metrics, "min_history": gate}
        version.save()
        audit_record(action="ai.model_trained", actor=version.requested_by, object_type="ai_model",
                     object_id=version.id, after={"number": version.number, "training_size": version.training_size,
                                                  "macro_f1": version.metrics.get("departments", {}).get("macro_f1")})
    engine.forget()
    try:  # the new model's risks on the lists now rather than at the next refresh
        sla_risk_refresh()
    except Exception:
        logger.exception("Refreshing SLA risk after training v%s failed", version.number)
    return version


def model_activate(*, by: Any, version_id: Any) -> ModelVersion:
    """Serve an earlier (ready) version again, e.g. after a worse nightly run."""
    with transaction.atomic():
        version = selectors.model_version_get(version_id=version_id)
        if version.status != ModelStatus.READY:
            # The version's state forbids it, not the input: 409 like any action its state does not allow.
            raise InvalidTransition(f"Only a trained version can be served; this one is {version.status}.")
        previous = ModelVersion.objects.filter(is_active=True).first()
        ModelVersion.objects.filter(is_active=True).update(is_active=False)
        ModelVersion.objects.filter(id=version.id).update(is_active=True)
        audit_record(action="ai.model_activated", actor=by, object_type="ai_model", object_id=version.id,
                     before={"number": previous.number if previous else None}, after={"number": version.number})
    engine.forget()
    version.refresh_from_db()
    return version


# ---------------------------------------------------------------- per-department switch

def department_switch_update(*, by: Any, department_id: Any, suggestions_enabled: bool | None = None,
                             keywords: str | None = None) -> DepartmentSwitch:
    if department_get(department_id=department_id) is None:
        raise NotFound()
    with transaction.atomic():
        switch, _ = DepartmentSwitch.objects.select_for_update().get_or_create(department_id=department_id)
        before = {"suggestions_enabled": switch.suggestions_enabled, "keywords": switch.keywords}
        if suggestions_enabled is not None:
            switch.suggestions_enabled = suggestions_enabled
        if keywords is not None:
            switch.keywords = keywords.strip()
        after = {"suggestions_enabled": switch.suggestions_enabled, "keywords": switch.keywords}
        if after != before:
            switch.version += 1
            switch.save()
            audit_record(action="ai.department_switch", actor=by, object_type="department", object_id=department_id,
                         before=before, after=after)
    return switch
