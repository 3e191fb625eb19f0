"""Request forms per category (DESIGN §10): admins define a department's categories and the fields
each asks for; a ticket filed in a category carries those fields' values, checked here.

Every refusal is a 422 ``validation_error`` naming each bad field (``fields.<key>`` for a ticket's
values, ``fields.<n>.<attribute>`` for a definition), so the form can mark each one.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from hdms.audit.services import audit_record
from hdms.core.errors import NotFound, ValidationFailed, VersionConflict
from hdms.core.permissions import require_admin
from hdms.tickets.models import FieldType, RequestCategory
from hdms.tickets.services.base import department_required

if TYPE_CHECKING:
    from hdms.users.models import User

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_FIELDS = 20
MAX_CHOICES = 50
TEXT_MAX = 500
LABEL_MAX = 80
# A form's amount fits the ticket's own amount column (14 digits, 2 places).
MONEY_MAX = Decimal("999999999999.99")
NUMBER_MAX = Decimal("1e12")


def _error(loc: list[Any], code: str, msg: str, **params: Any) -> dict[str, Any]:
    return {"loc": ["body", *loc], "msg": msg, "code": code, "params": params}


def _clean_definition(index: int, raw: Any, seen: set[str], errors: list[dict[str, Any]]) -> dict[str, Any]:
    where: list[Any] = ["fields", index]
    if not isinstance(raw, dict):
        errors.append(_error(where, "invalid", "must be an object"))
        return {}
    key = str(raw.get("key") or "").strip()
    if not KEY_RE.match(key):
        errors.append(_error([*where, "key"], "invalid_format", "1-32 of a-z, 0-9 and _, starting with a letter"))
    elif key in seen:
        errors.append(_error([*where, "key"], "taken", "used twice in this form"))
    seen.add(key)
    labels = {}
    for name in ("label_en", "label_ur"):
        labels[name] = str(raw.get(name) or "").strip()
        if len(labels[name]) > LABEL_MAX:
            errors.append(_error([*where, name], "too_long", f"at most {LABEL_MAX} characters", max=LABEL_MAX))
    if not labels["label_en"]:
        errors.append(_error([*where, "label_en"], "required", "required"))
    kind = raw.get("type")
    if kind not in FieldType.values:
        errors.append(_error([*where, "type"], "invalid_choice", f"one of {', '.join(FieldType.values)}"))
    choices: list[str] = []
    if kind == FieldType.CHOICE:
        given = raw.get("choices")
        choices = [str(c).strip() for c in given] if isinstance(given, list) else []
        choices = [c for c in dict.fromkeys(choices) if c]
        if not choices:
            errors.append(_error([*where, "choices"], "required", "a choice field needs its choices"))
        elif len(choices) > MAX_CHOICES or any(len(c) > LABEL_MAX for c in choices):
            errors.append(_error([*where, "choices"], "too_long", f"at most {MAX_CHOICES} of {LABEL_MAX} characters"))
    required = raw.get("required", False)
    if not isinstance(required, bool):
        errors.append(_error([*where, "required"], "invalid", "true or false"))
    return {"key": key, **labels, "type": kind, "required": required is True, "choices": choices}


def category_fields_clean(fields: Any) -> list[dict[str, Any]]:
    """A category's field definitions, normalised; 422 naming each bad attribute."""
    if not isinstance(fields, list):
        raise ValidationFailed("The fields must be a list.", errors=[_error(["fields"], "invalid", "must be a list")])
    if len(fields) > MAX_FIELDS:
        raise ValidationFailed(errors=[_error(["fields"], "too_long", f"at most {MAX_FIELDS} fields", max=MAX_FIELDS)])
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    cleaned = [_clean_definition(i, raw, seen, errors) for i, raw in enumerate(fields)]
    if errors:
        raise ValidationFailed("The form's fields are not valid.", errors=errors)
    return cleaned


def _names_clean(changes: dict[str, Any]) -> None:
    errors = []
    for name in ("name_en", "name_ur"):
        if name in changes:
            changes[name] = str(changes[name] or "").strip()
            if len(changes[name]) > LABEL_MAX:
                errors.append(_error([name], "too_long", f"at most {LABEL_MAX} characters", max=LABEL_MAX))
    if "name_en" in changes and not changes["name_en"]:
        errors.append(_error(["name_en"], "required", "required"))
    if errors:
        raise ValidationFailed("The category is not valid.", errors=errors)


def _name_taken() -> ValidationFailed:
    return ValidationFailed("This department already has a category of that name.",
                            errors=[_error(["name_en"], "taken", "taken")])


def _snapshot(category: RequestCategory) -> dict[str, Any]:
    return {"department_id": str(category.department_id), "name_en": category.name_en,
            "name_ur": category.name_ur, "fields": [f["key"] for f in category.fields], "version": category.version}


@transaction.atomic
def category_create(*, by: User, department_id: Any, name_en: str, name_ur: str = "",
                    fields: list[Any] | None = None) -> RequestCategory:
    require_admin(by)
    changes: dict[str, Any] = {"name_en": name_en, "name_ur": name_ur}
    _names_clean(changes)
    department = department_required(department_id)
    cleaned = category_fields_clean(fields or [])
    try:
        with transaction.atomic():
            category = RequestCategory.objects.create(department=department, fields=cleaned, **changes)
    except IntegrityError:
        raise _name_taken() from None
    audit_record(action="category.create", actor=by, object_type="category", object_id=category.id,
                 after=_snapshot(category))
    return category


def _locked(category_id: Any) -> RequestCategory:
    try:
        category = RequestCategory.objects.select_for_update().filter(id=category_id).first()
    except (ValueError, TypeError):
        category = None
    if category is None:
        raise NotFound("Category not found.")
    return category


@transaction.atomic
def category_update(*, by: User, category_id: Any, changes: dict[str, Any],
                    version: int | None = None) -> RequestCategory:
    """Rename, move or change the fields; ``version`` (when sent) must be the current one (409).
    Tickets filed before keep their values; the form shows the fields as they are now."""
    require_admin(by)
    category = _locked(category_id)
    if version is not None and version != category.version:
        raise VersionConflict(current_version=category.version)
    before = _snapshot(category)
    _names_clean(changes)
    if "department_id" in changes:
        category.department = department_required(changes.pop("department_id"))
    if "fields" in changes:
        category.fields = category_fields_clean(changes.pop("fields"))
    for name in ("name_en", "name_ur"):
        if name in changes:
            setattr(category, name, changes[name])
    category.version += 1
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        raise _name_taken() from None
    audit_record(action="category.update", actor=by, object_type="category", object_id=category.id,
                 before=before, after=_snapshot(category))
    return category


@transaction.atomic
def category_delete(*, by: User, category_id: Any) -> None:
    """Soft: new requests no longer offer it; tickets filed in it keep it and their values."""
    require_admin(by)
    category = _locked(category_id)
    RequestCategory.objects.filter(id=category.id).soft_delete()
    audit_record(action="category.delete", actor=by, object_type="category", object_id=category.id,
                 before=_snapshot(category))


# ---------------------------------------------------------------- a ticket's values

def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _value_clean(definition: dict[str, Any], value: Any, errors: list[dict[str, Any]]) -> Any:
    key, kind = definition["key"], definition["type"]
    where = ["fields", key]
    if kind in (FieldType.NUMBER, FieldType.MONEY):
        number = _number(value)
        if number is None:
            errors.append(_error(where, "not_a_number", "must be a number"))
            return None
        if kind == FieldType.MONEY:
            if number <= 0:
                errors.append(_error(where, "too_small", "must be more than 0", min=0))
                return None
            if number > MONEY_MAX:
                errors.append(_error(where, "too_large", f"at most {MONEY_MAX}", max=str(MONEY_MAX)))
                return None
            return str(number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        if abs(number) >= NUMBER_MAX:
            errors.append(_error(where, "too_large", "too large", max=str(NUMBER_MAX)))
            return None
        return str(number.normalize()) if number == number.to_integral() else str(number)
    if kind == FieldType.DATE:
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            errors.append(_error(where, "invalid_date", "a date, YYYY-MM-DD"))
            return None
    text = str(value).strip() if isinstance(value, str | int | float) and not isinstance(value, bool) else None
    if text is None:
        errors.append(_error(where, "invalid", "must be text"))
        return None
    if kind == FieldType.CHOICE:
        if text not in definition["choices"]:
            errors.append(_error(where, "invalid_choice", f"one of {', '.join(definition['choices'])}"))
            return None
        return text
    if len(text) > TEXT_MAX or "\x00" in text:
        errors.append(_error(where, "too_long", f"at most {TEXT_MAX} characters", max=TEXT_MAX))
        return None
    return text


def form_values_clean(category: RequestCategory | None, values: dict[str, Any] | None) -> dict[str, Any]:
    """A ticket's form values for ``category``, normalised (numbers and amounts as exact decimal
    text, dates as ISO dates); empty optional fields left out. 422 naming ``fields.<key>`` for each
    required field left empty, each bad value and each key the form does not have."""
    values = values or {}
    if category is None:
        if values:
            raise ValidationFailed("Fields need a category.",
                                   errors=[_error(["category_id"], "required", "required with fields")])
        return {}
    errors: list[dict[str, Any]] = []
    known = {d["key"] for d in category.fields}
    errors.extend(_error(["fields", key], "unknown_field", "not a field of this form")
                  for key in values if key not in known)
    cleaned: dict[str, Any] = {}
    for definition in category.fields:
        value = values.get(definition["key"])
        if value is None or (isinstance(value, str) and not value.strip()):
            if definition["required"]:
                errors.append(_error(["fields", definition["key"]], "required", "required"))
            continue
        clean = _value_clean(definition, value, errors)
        if clean is not None:
            cleaned[definition["key"]] = clean
    if errors:
        raise ValidationFailed("Some fields of the form are not valid.", errors=errors)
    return cleaned


def form_category_for(category_id: Any, department_id: Any) -> RequestCategory | None:
    """The category a request is filed in (422 ``category_id`` when unknown or deleted, or of
    another department than the one chosen)."""
    if category_id in (None, ""):
        return None
    try:
        category = RequestCategory.objects.filter(id=category_id).first()
    except (ValueError, TypeError):
        category = None
    if category is None:
        raise ValidationFailed("Unknown category.", errors=[_error(["category_id"], "not_found", "not found")])
    if department_id not in (None, "") and str(department_id) != str(category.department_id):
        raise ValidationFailed("The category belongs to another department.",
                               errors=[_error(["category_id"], "invalid_choice", "not of that department")])
    return category
