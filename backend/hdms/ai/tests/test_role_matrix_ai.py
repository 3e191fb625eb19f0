"""The ai service's role matrix (hdms/ai/tests/role_matrix.py) through the ASGI application: each
role against each operation, in a fresh committed world per case (the requests run in threads of
their own)."""

import asyncio

import httpx
import pytest
from django.core.management import call_command

from hdms.ai.tests import role_matrix
from hdms.core.ratelimit import get_buckets
from hdms.testing.client import bearer_for
from hdms.testing.matrix import ROLES
from hdms.testing.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def _request(method, path, *, user, body):
    from hdms.asgi import application

    headers = {"Authorization": bearer_for(user)} if user is not None else {}

    async def go():
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            return await client.request(method, path, headers=headers, json=body)

    return asyncio.run(go())


def test_every_role_gets_the_expected_status_from_every_ai_operation(settings):
    settings.RATE_LIMIT_ENABLED = False
    mismatches = []
    world = build_world()
    for index, case in enumerate(role_matrix.cases(world)):
        for role in ROLES:
            if index or role != ROLES[0]:  # a clean world for every call: no call sees another's writes
                call_command("flush", interactive=False, verbosity=0)
                world = build_world()
                case = role_matrix.cases(world)[index]
            get_buckets().reset()
            user = None if role == "anonymous" else world.users[role]
            response = _request(case.method, case.path, user=user, body=case.body)
            if response.status_code != case.expected_for(role):
                mismatches.append(f"{case.method} {case.path} as {role}: got {response.status_code}, "
                                  f"expected {case.expected_for(role)} ({response.text[:120]})")
    assert not mismatches, "\n".join(mismatches)
