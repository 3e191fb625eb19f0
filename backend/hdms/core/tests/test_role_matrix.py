"""Every role against every API operation (DESIGN §2): the status each role gets.

Each app lists its cases in ``hdms/<app>/tests/role_matrix.py``; this test fails when an
operation in the OpenAPI schema has no case, or when any role gets another status than expected.
"""

import importlib
import importlib.util
import re

import pytest
from django.db import transaction

from hdms.api import api as ninja_api
from hdms.core.ratelimit import get_buckets
from hdms.testing.client import ApiClient
from hdms.testing.matrix import ROLES
from hdms.testing.world import build_world

APPS = ["core", "users", "tickets", "audit", "communication", "files", "ops", "jobs", "ai", "kb"]


def _case_module(app):
    try:
        return importlib.import_module(f"hdms.{app}.tests.role_matrix")
    except ModuleNotFoundError as exc:
        if exc.name != f"hdms.{app}.tests.role_matrix" and exc.name != f"hdms.{app}.tests":
            raise
        return None


def _operations():
    schema = ninja_api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "patch", "put", "delete")
    }


def _normalise(template):
    return re.sub(r"\{[^}]+\}", "{}", template)


def _call(client, case):
    if case.multipart is not None:
        for value in case.multipart.values():
            if hasattr(value, "seek"):
                value.seek(0)
        return client.post_multipart(case.path, case.multipart)
    method = case.method.lower()
    if method == "get":
        return client.get(case.path)
    if method == "delete":
        return client.delete(case.path)
    return getattr(client, method)(case.path, case.body)


def test_every_operation_has_a_matrix_case(db):
    world = build_world()
    covered = set()
    for app in APPS:
        module = _case_module(app)
        if module is not None:
            covered |= {(c.method.upper(), _normalise(c.template)) for c in module.cases(world)}
    missing = sorted(op for op in _operations() if (op[0], _normalise(op[1])) not in covered)
    assert not missing, f"operations without a role-matrix case: {missing}"


@pytest.mark.parametrize("app", APPS)
def test_role_matrix(db, app):
    module = _case_module(app)
    if module is None:
        assert not any(path.startswith(f"/api/v1/{app}") for _, path in _operations())
        return
    if getattr(module, "THROUGH_ASGI", False):
        # Not a Django view (the ai service's FastAPI app): its own test runs these cases over ASGI.
        assert importlib.util.find_spec(f"hdms.{app}.tests.test_role_matrix_{app}") is not None
        return
    world = build_world()
    mismatches = []
    for case in module.cases(world):
        for role in ROLES:
            user = None if role == "anonymous" else world.users[role]
            get_buckets().reset()
            with transaction.atomic():
                response = _call(ApiClient(user), case)
                transaction.set_rollback(True)
            expected = case.expected_for(role)
            if response.status_code != expected:
                mismatches.append(
                    f"{case.method} {case.path} as {role}: got {response.status_code}, expected {expected}"
                    f" ({response.content[:120]!r})"
                )
    assert not mismatches, "\n".join(mismatches)
