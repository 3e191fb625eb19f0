import pytest
from django.db import connection

from hdms.core.ratelimit import get_buckets
from hdms.testing.client import ApiClient
from hdms.testing.factories import DepartmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    get_buckets().reset()
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        raise RuntimeError("This test needs PostgreSQL: set DATABASE_URL (make test does).")


@pytest.fixture
def department(db):
    return DepartmentFactory(code="IT", name="IT")


@pytest.fixture
def make_user(db):
    def make(**kwargs):
        return UserFactory(**kwargs)

    return make


@pytest.fixture
def api():
    """``api(user)`` gives a JSON client signed as that user (or anonymous)."""
    return ApiClient
