import re
import socket
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller

from hdms.users.models import OtpChallenge

PASSWORD = "secret-pass-123"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    yield inbox
    controller.stop()


def _wait_for_mail(inbox, count=1):
    deadline = time.monotonic() + 5
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(inbox.messages) >= count
    return inbox.messages[count - 1]


def _code_from(message):
    body = message.get_payload(decode=True).decode()
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_otp_login_sends_a_code_over_smtp_and_verifies_it(make_user, api, smtp_server):
    make_user(employee_code="otp1", otp_enabled=True, email="otp1@idara.example")
    first = api().post("auth/login", {"employee_code": "otp1", "password": PASSWORD})
    assert first.status_code == 200
    body = first.json()
    assert body["otp_required"] is True
    assert "access" not in body
    mail = _wait_for_mail(smtp_server)
    assert mail["To"] == "otp1@idara.example"
    code = _code_from(mail)
    verified = api().post("auth/otp/verify", {"challenge_id": body["challenge_id"], "code": code})
    assert verified.status_code == 200, verified.content
    assert verified.json()["access"]
    # A code works once.
    assert api().post("auth/otp/verify", {"challenge_id": body["challenge_id"], "code": code}).status_code == 401


def test_otp_allows_five_tries_then_refuses_even_the_right_code(make_user, api, smtp_server):
    make_user(employee_code="otp2", otp_enabled=True, email="otp2@idara.example")
    challenge_id = api().post("auth/login", {"employee_code": "otp2", "password": PASSWORD}).json()["challenge_id"]
    code = _code_from(_wait_for_mail(smtp_server))
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert api().post("auth/otp/verify", {"challenge_id": challenge_id, "code": wrong}).status_code == 401
    assert api().post("auth/otp/verify", {"challenge_id": challenge_id, "code": code}).status_code == 401


def test_expired_otp_is_refused(make_user, api, smtp_server, time_machine):
    make_user(employee_code="otp3", otp_enabled=True, email="otp3@idara.example")
    challenge_id = api().post("auth/login", {"employee_code": "otp3", "password": PASSWORD}).json()["challenge_id"]
    code = _code_from(_wait_for_mail(smtp_server))
    challenge = OtpChallenge.objects.get(id=challenge_id)
    time_machine.move_to(challenge.expires_at, tick=False)
    response = api().post("auth/otp/verify", {"challenge_id": challenge_id, "code": code})
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_otp_login_with_smtp_down_answers_and_the_code_is_mailed_when_smtp_is_back(
        make_user, api, smtp_server, settings):
    from hdms.core.models import OutboxMessage
    from hdms.core.outbox import outbox_drain

    make_user(employee_code="otp4", otp_enabled=True, email="otp4@idara.example")
    up_port = settings.EMAIL_PORT
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    settings.EMAIL_PORT = closed.getsockname()[1]  # bound, not listening: connections are refused
    try:
        first = api().post("auth/login", {"employee_code": "otp4", "password": PASSWORD})
    finally:
        closed.close()
    assert first.status_code == 200, first.content
    assert first.json()["otp_required"] is True
    assert smtp_server.messages == []
    assert OutboxMessage.objects.filter(name="users.send_email").exists()  # kept to retry, not lost
    settings.EMAIL_PORT = up_port
    OutboxMessage.objects.update(available_at="2000-01-01T00:00:00Z")
    assert outbox_drain() >= 1
    code = _code_from(_wait_for_mail(smtp_server))
    verified = api().post("auth/otp/verify", {"challenge_id": first.json()["challenge_id"], "code": code})
    assert verified.status_code == 200, verified.content


def test_otp_tries_are_counted_per_user_not_only_per_challenge(make_user, api, smtp_server, settings):
    """Signing in again makes a new challenge but not a new budget: after OTP_MAX_ATTEMPTS_PER_USER
    wrong codes across challenges, even the right code of a fresh challenge is refused."""
    assert settings.OTP_MAX_ATTEMPTS_PER_USER == 10
    make_user(employee_code="otp9", otp_enabled=True, email="otp9@idara.example")
    for round_number in range(1, 3):
        challenge_id = api().post("auth/login", {"employee_code": "otp9", "password": PASSWORD}).json()["challenge_id"]
        code = _code_from(_wait_for_mail(smtp_server, round_number))
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(5):
            assert api().post("auth/otp/verify", {"challenge_id": challenge_id, "code": wrong}).status_code == 401
    fresh = api().post("auth/login", {"employee_code": "otp9", "password": PASSWORD}).json()["challenge_id"]
    code = _code_from(_wait_for_mail(smtp_server, 3))
    refused = api().post("auth/otp/verify", {"challenge_id": fresh, "code": code})
    assert refused.status_code == 401
    assert "Too many wrong codes for this account" in refused.json()["detail"]
    assert OtpChallenge.objects.get(id=fresh).used_at is None


def test_a_right_code_after_a_few_wrong_ones_still_signs_in(make_user, api, smtp_server):
    make_user(employee_code="otp10", otp_enabled=True, email="otp10@idara.example")
    challenge_id = api().post("auth/login", {"employee_code": "otp10", "password": PASSWORD}).json()["challenge_id"]
    code = _code_from(_wait_for_mail(smtp_server))
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        api().post("auth/otp/verify", {"challenge_id": challenge_id, "code": wrong})
    assert api().post("auth/otp/verify", {"challenge_id": challenge_id, "code": code}).status_code == 200
