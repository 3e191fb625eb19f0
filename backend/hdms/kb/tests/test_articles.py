"""Knowledge-base articles (DESIGN §11, issue 17): who writes which, drafts and publishing, history,
sanitised rich text, and "did this help?" counted once per reader."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from hdms.audit.models import AuditEntry
from hdms.kb.models import Article, ArticleFeedback
from hdms.testing.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user, department):
    hr = DepartmentFactory(code="HR", name="HR")
    return {
        "requestor": make_user(role="requestor"),
        "it_staff": make_user(role="assignee", department=department),
        "hr_staff": make_user(role="assignee", department=hr),
        "it_moderator": make_user(role="moderator", department=department),
        "admin": make_user(role="admin"),
        "it": department, "hr": hr,
    }


def _create(api, user, department, **fields):
    body = {"title_en": "Printer not working", "title_ur": "پرنٹر کام نہیں کر رہا",
            "body_en": "<p>Restart it.</p>", "body_ur": "<p>دوبارہ چلائیں۔</p>",
            "department_id": str(department.id) if department else None, **fields}
    return api(user).post("kb/articles", body)


def test_a_departments_staff_write_its_articles_and_no_others(api, people):
    assert _create(api, people["it_staff"], people["it"]).status_code == 201
    assert _create(api, people["it_moderator"], people["it"]).status_code == 201
    refused = _create(api, people["hr_staff"], people["it"])
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert _create(api, people["requestor"], people["it"]).status_code == 403
    assert _create(api, people["it_staff"], None).status_code == 403  # the whole desk's: admins only
    assert _create(api, people["admin"], None).status_code == 201
    assert Article.objects.count() == 3


def test_requestors_read_only_published_articles(api, people):
    draft = _create(api, people["it_staff"], people["it"]).json()
    assert draft["status"] == "draft" and draft["editable"] is True
    reader = api(people["requestor"])
    assert reader.get(f"kb/articles/{draft['id']}").status_code == 404
    assert reader.get("kb/articles").json()["count"] == 0
    assert api(people["hr_staff"]).get(f"kb/articles/{draft['id']}").status_code == 404
    published = api(people["it_staff"]).patch(f"kb/articles/{draft['id']}", {"status": "published", "version": 1})
    assert published.status_code == 200 and published.json()["published_at"]
    # null on a field that cannot be empty leaves it as it is; null department_id would mean "the whole desk".
    kept = api(people["it_staff"]).patch(f"kb/articles/{draft['id']}", {"status": None, "title_en": None})
    assert kept.status_code == 200 and kept.json()["status"] == "published", kept.text
    assert kept.json()["title_en"] == draft["title_en"]
    page = reader.get("kb/articles").json()
    assert [a["id"] for a in page["items"]] == [draft["id"]]
    assert page["items"][0]["editable"] is False and page["writable_department_ids"] == []
    assert api(people["it_staff"]).get("kb/articles").json()["writable_department_ids"] == [str(people["it"].id)]
    assert reader.patch(f"kb/articles/{draft['id']}", {"title_en": "Mine"}).status_code == 403
    assert reader.delete(f"kb/articles/{draft['id']}").status_code == 403


def test_every_save_is_kept_as_a_revision_and_audited(api, people):
    article = _create(api, people["it_staff"], people["it"]).json()
    client = api(people["it_staff"])
    client.patch(f"kb/articles/{article['id']}", {"body_en": "<p>Restart it, then check the paper.</p>"})
    client.patch(f"kb/articles/{article['id']}", {"status": "published", "version": 2})
    stale = client.patch(f"kb/articles/{article['id']}", {"title_en": "Old", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    revisions = client.get(f"kb/articles/{article['id']}/revisions").json()
    assert [r["number"] for r in revisions["items"]] == [3, 2, 1]
    assert revisions["items"][-1]["body_en"] == "<p>Restart it.</p>" and revisions["items"][0]["status"] == "published"
    assert revisions["items"][0]["editor_name"] == people["it_staff"].full_name
    kinds = list(AuditEntry.objects.filter(object_id=article["id"]).order_by("created_at").values_list("action",
                                                                                                          flat=True))
    assert kinds == ["kb.article_create", "kb.article_update", "kb.article_update"]
    assert api(people["requestor"]).get(f"kb/articles/{article['id']}/revisions").status_code == 403
    assert client.delete(f"kb/articles/{article['id']}").status_code == 204
    assert client.get(f"kb/articles/{article['id']}").status_code == 404
    assert Article.all_objects.get(id=article["id"]).is_deleted


def test_hostile_html_is_sanitised(api, people):
    hostile = ('<h2 onclick="x()">Steps</h2><script>alert(1)</script><img src=x onerror=alert(2)>'
               '<a href="javascript:alert(3)">bad</a><a href="https://help.example/p">good</a>'
               '<iframe src="https://evil.example"></iframe><style>body{}</style><p style="color:red">ok</p>')
    body = _create(api, people["admin"], people["it"], body_en=hostile,
                   body_ur="<svg onload=alert(4)>سلام</svg>").json()
    for text in (body["body_en"], body["body_ur"]):
        for bad in ("<script", "onerror", "onclick", "javascript:", "<iframe", "<style", "style=", "<img", "<svg",
                    "onload"):
            assert bad not in text.lower(), (bad, text)
    assert "<h2>Steps</h2>" in body["body_en"] and "<p>ok</p>" in body["body_en"]
    assert 'href="https://help.example/p"' in body["body_en"]
    assert 'rel="noopener noreferrer nofollow"' in body["body_en"]
    assert body["body_ur"] == "سلام"


def test_bad_input_is_refused_naming_the_field_and_nothing_changes(api, people):
    empty = _create(api, people["admin"], people["it"], body_en="<script>only</script>")
    assert empty.status_code == 422 and empty.json()["code"] == "validation_error"
    assert [e["field"] for e in empty.json()["errors"]] == ["body_en"]
    bad_status = _create(api, people["admin"], people["it"], status="archived")
    assert bad_status.status_code == 422 and "status" in bad_status.json()["detail"]
    unknown = _create(api, people["admin"], people["it"], department_id="00000000-0000-0000-0000-000000000001")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "department_id"
    assert Article.objects.count() == 0


def test_feedback_counts_once_per_reader_and_a_retry_changes_nothing(api, people, make_user):
    article = _create(api, people["admin"], people["it"], status="published").json()
    url = f"kb/articles/{article['id']}/feedback"
    reader, other = api(people["requestor"]), api(make_user(role="requestor"))
    first = reader.post(url, {"helpful": True, "solved": True}).json()
    assert (first["helpful"], first["not_helpful"], first["solved"]) == (1, 0, 1)
    assert first["my_feedback"] == {"helpful": True, "solved": True}
    again = reader.post(url, {"helpful": True, "solved": True}).json()
    assert (again["helpful"], again["solved"], again["version"]) == (1, 1, first["version"])
    after = other.post(url, {"helpful": False}).json()
    assert (after["helpful"], after["not_helpful"], after["solved"]) == (1, 1, 1)
    changed = other.post(url, {"helpful": True}).json()
    assert (changed["helpful"], changed["not_helpful"]) == (2, 0)
    assert ArticleFeedback.objects.filter(article_id=article["id"]).count() == 2
    refused = reader.post(url, {"helpful": False, "solved": True})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "solved"
    assert reader.get(f"kb/articles/{article['id']}").json()["solved"] == 1


@override_settings(HDMS_DEMO=True)
def test_seed_demo_publishes_the_bilingual_demo_articles_once(api):
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    articles = Article.objects.filter(status="published")
    assert articles.count() == 5
    printer = articles.get(title_en="Printer not working")
    assert printer.title_ur == "پرنٹر کام نہیں کر رہا" and "<ol>" in printer.body_ur
