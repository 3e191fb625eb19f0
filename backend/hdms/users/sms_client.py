"""The School Management System (SMS) REST bridge: a small client, and the parsing of its records.

Contract (docs/users-import.md): ``GET {SMS_BASE_URL}/employees?page=N`` with
``Authorization: Bearer {SMS_TOKEN}`` answers
``{"results": [{"id", "employee_code", "full_name", "email", "department_code", "status", "phone"}],
"next": <absolute or relative URL of the next page, or null>}``; ``POST {SMS_BASE_URL}/employees/verify``
checks a password. Used by the user sync (``hdms.users.sms``) and by sign-in for SMS-linked accounts
(``hdms.users.auth_services``); apart from the sync so that sign-in does not depend on the user services.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from hdms.core.errors import ServiceUnavailable
from hdms.core.text import is_blank, strip_bidi_controls
from hdms.users.rules import employee_code_problem

# Bounds against a misbehaving SMS: a listing never ends, or a page is enormous.
MAX_PAGES = 500
MAX_EMPLOYEES = 50_000
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"


class SmsError(Exception):
    """The SMS could not be reached or answered badly; ``transient`` says whether a retry may help."""

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True)
class SmsEmployee:
    id: str
    employee_code: str
    full_name: str
    email: str
    department_code: str
    status: str
    phone: str


class SmsClient:
    """A small httpx client for the SMS bridge: Bearer token, timeouts, retries with backoff."""

    def __init__(self, *, base_url: str, token: str, timeout: float = 10.0, retries: int = 2,
                 backoff: float = 0.25, transport: httpx.BaseTransport | None = None) -> None:
        if not base_url:
            raise ServiceUnavailable("The School Management System bridge is not configured (HDMS_SMS_BASE_URL).")
        self.base_url = base_url.rstrip("/") + "/"
        self.retries = max(0, retries)
        self.backoff = backoff
        self._client = httpx.Client(
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                     "User-Agent": "hdms-sms-bridge/1"},
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
        )

    @classmethod
    def from_settings(cls) -> "SmsClient":
        return cls(
            base_url=settings.SMS_BASE_URL,
            token=settings.SMS_TOKEN,
            timeout=settings.SMS_TIMEOUT,
            retries=getattr(settings, "SMS_RETRIES", 2),
            backoff=getattr(settings, "SMS_BACKOFF", 0.25),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "SmsClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _same_origin(self, url: str) -> bool:
        # The token must never be sent to a host the SMS merely names in a "next" link.
        base, other = urlsplit(self.base_url), urlsplit(url)
        return (base.scheme, base.netloc) == (other.scheme, other.netloc)

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self._json_with_retries("GET", url, params=params)

    def post_json(self, url: str, body: dict[str, Any]) -> Any:
        return self._json_with_retries("POST", url, body=body)

    def _json_with_retries(self, method: str, url: str, *, params: dict[str, Any] | None = None,
                           body: dict[str, Any] | None = None) -> Any:
        attempt = 0
        while True:
            try:
                return self._json_once(method, url, params, body)
            except SmsError as exc:
                if not exc.transient or attempt >= self.retries:
                    raise
            attempt += 1
            time.sleep(self.backoff * (2 ** (attempt - 1)))

    def _json_once(self, method: str, url: str, params: dict[str, Any] | None, body: dict[str, Any] | None) -> Any:
        try:
            response = self._client.request(method, url, params=params, json=body)
        except httpx.TimeoutException as exc:
            raise SmsError(f"timed out ({type(exc).__name__})", transient=True) from exc
        except httpx.TransportError as exc:
            raise SmsError(f"cannot connect ({type(exc).__name__})", transient=True) from exc
        if response.status_code in (401, 403):
            raise SmsError(f"refused our token (HTTP {response.status_code})", transient=False)
        if response.status_code in TRANSIENT_STATUSES:
            raise SmsError(f"HTTP {response.status_code}", transient=True)
        if response.status_code != 200:
            raise SmsError(f"unexpected HTTP {response.status_code}", transient=False)
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise SmsError("response too large", transient=False)
        try:
            return response.json()
        except ValueError as exc:
            raise SmsError("answered with something that is not JSON", transient=False) from exc

    def verify_password(self, *, employee_code: str, password: str) -> bool:
        """Whether the SMS accepts this employee code and password (DESIGN §8); ``SmsError`` when
        it cannot say. An employee the SMS lists as inactive is refused."""
        body = self.post_json(urljoin(self.base_url, "employees/verify"),
                              {"employee_code": employee_code, "password": password})
        if not isinstance(body, dict) or not isinstance(body.get("valid"), bool):
            raise SmsError("answered the password check without a 'valid' flag", transient=False)
        employee = body.get("employee")
        status = str((employee.get("status") if isinstance(employee, dict) else None) or STATUS_ACTIVE).lower()
        return body["valid"] and status == STATUS_ACTIVE

    def iter_employee_pages(self) -> Iterator[list[Any]]:
        url: str | None = urljoin(self.base_url, "employees")
        params: dict[str, Any] | None = {"page": 1}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            if url is None:
                return
            key = f"{url}?{params}"
            if key in seen:
                raise SmsError("the employee listing loops back on itself", transient=False)
            seen.add(key)
            body = self.get_json(url, params)
            if not isinstance(body, dict) or not isinstance(body.get("results"), list):
                raise SmsError("an employee page lacks its 'results' list", transient=False)
            yield body["results"]
            next_url = body.get("next")
            if next_url in (None, ""):
                return
            if not isinstance(next_url, str):
                raise SmsError("'next' is not a URL", transient=False)
            url, params = urljoin(url, next_url), None
            if not self._same_origin(url):
                raise SmsError("'next' points to another host", transient=False)
        raise SmsError(f"the employee listing has more than {MAX_PAGES} pages", transient=False)

    def list_employees(self) -> tuple[list[SmsEmployee], list[str]]:
        """Every employee the SMS lists, and the records too malformed to use (with reasons)."""
        employees: list[SmsEmployee] = []
        malformed: list[str] = []
        count = 0
        for page in self.iter_employee_pages():
            for record in page:
                count += 1
                if count > MAX_EMPLOYEES:
                    raise SmsError(f"more than {MAX_EMPLOYEES} employees", transient=False)
                employee, errors = _parse_employee(record)
                if employee is None:
                    malformed.append(_error_entry(record, errors))
                else:
                    employees.append(employee)
        return employees, malformed


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError
    return str(value).strip()[:limit]


def _parse_employee(record: Any) -> tuple[SmsEmployee | None, list[str]]:
    if not isinstance(record, dict):
        return None, ["not an object"]
    try:
        employee = SmsEmployee(
            id=_text(record.get("id"), 64),
            employee_code=_text(record.get("employee_code"), 33),
            full_name=strip_bidi_controls(_text(record.get("full_name"), 151)).strip(),
            email=_text(record.get("email"), 255),
            department_code=_text(record.get("department_code"), 33).upper(),
            status=_text(record.get("status"), 16).lower(),
            phone=_text(record.get("phone"), 33),
        )
    except TypeError:
        return None, ["a field has the wrong type"]
    errors = []
    if not employee.id:
        errors.append("id: required")
    problem = employee_code_problem(employee.employee_code)
    if problem:
        errors.append(f"employee_code: {problem}")
    if not employee.full_name:
        errors.append("full_name: required")
    elif is_blank(employee.full_name):
        errors.append("full_name: only invisible characters")
    elif len(employee.full_name) > 150:
        errors.append("full_name: at most 150 characters")
    if employee.status not in (STATUS_ACTIVE, STATUS_INACTIVE):
        errors.append("status: must be active or inactive")
    if employee.email:
        try:
            validate_email(employee.email)
        except DjangoValidationError:
            errors.append("email: not a valid address")
    if len(employee.phone) > 32:
        errors.append("phone: at most 32 characters")
    return (None if errors else employee), errors


def describe_employee(sms_id: Any, employee_code: Any) -> str:
    code = str(employee_code or "?")[:32]
    return f"{code} (SMS id {str(sms_id or '?')[:64]})"


def _error_entry(record: Any, errors: list[str]) -> str:
    get = record.get if isinstance(record, dict) else (lambda _key: None)
    return f"{describe_employee(get('id'), get('employee_code'))}: {'; '.join(errors)}"
