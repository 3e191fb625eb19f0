"""One employee-code rule (users/rules.py) on every path that creates users: the API schema, the
service, the spreadsheet import and the SMS sync accept and refuse the same codes."""

import pytest
from django.db import transaction

from hdms.core.errors import ValidationFailed
from hdms.users import importing, services, sms_client
from hdms.users.rules import employee_code_problem

GOOD = ["T-100", "it.7", "A", "a" * 32]
BAD = ["-lead", ".dot", "has space", "a" * 33, "ü-umlaut"]


def _service_accepts(admin, code):
    try:
        with transaction.atomic():
            services.user_create(by=admin, employee_code=code, full_name="Sana Malik")
            transaction.set_rollback(True)
        return True
    except ValidationFailed:
        return False


@pytest.mark.django_db
@pytest.mark.parametrize("code", GOOD + BAD)
def test_every_path_that_creates_users_agrees_with_the_rule(api, make_user, code):
    ok = code in GOOD
    assert (employee_code_problem(code) is None) == ok
    admin = make_user(role="admin")
    assert _service_accepts(admin, code) == ok
    _, import_errors = importing._validate_row(
        importing._Row(number=2, cells={"employee_code": code, "full_name": "Sana Malik"}),
        departments={}, existing=None, by=admin)
    assert (not any(e.startswith("employee_code") for e in import_errors)) == ok, import_errors
    _, sms_errors = sms_client._parse_employee({"id": "9", "employee_code": code, "full_name": "Sana Malik",
                                                "status": "active"})
    assert (not any(e.startswith("employee_code") for e in sms_errors)) == ok, sms_errors
    response = api(admin).post("users", {"employee_code": code, "full_name": "Sana Malik"})
    assert (response.status_code == 201) == ok, response.json()
