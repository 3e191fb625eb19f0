"""A person's own language (issue 13): the web app's language switch saves it with PATCH auth/me,
and it is what their emails are written in."""

import pytest

from hdms.testing.client import ApiClient
from hdms.users.models import User

pytestmark = pytest.mark.django_db


def test_a_person_sets_their_own_language_and_nothing_else(make_user):
    person = make_user(role="requestor")
    assert person.language == "en"
    response = ApiClient(person).patch("auth/me", {"language": "ur"})
    assert response.status_code == 200, response.content
    assert response.json()["language"] == "ur"
    assert User.objects.get(id=person.id).language == "ur"
    assert ApiClient(person).get("auth/me").json()["language"] == "ur"

    bad = ApiClient(person).patch("auth/me", {"language": "fr"})
    assert bad.status_code == 422
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [("language", "invalid_choice")]
    sneaky = ApiClient(person).patch("auth/me", {"language": "en", "role": "admin"})
    assert sneaky.status_code == 422
    assert ("role", "unknown_field") in [(e["field"], e["code"]) for e in sneaky.json()["errors"]]
    fresh = User.objects.get(id=person.id)
    assert (fresh.language, fresh.role) == ("ur", "requestor")


def test_signing_out_people_cannot_set_a_language():
    assert ApiClient().patch("auth/me", {"language": "ur"}).status_code == 401
