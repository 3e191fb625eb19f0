"""Serve a demo School Management System bridge (DESIGN §8): the same local server the tests use
(hdms/users/tests/sms_server.py), with a few demo employees whose SMS password is
``sms-demo-pass``. ``HDMS_DEMO_SMS=true make run`` starts it and points HDMS_SMS_BASE_URL at it.

The demo's SMS moves on after the first listing (the sync ``make run`` does at start): a new hire
(t105) joins and t102's email changes, so the admin's next sync (or dry run) reports a created and
an updated row; t104's department (LIB) is not one of the desk's, so every sync refuses that row
with its reason. ``POST <bridge>/api/_control/outage {"down": true}`` (same bearer token) makes
the SMS answer 503 until ``{"down": false}``: SMS sign-in then says the SMS is down."""

import time

from django.core.management.base import BaseCommand

from hdms.users.tests.sms_server import FakeSms

DEMO_TOKEN = "demo-sms-token"
DEMO_SMS_PASSWORD = "sms-demo-pass"
# SMS id, employee code, full name, email, department code
DEMO_EMPLOYEES = [
    ("sms-101", "t101", "Ayesha Siddiqui", "t101@idara.example", "ACD"),
    ("sms-102", "t102", "Usman Farooq", "t102@idara.example", "ACD"),
    ("sms-103", "t103", "Hina Qureshi", "t103@idara.example", "IT"),
    ("sms-104", "t104", "Bilal Ahmed", "t104@idara.example", "LIB"),  # no such desk department: refused
]
# What the SMS lists from the second listing on: a new hire, and a changed email.
LATER_EMPLOYEES = [
    *[e if e[1] != "t102" else ("sms-102", "t102", "Usman Farooq", "usman.farooq@idara.example", "ACD")
      for e in DEMO_EMPLOYEES],
    ("sms-105", "t105", "Sana Javed", "t105@idara.example", "ACD"),
]


class Command(BaseCommand):
    help = "Serve a demo SMS bridge on 127.0.0.1:<port> until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, required=True)

    def handle(self, *args, **options):
        bridge = FakeSms(port=options["port"])
        bridge.state.token = DEMO_TOKEN
        bridge.state.page_size = 50
        for sms_id, code, name, email, department in LATER_EMPLOYEES:
            bridge.employee(sms_id, code, name, email=email, department=department, password=DEMO_SMS_PASSWORD)
        bridge.state.later_employees = bridge.state.employees
        bridge.state.employees = []
        for sms_id, code, name, email, department in DEMO_EMPLOYEES:
            bridge.employee(sms_id, code, name, email=email, department=department, password=DEMO_SMS_PASSWORD)
        bridge.start()
        self.stdout.write(f"Demo SMS bridge on {bridge.base_url} (token {DEMO_TOKEN}); employees "
                          f"{', '.join(e[1] for e in DEMO_EMPLOYEES)} sign in with {DEMO_SMS_PASSWORD}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            bridge.stop()
