import pytest

from hdms.ai import engine, similar
from hdms.core.roles import Role
from hdms.testing.ai_history import generate, load_into_desk
from hdms.testing.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_ai_caches(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    engine.forget()
    similar.forget()
    yield
    engine.forget()
    similar.forget()


@pytest.fixture
def people(db):
    return {
        "requestor": UserFactory(role=Role.REQUESTOR),
        "moderator": UserFactory(role=Role.MODERATOR),
        "admin": UserFactory(role=Role.ADMIN),
    }


@pytest.fixture
def history(people, settings):
    """A generated desk history of 1,500 tickets in three languages (a rare Library department
    included), loaded as the ticket service's rows; {code: department id}."""
    settings.HDMS_AI_MIN_HISTORY = 1000
    return load_into_desk(generate(1500, seed=7, days=120), requestor=people["requestor"])
