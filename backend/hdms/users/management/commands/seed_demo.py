"""Demo departments and accounts (password demo12345). Only ever runs in demo mode."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from hdms.core.roles import ApproverKind, Role
from hdms.tickets import selectors as ticket_selectors
from hdms.tickets import services as ticket_services
from hdms.users import services
from hdms.users.models import Department, User

DEMO_PASSWORD = "demo12345"
DEPARTMENTS = [
    ("IT", "IT"),
    ("FIN", "Finance"),
    ("MNT", "Maintenance"),
    ("HR", "HR"),
    ("ACD", "Academics"),
    ("ADM", "Administration"),
]
# employee_code, full name, role, department code, approver kind
USERS = [
    ("admin1", "Ayesha Admin", Role.ADMIN, "ADM", None),
    ("mod1", "Bilal Moderator", Role.MODERATOR, "ADM", None),
    ("it1", "Imran IT", Role.ASSIGNEE, "IT", None),
    ("it2", "Sana IT", Role.ASSIGNEE, "IT", None),
    ("mnt1", "Kamran Maintenance", Role.ASSIGNEE, "MNT", None),
    ("fin1", "Fatima Finance", Role.ASSIGNEE, "FIN", ApproverKind.FINANCE),
    ("ceo1", "Zubair CEO", Role.REQUESTOR, "ADM", ApproverKind.CEO),
    ("req1", "Rabia Teacher", Role.REQUESTOR, "ACD", None),
    ("req2", "Hamza Principal", Role.REQUESTOR, "ACD", None),
]

# Request forms (DESIGN §10): department code -> [(English name, Urdu name, fields)].
CATEGORIES: dict[str, list[tuple[str, str, list[dict[str, object]]]]] = {
    "FIN": [("Payment request", "ادائیگی کی درخواست", [
        {"key": "amount", "label_en": "Amount (PKR)", "label_ur": "رقم (روپے)", "type": "money", "required": True},
        {"key": "cost_centre", "label_en": "Cost centre", "label_ur": "لاگت مرکز", "type": "choice", "required": True,
         "choices": ["Academics", "Administration", "IT", "Maintenance"]},
    ])],
    "IT": [("Device repair", "آلے کی مرمت", [
        {"key": "asset_tag", "label_en": "Asset tag", "label_ur": "اثاثہ نمبر", "type": "text", "required": True},
    ])],
    "MNT": [("Repair in a room", "کمرے میں مرمت", [
        {"key": "building", "label_en": "Building", "label_ur": "عمارت", "type": "choice", "required": True,
         "choices": ["Main block", "Junior block", "Hostel"]},
        {"key": "room", "label_en": "Room", "label_ur": "کمرہ", "type": "text", "required": True},
    ])],
}


class Command(BaseCommand):
    help = "Create the demo departments and accounts (demo mode only; idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.HDMS_DEMO:
            raise CommandError("Demo data is only created in demo mode (HDMS_DEMO=true, the embedded default).")
        departments = {}
        for code, name in DEPARTMENTS:
            department = Department.objects.filter(code=code).first()
            departments[code] = department or services.department_create(by=None, code=code, name=name)
        created = 0
        for code, full_name, role, department_code, approver_kind in USERS:
            if User.all_objects.filter(employee_code=code).exists():
                continue
            services.user_create(
                by=None,
                employee_code=code,
                full_name=full_name,
                password=DEMO_PASSWORD,
                email=f"{code}@idara.example",
                role=role,
                department_id=departments[department_code].id,
                is_approver=approver_kind is not None,
                approver_kind=approver_kind,
            )
            created += 1
        admin = User.objects.get(employee_code="admin1")
        for code, categories in CATEGORIES.items():
            for name_en, name_ur, fields in categories:
                existing = ticket_selectors.category_list(department_id=departments[code].id)
                if not existing.filter(name_en=name_en).exists():
                    ticket_services.category_create(by=admin, department_id=departments[code].id, name_en=name_en,
                                                    name_ur=name_ur, fields=fields)
        self.stdout.write(f"Demo data ready: {len(DEPARTMENTS)} departments, {created} new accounts "
                          f"(password {DEMO_PASSWORD}).")
        # The knowledge base's demo articles (issue 17), written by the demo admin created above.
        call_command("seed_demo_kb", stdout=self.stdout)
