"""A labelled search set (issue 18 item 1): tickets in English, Urdu script and Roman Urdu, their
chat messages, and queries with the tickets each should find. ``test_search_quality`` files them
among generated filler tickets and measures recall; bench/RESULTS.md records it.

Queries include the spellings people really type: Roman Urdu vowels doubled or dropped
("kharaab", "tankhwa"), Urdu words with or without a final letter, English typos, and words said
only in the chat.
"""

import random
from typing import Any

from django.db import connection

from hdms.communication.selectors import room_access
from hdms.communication.services import message_create
from hdms.testing.factories_tickets import submitted_ticket
from hdms.tickets.models import Ticket

FILLERS = 400

# key: (title, description, chat messages posted by the requestor)
TICKETS: dict[str, tuple[str, str, list[str]]] = {
    "en_printer": ("Printer on 3rd floor not printing", "The HP printer shows a paper jam error every morning.", []),
    "en_vpn": ("VPN disconnects every few minutes", "Remote access drops when working from home.", []),
    "en_payslip": ("Payslip for November missing", "I cannot download my payslip from the portal.", []),
    "en_battery": ("Laptop battery drains fast", "The battery lasts only one hour since the update.", []),
    "en_email": ("Email attachments bounce back", "Outlook refuses attachments larger than 10 MB.",
                 ["The mailbox quota seems to be full as well."]),
    "en_aircon": ("Air conditioner leaking water", "The AC unit in the meeting room drips onto the carpet.", []),
    "en_password": ("Password reset link expired", "The reset email arrives after the link has expired.", []),
    "ur_printer": ("پرنٹر کام نہیں کر رہا", "دفتر کا پرنٹر کاغذ نہیں لے رہا", []),
    "ur_salary": ("تنخواہ کی سلپ نہیں ملی", "نومبر کی تنخواہ کا حساب غلط ہے", []),
    "ur_internet": ("انٹرنیٹ بہت آہستہ ہے", "وائی فائی بار بار بند ہو جاتا ہے", []),
    "ur_chair": ("کرسی ٹوٹ گئی ہے", "میری کرسی کا پہیہ ٹوٹ گیا", []),
    "ur_leave": ("چھٹی کی درخواست", "اگلے ہفتے تین دن کی چھٹی چاہیے", ["منظوری کب ملے گی"]),
    "ro_printer": ("printer kharab hai", "mera printer kaam nahi kar raha, kaghaz phans jata hai", []),
    "ro_internet": ("internet bohat slow hai", "wifi baar baar band ho jata hai", []),
    "ro_salary": ("tankhwah ka masla", "is mahine ki tankhwah abhi tak nahi aayi", []),
    "ro_bijli": ("bijli ka masla", "dusri manzil par bijli nahi hai", []),
    "ro_pani": ("pani ki tanki leak", "washroom mein pani nahi aa raha", ["plumber ko bulaya hai, kal aayega"]),
}

# (language, query, the tickets it should find)
QUERIES: list[tuple[str, str, set[str]]] = [
    ("en", "printer", {"en_printer", "ro_printer"}),
    ("en", "paper jam", {"en_printer"}),
    ("en", "vpn", {"en_vpn"}),
    ("en", "payslip", {"en_payslip"}),
    ("en", "battery drains", {"en_battery"}),
    ("en", "mailbox quota", {"en_email"}),
    ("en", "air conditioner", {"en_aircon"}),
    ("en", "printng", {"en_printer"}),
    ("en", "atachments", {"en_email"}),
    ("en", "pasword reset", {"en_password"}),
    ("ur", "پرنٹر", {"ur_printer"}),
    ("ur", "تنخواہ", {"ur_salary"}),
    ("ur", "تنخوا", {"ur_salary"}),
    ("ur", "انٹرنیٹ", {"ur_internet"}),
    ("ur", "کرسی ٹوٹ", {"ur_chair"}),
    ("ur", "چھٹی", {"ur_leave"}),
    ("ur", "منظوری", {"ur_leave"}),
    ("ur", "کاغز", {"ur_printer"}),
    ("ro", "kharab", {"ro_printer"}),
    ("ro", "kharaab printer", {"ro_printer"}),
    ("ro", "tankhwa", {"ro_salary"}),
    ("ro", "tankhah", {"ro_salary"}),
    ("ro", "bijlee", {"ro_bijli"}),
    ("ro", "paani", {"ro_pani"}),
    ("ro", "plumber", {"ro_pani"}),
    ("ro", "masla", {"ro_salary", "ro_bijli"}),
    ("ro", "nahin aayi", {"ro_salary"}),
    ("ro", "internet slow", {"ro_internet"}),
]

# Filler tickets around the labelled ones, so a query must tell them apart.
FILLER_WORDS = [
    "meeting", "request", "office", "update", "issue", "access", "form", "report", "schedule", "projector",
    "keyboard", "mouse", "monitor", "cable", "desk", "door", "lock", "badge", "parking", "canteen",
    "visitor", "training", "budget", "invoice", "approval", "account", "kaam", "chahiye", "jaldi", "zaroori",
    "darwaza", "chabi", "kamra", "mez", "دفتر", "کام", "جلدی", "ضروری", "دروازہ", "چابی", "کمرہ", "میز",
]


def file_labelled_set(desk: Any) -> dict[str, Ticket]:
    """Files the labelled tickets (by ``desk.requestor``, with their chat messages) among
    ``FILLERS`` generated ones (by ``desk.other_requestor``); the labelled tickets by key."""
    tickets = {}
    for key, (title, description, messages) in TICKETS.items():
        ticket = submitted_ticket(desk.requestor, title=title, description=description)
        for body in messages:
            message_create(author=desk.requestor, access=room_access(user=desk.requestor, ticket_id=ticket.id),
                           body=body)
        tickets[key] = ticket
    rng = random.Random(18)
    Ticket.objects.bulk_create([
        Ticket(number=f"HX-{i:07d}", title=" ".join(rng.sample(FILLER_WORDS, 3)),
               description=" ".join(rng.sample(FILLER_WORDS, 8)), requestor=desk.other_requestor, status="submitted")
        for i in range(FILLERS)
    ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tickets_ticket")
    return tickets
