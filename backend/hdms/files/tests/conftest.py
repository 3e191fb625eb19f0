import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hdms.core.roles import Role
from hdms.files.tests.clamd_server import running_clamd
from hdms.testing.events import recorded_events
from hdms.testing.factories import DepartmentFactory, UserFactory
from hdms.testing.factories_tickets import assigned_ticket, submitted_ticket


@pytest.fixture(scope="session")
def clamd_url() -> Iterator[str]:
    with running_clamd() as url:
        yield url


@dataclass
class Disk:
    quarantine: Path
    store: Path

    def quarantined(self) -> list[Path]:
        return sorted(p for p in self.quarantine.iterdir() if p.is_file())

    def stored(self) -> list[Path]:
        return sorted(p for p in self.store.rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def disk(settings: Any, tmp_path: Path, clamd_url: str) -> Disk:
    """Every test gets its own quarantine and storage folders and the test clamd."""
    quarantine, store = tmp_path / "quarantine", tmp_path / "store"
    quarantine.mkdir()
    store.mkdir()
    settings.FILES_QUARANTINE_DIR = str(quarantine)
    settings.FILES_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                              "OPTIONS": {"location": str(store)}}
    settings.FILES_CLAMD_URL = clamd_url
    settings.FILES_SCAN_RETRY_BASE_SECONDS = 0
    return Disk(quarantine=quarantine, store=store)


@dataclass
class Desk:
    requestor: Any
    other_requestor: Any
    assignee: Any
    moderator: Any
    admin: Any
    ticket: Any  # the requestor's, assigned to ``assignee``


@pytest.fixture
def desk(db: Any) -> Desk:
    it = DepartmentFactory(code="IT", name="IT")
    acd = DepartmentFactory(code="ACD", name="Academics")
    requestor = UserFactory(role=Role.REQUESTOR, department=acd)
    moderator = UserFactory(role=Role.MODERATOR)
    assignee = UserFactory(role=Role.ASSIGNEE, department=it)
    return Desk(
        requestor=requestor,
        other_requestor=UserFactory(role=Role.REQUESTOR, department=acd),
        assignee=assignee,
        moderator=moderator,
        admin=UserFactory(role=Role.ADMIN),
        ticket=assigned_ticket(requestor, moderator, assignee),
    )


@pytest.fixture
def other_ticket(desk: Desk) -> Any:
    """A ticket of the other requestor, which ``desk.requestor`` and ``desk.assignee`` cannot see."""
    return submitted_ticket(desk.other_requestor)


@pytest.fixture
def published() -> Iterator[list[tuple[str, dict]]]:
    """Records the domain events the file service publishes."""
    with recorded_events("attachment.ready", "notification.requested") as seen:
        yield seen


def multipart(*, filename: str, content: bytes, fields: dict[str, str] | None = None,
              field: str = "file", content_type: str = "application/octet-stream") -> tuple[bytes, str]:
    """A raw multipart body, so tests can send names the Django test client would clean itself."""
    boundary = f"----hdms{uuid.uuid4().hex}"
    parts = []
    for name, value in (fields or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{quoted}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def upload(api: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """``upload(user, ticket_id, filename, content, run_tasks=True)`` -> response; with
    ``run_tasks`` the after-commit work (the scan, conversions) runs before it returns."""

    def send(user: Any, ticket_id: Any, filename: str, content: bytes, *, run_tasks: bool = True,
             fields: dict[str, str] | None = None, field: str = "file") -> Any:
        body, content_type = multipart(filename=filename, content=content, fields=fields, field=field)
        client = api(user)
        with django_capture_on_commit_callbacks(execute=run_tasks):
            return client.client.post(f"/api/v1/tickets/{ticket_id}/attachments", body,
                                      content_type=content_type, **client.headers)

    return send
