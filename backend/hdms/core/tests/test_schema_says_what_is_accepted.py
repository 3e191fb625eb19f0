"""The OpenAPI schema says what validation accepts (issue 10, schemathesis): the patterns the schema
publishes and the server's own checks agree, and no JSON body takes fields the schema does not name."""

import re
from datetime import time
from zoneinfo import ZoneInfo

import pytest

from hdms.core.schema_types import DATETIME_PATTERN, MONEY_PATTERN, DeskClock, Money, parse_datetime_input
from hdms.core.text import VISIBLE_LINE_PATTERN, is_blank, strip_bidi_controls

TEXTS = ["a", " a ", "\u200ba", "\u200b", "\u3164", " \u00a0\t", "\u202e\u2066", "\u202ex", "پرنٹر", "\U000e0041",
         "\U0001f600", "\u2800\u2800", "\u0600", "x\u0000y", ""]


@pytest.mark.parametrize("text", TEXTS)
def test_the_visible_line_pattern_is_the_server_rule(text):
    schema_says_valid = re.search(VISIBLE_LINE_PATTERN, text) is not None
    server_accepts = "\x00" not in text and not is_blank(strip_bidi_controls(text))
    assert schema_says_valid == server_accepts


DATETIMES = ["2026-12-04", "2026-12-04T10:00", "2026-12-04 10:00:59.123456+05:00", "2026-12-04T10:00Z",
             "2026-12-04T10:00+1400", "2026-12-04T10:00+14:01", "2026-02-28", "2026-02-29", "2026-04-31",
             "1899-12-31", "9998-12-31T23:59", "9999-01-01", "2026-12-04T24:00", "2026-12-04Z", "20261204",
             "2026-12-04T10", " 2026-12-04", "2026-12-04T10:00:00.1234567"]


@pytest.mark.parametrize("value", DATETIMES)
def test_the_datetime_pattern_is_the_server_rule(value):
    schema_says_valid = re.match(DATETIME_PATTERN, value) is not None
    try:
        parse_datetime_input(value, clock=DeskClock(tz=ZoneInfo("Asia/Karachi"), day_end=time(16, 0)))
        server_accepts = True
    except ValueError:
        server_accepts = False
    assert schema_says_valid == server_accepts


def test_money_is_a_decimal_string_or_a_whole_number():
    from pydantic import TypeAdapter

    money = TypeAdapter(Money)
    for good in ("0", "15000.50", "999999999999.99", 0, 15000, 15000.0):
        assert money.validate_python(good) >= 0
        assert isinstance(good, int | float) or re.match(MONEY_PATTERN, good)
    for bad in ("", "1e5", "12.345", "-1", " 1", "1,000", 12.5, -1, 10**13, True, None):
        with pytest.raises(ValueError):
            money.validate_python(bad)
        assert not (isinstance(bad, str) and re.match(MONEY_PATTERN, bad))


@pytest.mark.django_db
def test_every_json_body_refuses_fields_it_does_not_name(api):
    schema = api().get("openapi.json").json()
    components = schema["components"]["schemas"]
    open_bodies = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            ref = body["schema"].get("$ref", "")
            resolved = components[ref.split("/")[-1]] if ref else body["schema"]
            if resolved.get("additionalProperties") is not False:
                open_bodies.append(f"{method.upper()} {path}")
    assert open_bodies == []


@pytest.mark.django_db
def test_an_unknown_field_is_refused_where_it_was_ignored(make_user, api):
    admin = make_user(role="admin", employee_code="adm9")
    admin.set_password("a-long-password")
    admin.save()
    response = api().post("auth/login", {"employee_code": "adm9", "password": "a-long-password", "remember": True})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    response = api(admin).post("users", {"employee_code": "E200", "full_name": "Ali", "is_active": False})
    assert response.status_code == 422


VIEW_FILTERS = [{}, {"status": ["submitted"]}, {"status": "submitted"}, {"requestor": [False]},
                {"sla_breached": {"": 1}}, {"assignee": "none"}, {"assignee": "nobody"}, {"q": "printer"},
                {"created_after": "2026-12-04"}, {"created_after": "yesterday"}, {"ordering": "-created_at"},
                {"color": "red"}, {"top_level": True, "priority": ["low", "urgent"]}, {"priority": ["soon"]},
                {"sla_breached": 0}, {"sla_breached": "true"}, {"sla_breached": False},
                {"department": "6f1c3a52-9d7e-4c1b-8a2e-3b4d5c6e7f80"}, {"q": None, "status": None}]


@pytest.mark.django_db  # a date is read in the desk's time zone, from its settings
@pytest.mark.parametrize("filters", VIEW_FILTERS, ids=[str(f) for f in VIEW_FILTERS])
def test_a_saved_view_schema_says_which_filters_the_server_accepts(filters):
    import jsonschema

    from hdms.core.errors import ValidationFailed
    from hdms.tickets.schemas import ViewIn
    from hdms.tickets.services.views import view_clean_filters

    schema = ViewIn.model_json_schema()["properties"]["filters"]
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    schema_says_valid = validator.is_valid(filters)
    try:
        view_clean_filters(filters)
        server_accepts = True
    except ValidationFailed:
        server_accepts = False
    assert schema_says_valid == server_accepts
