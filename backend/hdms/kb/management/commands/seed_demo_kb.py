"""Demo knowledge-base articles in English and Urdu (demo mode only; idempotent). Run by
``seed_demo`` after the departments and accounts exist; written by the demo admin, published."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hdms.kb.selectors import article_titles
from hdms.kb.services import article_create
from hdms.users.selectors import department_list, users_by_codes

# department code, title_en, title_ur, body_en, body_ur, keywords (Roman Urdu and other words people type)
ARTICLES = [
    ("IT", "Printer not working", "پرنٹر کام نہیں کر رہا",
     "<h3>Before you file a request</h3><ol><li>Check that the printer is switched on and shows no error light."
     "</li><li>Open the paper tray: add paper and remove any jammed sheet.</li><li>Switch the printer off, wait "
     "ten seconds and switch it on again.</li><li>Print a test page from your computer.</li></ol>"
     "<p>Still not printing? File a request to IT with the printer's room number.</p>",
     "<h3>درخواست دینے سے پہلے</h3><ol><li>دیکھیں کہ پرنٹر آن ہے اور کوئی خرابی کی بتی نہیں جل رہی۔</li>"
     "<li>کاغذ کی ٹرے کھولیں: کاغذ ڈالیں اور پھنسا ہوا کاغذ نکالیں۔</li><li>پرنٹر بند کریں، دس سیکنڈ انتظار "
     "کریں اور دوبارہ آن کریں۔</li><li>اپنے کمپیوٹر سے ٹیسٹ صفحہ پرنٹ کریں۔</li></ol>"
     "<p>پھر بھی پرنٹ نہیں ہو رہا؟ کمرے کے نمبر کے ساتھ آئی ٹی کو درخواست دیں۔</p>",
     "printer kaam nahi kar raha, print nahi ho raha, paper jam"),
    ("IT", "Reset your password", "اپنا پاس ورڈ دوبارہ بنائیں",
     "<p>On the sign-in page choose <strong>Forgot password</strong>, enter your employee code and type the "
     "six-digit code sent to your email.</p>",
     "<p>سائن ان کے صفحے پر <strong>پاس ورڈ بھول گئے</strong> دبائیں، اپنا ملازم کوڈ لکھیں اور ای میل پر آنے "
     "والا چھ ہندسوں کا کوڈ درج کریں۔</p>",
     "password bhool gaya, login nahi ho raha"),
    ("IT", "Wi-Fi keeps disconnecting", "وائی فائی بار بار بند ہو جاتا ہے",
     "<p>Forget the network on your device, join it again and sign in with your employee code.</p>",
     "<p>اپنے آلے پر نیٹ ورک بھول جائیں، دوبارہ جوڑیں اور ملازم کوڈ سے سائن ان کریں۔</p>",
     "internet nahi chal raha, wifi band ho jata hai"),
    ("HR", "Apply for leave", "چھٹی کی درخواست",
     "<p>Send your leave request to HR at least two working days ahead; HR answers within two days.</p>",
     "<p>چھٹی کی درخواست کم از کم دو کام کے دن پہلے ایچ آر کو بھیجیں؛ ایچ آر دو دن میں جواب دیتا ہے۔</p>",
     "chutti ki darkhwast, leave application"),
    ("FIN", "Download your salary slip", "تنخواہ کی سلپ حاصل کریں",
     "<p>Finance emails every salary slip on the first working day of the month.</p>",
     "<p>مالیات ہر مہینے کے پہلے کام کے دن تنخواہ کی سلپ ای میل کرتا ہے۔</p>",
     "tankhwah slip nahi mili, salary slip"),
]


class Command(BaseCommand):
    help = "Create the demo knowledge-base articles (demo mode only; idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.HDMS_DEMO:
            raise CommandError("Demo data is only created in demo mode (HDMS_DEMO=true, the embedded default).")
        admin = users_by_codes(codes=["admin1"]).first()
        if admin is None:
            raise CommandError("Run seed_demo first: the demo admin writes the articles.")
        departments = {d.code: d.id for d in department_list()}
        existing = article_titles()
        created = 0
        for code, title_en, title_ur, body_en, body_ur, keywords in ARTICLES:
            if title_en in existing or code not in departments:
                continue
            article_create(by=admin, title_en=title_en, title_ur=title_ur, body_en=body_en, body_ur=body_ur,
                           keywords=keywords, department_id=departments[code], status="published")
            created += 1
        self.stdout.write(f"Knowledge base ready: {created} new demo articles.")
