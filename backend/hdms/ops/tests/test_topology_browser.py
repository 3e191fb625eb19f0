"""THE DESK THROUGH THE PRODUCTION GATEWAY, IN A BROWSER (issue 11 item 4).

The launcher's topology (conftest.py: every service process, a Celery worker, the built web app
behind nginx with TLS) driven by real Chromium (/usr/bin/chromium, never a downloaded browser)
at the gateway's HTTPS origin only: a requestor signs in and files a request with an attachment
(scanned by the worker through clamd), a moderator assigns it, the requestor and the assignee chat
live in two browsers, the assignee resolves it and the requestor confirms. Every page, API call
and WebSocket of the story goes to that one origin.
"""

import base64
import hashlib
import re
import time
from pathlib import Path

import pytest

from hdms.ops.tests.topology import PASSWORD, Certificate

pytestmark = pytest.mark.timeout(900)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000


def _spki_pin(certificate: Certificate) -> str:
    """base64(sha256(SubjectPublicKeyInfo)): Chromium then trusts exactly this certificate, as it
    would one from a real authority (no blanket --ignore-certificate-errors)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    cert = x509.load_pem_x509_certificate(certificate.certificate.read_bytes())
    spki = cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode()


@pytest.fixture(scope="module")
def chromium(topology):
    from playwright.sync_api import sync_playwright

    _, _, _, certificate = topology
    if not Path(CHROMIUM).exists():
        raise RuntimeError("The browser test needs Chromium at /usr/bin/chromium (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=[*CHROMIUM_ARGS, f"--ignore-certificate-errors-spki-list={_spki_pin(certificate)}"],
        )
        try:
            yield browser
        finally:
            browser.close()


class Person:
    """One browser context signed in at the gateway; records every request and socket it opens."""

    def __init__(self, browser, origin: str, code: str, shots: Path) -> None:
        self.origin, self.code, self.shots = origin, code, shots
        self.context = browser.new_context(base_url=origin, viewport={"width": 1280, "height": 860})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.urls: list[str] = []
        self.sockets: list[str] = []
        self.page.on("request", lambda request: self.urls.append(request.url))
        self.page.on("websocket", lambda socket: self.sockets.append(socket.url))

    def sign_in(self) -> "Person":
        page = self.page
        page.goto("/login")
        page.get_by_label("Employee code").fill(self.code)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/(requestor|moderator|assignee|admin)/dashboard$"))
        return self

    def status(self) -> str | None:
        return self.page.get_by_test_id("ticket-status").get_attribute("data-status")

    def wait_status(self, expected: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while (current := self.status()) != expected:
            assert time.monotonic() < deadline, f"{self.code}: status {current!r}, expected {expected!r}"
            time.sleep(0.2)

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)


def _choose(select, pattern: str) -> None:
    """Picks the first option whose text matches, once the options have loaded."""
    deadline = time.monotonic() + 20
    while True:
        options = select.locator("option").evaluate_all("els => els.map(e => [e.value, e.textContent])")
        match = next((value for value, text in options if value and re.search(pattern, text or "")), None)
        if match:
            select.select_option(match)
            return
        assert time.monotonic() < deadline, f"no option matching {pattern}: {options}"
        time.sleep(0.2)


def test_request_filed_assigned_chatted_resolved_and_confirmed_through_the_gateway(topology, chromium):
    supervisor, _, database_url, _ = topology
    origin = supervisor.plan.gateway_origin()
    assert origin.startswith("https://")
    shots = supervisor.run_dir / "screenshots"
    shots.mkdir(exist_ok=True)
    stamp = str(int(time.time()))
    title = f"Staff-room printer jams {stamp}"
    people: list[Person] = []
    try:
        # The requestor signs in and files a request with an attachment.
        requestor = Person(chromium, origin, "topo-req", shots).sign_in()
        people.append(requestor)
        page = requestor.page
        page.get_by_role("link", name="New request").first.click()
        page.get_by_label("Title").fill(title)
        page.get_by_label("Description").fill("The printer in the staff room jams on every second page.")
        page.get_by_label("Attachments").set_input_files(
            files=[{"name": "printer-log.txt", "mimeType": "text/plain",
                    "buffer": b"Jam at tray 2, error E-204, since Monday.\n"}])
        page.get_by_test_id("upload-list").filter(has_text="printer-log.txt").wait_for()
        page.get_by_test_id("submit-request").click()
        page.wait_for_url(re.compile(r"/requestor/request-detail/[0-9a-f-]{36}$"))
        ticket_id = page.url.rsplit("/", 1)[-1]
        assert page.get_by_test_id("ticket-title").inner_text() == title
        requestor.wait_status("submitted")
        attachment = page.get_by_test_id("attachment")
        attachment.filter(has_text="printer-log.txt").wait_for()

        # A moderator assigns it to the IT assignee.
        moderator = Person(chromium, origin, "topo-mod", shots).sign_in()
        people.append(moderator)
        mod = moderator.page
        mod.goto(f"/moderator/review/{ticket_id}")
        assert mod.get_by_test_id("ticket-title").inner_text() == title
        mod.locator('[data-action="assign"]').click()
        dialog = mod.get_by_role("dialog")
        _choose(dialog.get_by_label("Department"), r"^IT$")
        _choose(dialog.get_by_label("Assignee"), r"\(topo-it\)")
        dialog.get_by_role("button", name="Assign").click()
        dialog.wait_for(state="hidden")
        moderator.wait_status("assigned")
        moderator.shot("gateway-moderator-assigned")
        # The requestor's open page follows without a reload.
        requestor.wait_status("assigned")

        # The assignee starts work; the two browsers chat live over the gateway's wss:// route.
        assignee = Person(chromium, origin, "topo-it", shots).sign_in()
        people.append(assignee)
        work = assignee.page
        work.goto(f"/assignee/task-detail/{ticket_id}")
        work.get_by_role("button", name="Start work").click()
        assignee.wait_status("in_progress")
        requestor.wait_status("in_progress")
        for person in (requestor, assignee):
            person.page.get_by_test_id("chat-connected").wait_for()
        work.get_by_label("Message").fill(f"Tray 2 roller ordered ({stamp})")
        work.get_by_role("button", name="Send").click()
        page.get_by_test_id("chat-messages").get_by_text(f"Tray 2 roller ordered ({stamp})").wait_for()
        page.get_by_label("Message").fill(f"Thanks, we will use tray 1 until then ({stamp})")
        page.get_by_role("button", name="Send").click()
        work.get_by_test_id("chat-messages").get_by_text(f"Thanks, we will use tray 1 until then ({stamp})").wait_for()
        assert page.get_by_test_id("chat-messages").get_by_text(f"Tray 2 roller ordered ({stamp})").count() == 1

        # The attachment was scanned clean by the worker (through the real clamd) and is listed for staff.
        work.get_by_test_id("attachment").filter(has_text="printer-log.txt").wait_for()

        # The assignee resolves; the requestor sees it live and confirms.
        work.get_by_role("button", name="Resolve").click()
        work.get_by_test_id("confirm-dialog").get_by_label(re.compile("Resolution note")).fill(
            f"Roller replaced ({stamp})")
        work.get_by_test_id("confirm-action").click()
        assignee.wait_status("resolved")
        assert work.get_by_test_id("ticket-resolution").inner_text() == f"Roller replaced ({stamp})"
        requestor.wait_status("resolved")
        page.get_by_role("button", name="Confirm resolution").click()
        requestor.wait_status("closed")
        requestor.shot("gateway-requestor-closed")
    except Exception:
        for person in people:
            person.shot(f"failure-{person.code}")
        raise
    finally:
        for person in people:
            person.context.close()

    # Everything went through the gateway's one origin: pages, API calls, and the chat sockets.
    for person in people:
        foreign = [url for url in person.urls if not url.startswith((origin + "/", "data:", "blob:"))]
        assert foreign == [], (person.code, foreign[:5])
        assert person.urls and any(url.startswith(f"{origin}/api/v1/") for url in person.urls), person.code
    chat_socket = f"{origin.replace('https://', 'wss://')}/ws/chat/{ticket_id}/"
    assert any(url.startswith(chat_socket) for url in requestor.sockets), requestor.sockets
    assert any(url.startswith(chat_socket) for url in assignee.sockets), assignee.sockets

    # What the browsers did is what the database holds.
    from hdms.ops.tests.topology import psql

    assert psql(database_url, f"SELECT status FROM tickets_ticket WHERE id = '{ticket_id}'") == "closed"
    assert psql(database_url, f"SELECT count(*) FROM communication_message WHERE ticket_id = '{ticket_id}' "
                              f"AND body LIKE '%({stamp})%'") == "2"
    assert psql(database_url, f"SELECT status FROM files_attachment WHERE ticket_id = '{ticket_id}'") == "clean"


def test_admin_inspects_and_replays_a_dead_letter_and_opens_flower_through_the_gateway(topology, chromium):
    """Operations you can see (issue 11 item 8): the dead-letter table on the admin page, and Flower."""
    from hdms.ops.tests.topology import manage, psql

    supervisor, _, database_url, _ = topology
    origin = supervisor.plan.gateway_origin()
    key = f"replayed-{int(time.time())}"
    manage(supervisor.env, "shell", stdin=(
        "from hdms.jobs.services import dead_letter_record\n"
        f"dead_letter_record(task_name='hdms.ops.probe_write', args=['{key}'], queue='default', retries=3,\n"
        "    exception='RuntimeError: disk full',\n"
        "    traceback='Traceback (most recent call last):\\nRuntimeError: disk full')\n"
    ))
    shots = supervisor.run_dir / "screenshots"
    shots.mkdir(exist_ok=True)
    admin = Person(chromium, origin, "topo-admin", shots).sign_in()
    try:
        page = admin.page
        page.get_by_role("link", name="Operations").first.click()
        page.wait_for_url(re.compile(r"/admin/operations$"))
        row = page.get_by_test_id("dead-letters").locator("tr").filter(has_text="hdms.ops.probe_write")
        row.first.wait_for()
        row.first.get_by_role("button", name="Inspect").click()
        detail = page.get_by_test_id("dead-letter-detail")
        detail.get_by_test_id("dead-letter-arguments").filter(has_text=key).wait_for()
        assert "RuntimeError: disk full" in detail.inner_text()
        detail.get_by_test_id("replay-dead-letter").click()
        detail.get_by_role("button", name="Replayed").wait_for()
        admin.shot("gateway-admin-dead-letter-replayed")
        # The replay went through the outbox to the worker, which ran the task with its arguments.
        deadline = time.monotonic() + 30
        while psql(database_url, f"SELECT count(*) FROM ops_task_probe WHERE key = '{key}'") != "1":
            assert time.monotonic() < deadline, "the replayed task did not run"
            time.sleep(0.3)
        assert psql(database_url, "SELECT count(*) FROM jobs_deadletter WHERE replayed_at IS NOT NULL "
                                  f"AND args::text LIKE '%{key}%'") == "1"

        with admin.context.expect_page() as flower_page:
            page.get_by_test_id("open-flower").click()
        flower = flower_page.value
        flower.wait_for_load_state()
        assert flower.url.startswith(f"{origin}/flower/"), flower.url
        assert "Flower" in flower.title()
    except Exception:
        admin.shot("failure-topo-admin-operations")
        raise
    finally:
        admin.context.close()
