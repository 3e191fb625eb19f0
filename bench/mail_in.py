#!/usr/bin/env python
"""Email in (DESIGN §11): how long the SMTP listener takes to turn mail into tickets and replies.

Starts the real listener (``manage.py mail_in``) as its own process, sends N mails with smtplib
over one connection (as the desk's mail server relays them: one SMTP transaction per mail), and
times each transaction from MAIL FROM to the 250 after DATA, which the listener answers only
once the ticket (or message) is committed. Three runs: N new tickets from a known employee, N
replies into one ticket's conversation, N mails from a stranger (refused with 550).

Celery tasks (notifications, the attachment scan) are queued in Redis, not run: they are the
workers' work, not the listener's.

    DATABASE_URL=postgres://root@127.0.0.1:5432/hdms_mail REDIS_URL=redis://127.0.0.1:6379/3 \\
      .venv/bin/python bench/mail_in.py --mails 100 --port 19160
"""

import argparse
import os
import smtplib
import statistics
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "backend"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdms.settings.embedded")
os.environ.setdefault("HDMS_DEMO", "false")
os.environ["HDMS_TASKS_EAGER"] = "false"
DESK = "helpdesk@idara.example"
os.environ["HDMS_MAIL_IN_ADDRESS"] = DESK

import django  # noqa: E402

django.setup()

from hdms.communication import reply_address  # noqa: E402
from hdms.communication.models import InboundMail  # noqa: E402
from hdms.core.roles import Role  # noqa: E402
from hdms.testing.factories import UserFactory  # noqa: E402
from hdms.testing.factories_tickets import submitted_ticket  # noqa: E402
from hdms.tickets.models import Ticket  # noqa: E402


def letter(sender: str, to: str, n: int) -> bytes:
    message = EmailMessage()
    message["From"], message["To"] = sender, to
    message["Subject"] = f"Bench request {n}: projector in room {n % 40} shows no picture"
    message["Message-ID"] = make_msgid(domain="bench.test")
    message.set_content("The projector turns on but shows no picture. We tried another cable.\n" * 5)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def run(port: int, sender: str, to: str, mails: int) -> tuple[list[float], int, float]:
    times, refused = [], 0
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        for n in range(mails):
            body = letter(sender, to, n)
            t0 = time.perf_counter()
            try:
                client.sendmail(sender, [to], body)
            except smtplib.SMTPDataError:
                refused += 1
            times.append(time.perf_counter() - t0)
    return times, refused, time.perf_counter() - started


def summary(label: str, times: list[float], total: float, refused: int) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return (f"| {label} | {len(ms)} | {total:.2f} s | {statistics.median(ms):.0f} ms | {p95:.0f} ms | "
            f"{max(ms):.0f} ms | {refused} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=100)
    parser.add_argument("--port", type=int, default=19160)
    args = parser.parse_args()
    tag = uuid.uuid4().hex[:8]
    employee = UserFactory(role=Role.REQUESTOR, employee_code=f"MB{tag}", email=f"bench-{tag}@idara.example")
    UserFactory(role=Role.MODERATOR, employee_code=f"MM{tag}")
    ticket = submitted_ticket(employee, title="Bench conversation")
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "mail_in", "--host", "127.0.0.1", "--port", str(args.port)],
        cwd=REPO / "backend", env=dict(os.environ))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", args.port, timeout=5) as client:
                    client.noop()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("mail_in did not start") from None
                time.sleep(0.2)
        before = Ticket.objects.filter(requestor=employee).count()
        rows = [
            ("new tickets", *run(args.port, employee.email, DESK, args.mails)),
            ("replies into one conversation", *run(args.port, employee.email,
                                                   reply_address.reply_address(ticket_id=ticket.id,
                                                                               user_id=employee.id), args.mails)),
            ("strangers (refused 550)", *run(args.port, f"stranger-{tag}@elsewhere.example", DESK, args.mails)),
        ]
        made = Ticket.objects.filter(requestor=employee).count() - before
        replies = InboundMail.objects.filter(user=employee, outcome="reply").count()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"load average: {os.getloadavg()}")
    print("| run | mails | total | median | p95 | max | refused |\n|---|---|---|---|---|---|---|")
    for label, times, refused, total in rows:
        print(summary(label, times, total, refused))
    print(f"tickets made: {made} of {args.mails}; replies posted: {replies} of {args.mails}")
    return 0 if made == args.mails and replies == args.mails else 1


if __name__ == "__main__":
    raise SystemExit(main())
