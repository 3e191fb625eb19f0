"""Role x endpoint cases for the knowledge base API (see hdms/testing/matrix.py).

The world's assignee is IT staff; its moderator and admin are Administration's. Articles are
written by admins and their department's staff; drafts are read only by those who may write them."""

from hdms.kb.services import article_create
from hdms.testing.matrix import Case

ALL = ("requestor", "assignee", "moderator", "admin")


def _all(status):
    return {role: status for role in ALL}


def cases(world):
    it = world.departments["IT"]
    admin = world.users["admin"]
    published = article_create(by=admin, title_en="Printer not working", body_en="<p>Turn it off and on.</p>",
                               department_id=it.id, status="published")
    draft = article_create(by=admin, title_en="VPN (draft)", body_en="<p>Soon.</p>", department_id=it.id)
    articles = "/api/v1/kb/articles"
    one = f"{articles}/{{article_id}}"
    it_writers = {"assignee": 200, "admin": 200}
    return [
        Case("GET", articles, articles, _all(200)),
        Case("POST", articles, articles, {"assignee": 201, "admin": 201},
             body={"title_en": "Wi-Fi", "body_en": "<p>Forget the network.</p>", "department_id": str(it.id)},
             note="IT's staff write IT's articles; requestors and other departments' staff do not"),
        Case("POST", articles, articles, {"admin": 201}, body={"title_en": "Desk", "body_en": "<p>All</p>"},
             note="an article of the whole desk (no department) is the admins'"),
        Case("GET", one, f"{articles}/{published.id}", _all(200)),
        Case("GET", one, f"{articles}/{draft.id}", {"requestor": 404, "assignee": 200, "moderator": 404, "admin": 200},
             note="a draft is read only by those who may write it"),
        Case("PATCH", one, f"{articles}/{published.id}", {"requestor": 403, "moderator": 403, **it_writers},
             body={"title_en": "Printer offline"}),
        Case("DELETE", one, f"{articles}/{published.id}",
             {"requestor": 403, "moderator": 403, "assignee": 204, "admin": 204}),
        Case("GET", f"{one}/revisions", f"{articles}/{published.id}/revisions",
             {"requestor": 403, "moderator": 403, **it_writers}),
        Case("POST", f"{one}/feedback", f"{articles}/{published.id}/feedback", _all(200), body={"helpful": True}),
        Case("POST", f"{one}/feedback", f"{articles}/{draft.id}/feedback",
             {"requestor": 404, "assignee": 422, "moderator": 404, "admin": 422}, body={"helpful": True},
             note="only a published article takes feedback"),
        Case("GET", "/api/v1/kb/suggest", "/api/v1/kb/suggest?text=printer+not+working", _all(200)),
    ]
