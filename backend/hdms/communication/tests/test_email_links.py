"""Links in emails are routes of the web app, built from HDMS_FRONTEND_URL (issue 11, item 3)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from hdms.communication import links
from hdms.core.events import publish
from hdms.core.roles import Role
from hdms.testing.factories_communication import make_ticket

APP_DIR = Path(django_settings.REPO_DIR) / "frontend" / "app"
URL_RE = re.compile(r"https?://[^\s\"'<>]+")


def web_routes(app_dir: Path) -> list[re.Pattern[str]]:
    """The web app's pages as path patterns: a folder with a page.tsx is a route; ``(group)``
    folders add nothing; ``[role]`` is one of the roles (its layout 404s on anything else); any
    other ``[param]`` is one path segment."""
    roles = "|".join(re.escape(r) for r in Role.values)
    patterns = []
    for page in app_dir.rglob("page.tsx"):
        parts = []
        for part in page.parent.relative_to(app_dir).parts:
            if part.startswith("(") and part.endswith(")"):
                continue
            if part == "[role]":
                parts.append(f"(?:{roles})")
            elif part.startswith("[") and part.endswith("]"):
                parts.append(r"[^/]+")
            else:
                parts.append(re.escape(part))
        patterns.append(re.compile("^/" + "/".join(parts) + "$"))
    return patterns


def is_route(path: str, routes: list[re.Pattern[str]]) -> bool:
    return any(r.match(path) for r in routes)


@pytest.fixture(scope="module")
def routes():
    assert APP_DIR.is_dir(), APP_DIR
    return web_routes(APP_DIR)


def test_the_route_matcher_knows_real_pages_from_missing_ones(routes):
    assert is_route("/login", routes) and is_route("/requestor/notifications", routes)
    assert is_route("/assignee/task-detail/1b0e4b8c", routes)
    assert not is_route("/nobody/notifications", routes)  # [role] is a role, not any word
    assert not is_route("/tickets", routes) and not is_route("/assignee/task-detail", routes)


@pytest.mark.django_db(transaction=True)
def test_every_link_in_notification_emails_is_a_route_of_the_web_app(smtp_server, settings, routes, make_user):
    settings.HDMS_FRONTEND_URL = "https://desk.idara.example:8443"
    requestor = make_user(role="requestor", employee_code="T-100")
    assignee = make_user(role="assignee", employee_code="IT-7")
    ticket = make_ticket(requestor=requestor, assignee=assignee, status="assigned")
    for user in (requestor, assignee):
        publish("notification.requested", user_ids=[str(user.id)], kind="ticket.status", title="HD-1 moved",
                body="", ticket_id=str(ticket.id), urgent=True, actor_id=None)
    publish("notification.requested", user_ids=[str(requestor.id)], kind="sla.warning", title="Heads up",
            body="", ticket_id=None, urgent=True, actor_id=None)
    assert len(smtp_server.messages) == 3

    paths = set()
    for sent in smtp_server.messages:
        message = sent["message"]
        for part in ("plain", "html"):
            body = message.get_body(preferencelist=(part,)).get_content()
            urls = URL_RE.findall(body)
            assert urls, body
            for url in urls:
                assert url.startswith("https://desk.idara.example:8443/"), url
                path = url.removeprefix("https://desk.idara.example:8443")
                assert is_route(path, routes), f"{path} (in an email) is not a page of the web app"
                paths.add(path)
    # The same ticket link for the requestor and the assignee: the web app picks the view.
    assert paths == {f"/tickets/{ticket.id}", "/notifications", "/settings/notifications"}
    assert links.ticket_url(ticket.id) == f"https://desk.idara.example:8443/tickets/{ticket.id}"


def _frontend_url(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("HDMS_FRONTEND_URL", "HDMS_WEB_PORT")}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.HDMS_FRONTEND_URL)"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "hdms.settings.embedded", **env},
        cwd=Path(__file__).resolve().parents[3], capture_output=True, text=True, timeout=60, check=True,
    )
    return result.stdout.strip()


def test_the_default_frontend_url_follows_the_web_port():
    assert _frontend_url() == "http://127.0.0.1:3000"
    assert _frontend_url(HDMS_WEB_PORT="18411") == "http://127.0.0.1:18411"
    assert _frontend_url(HDMS_WEB_PORT="18411", HDMS_FRONTEND_URL="https://desk.idara.example/") \
        == "https://desk.idara.example"

