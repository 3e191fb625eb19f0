# ruff: noqa: E501 - a table of sentences reads better one template a line
"""Texts of the demo history (``seed_demo_history``): per department and category, in English,
Urdu (Urdu script) and Roman Urdu. ``{place}``, ``{item}``, ``{grade}``, ``{n}``, ``{subject}`` and
``{event}`` are filled from the word lists below, in the ticket's language."""

LANGUAGES = ("en", "ur", "ro")

PLACES = [
    ("the staff room", "اسٹاف روم", "staff room"),
    ("the library", "لائبریری", "library"),
    ("hall B", "ہال بی", "hall B"),
    ("the computer lab", "کمپیوٹر لیب", "computer lab"),
    ("the science lab", "سائنس لیب", "science lab"),
    ("the principal's office", "پرنسپل آفس", "principal office"),
    ("the accounts office", "اکاؤنٹس آفس", "accounts office"),
    ("room {n}", "کمرہ {n}", "kamra {n}"),
    ("room {n}", "کمرہ {n}", "room {n}"),
    ("the girls' wing", "گرلز ونگ", "girls wing"),
]
ITEMS = [
    ("lab microscopes", "لیب کے خوردبین", "lab ke microscope"),
    ("classroom furniture", "کلاس روم کا فرنیچر", "class room ka furniture"),
    ("printer toner", "پرنٹر ٹونر", "printer toner"),
    ("sports equipment", "کھیلوں کا سامان", "khelon ka saman"),
    ("laptops for teachers", "اساتذہ کے لیے لیپ ٹاپ", "asatiza ke liye laptop"),
    ("a water cooler", "واٹر کولر", "water cooler"),
    ("library books", "لائبریری کی کتابیں", "library ki kitaben"),
]
SUBJECTS = [
    ("mathematics", "ریاضی", "riyazi"),
    ("English", "انگریزی", "angrezi"),
    ("physics", "طبیعیات", "physics"),
    ("Urdu", "اردو", "Urdu"),
    ("computer science", "کمپیوٹر سائنس", "computer science"),
]
EVENTS = [
    ("the annual prize day", "سالانہ تقسیم انعامات", "salana taqseem-e-inamaat"),
    ("the science fair", "سائنس میلہ", "science mela"),
    ("the parents' meeting", "والدین کی میٹنگ", "waldain ki meeting"),
    ("sports week", "کھیلوں کا ہفتہ", "khelon ka hafta"),
]
MONTHS = [
    ("August", "اگست", "August"), ("September", "ستمبر", "September"), ("October", "اکتوبر", "October"),
    ("November", "نومبر", "November"),
]

# department code -> [(category, weight, amount range or None, split candidate, {lang: (title, description)})]
TEMPLATES: dict[str, list[tuple[str, int, tuple[int, int] | None, bool, dict[str, tuple[str, str]]]]] = {
    "IT": [
        ("it.network", 5, None, False, {
            "en": ("Wi-Fi not working in {place}", "The internet keeps disconnecting in {place} since morning."),
            "ur": ("{place} میں وائی فائی کام نہیں کر رہا", "صبح سے {place} میں انٹرنیٹ بار بار بند ہو رہا ہے۔"),
            "ro": ("{place} mein WiFi nahi chal raha", "Subah se {place} mein internet baar baar band ho raha hai."),
        }),
        ("it.hardware", 4, None, False, {
            "en": ("Computer in {place} does not start", "The desktop shows a black screen after the logo."),
            "ur": ("{place} کا کمپیوٹر آن نہیں ہو رہا", "لوگو کے بعد اسکرین کالی ہو جاتی ہے۔"),
            "ro": ("{place} ka computer on nahi ho raha", "Logo ke baad screen kaali ho jati hai."),
        }),
        ("it.printer", 3, None, False, {
            "en": ("Printer jams in {place}", "Every second page gets stuck; we need it for exam papers."),
            "ur": ("{place} کا پرنٹر کاغذ پھنسا رہا ہے", "ہر دوسرا صفحہ پھنس جاتا ہے، امتحانی پرچوں کے لیے ضرورت ہے۔"),
            "ro": ("{place} ka printer kaghaz phansa raha hai", "Har doosra safha phans jata hai, imtihani parchon ke liye zaroorat hai."),
        }),
        ("it.account", 2, None, False, {
            "en": ("Cannot sign in to school email", "It says the password is wrong although I did not change it."),
            "ur": ("اسکول ای میل میں لاگ ان نہیں ہو پا رہا", "پاس ورڈ غلط بتا رہا ہے حالانکہ میں نے تبدیل نہیں کیا۔"),
            "ro": ("School email mein login nahi ho raha", "Password ghalat bata raha hai halanke main ne change nahi kiya."),
        }),
        ("it.projector", 3, None, True, {
            "en": ("Projector shows no picture in {place}", "The projector turns on but the screen stays blue."),
            "ur": ("{place} میں پروجیکٹر پر تصویر نہیں آ رہی", "پروجیکٹر آن ہوتا ہے مگر اسکرین نیلی رہتی ہے۔"),
            "ro": ("{place} mein projector par tasveer nahi aa rahi", "Projector on hota hai magar screen neeli rehti hai."),
        }),
    ],
    "MNT": [
        ("mnt.plumbing", 4, None, False, {
            "en": ("Leaking tap in {place}", "Water is on the floor all day; please send a plumber."),
            "ur": ("{place} میں نل ٹپک رہا ہے", "سارا دن فرش پر پانی رہتا ہے، براہِ کرم پلمبر بھیجیں۔"),
            "ro": ("{place} mein nal tapak raha hai", "Sara din farsh par pani rehta hai, meharbani kar ke plumber bhejein."),
        }),
        ("mnt.electrical", 4, None, False, {
            "en": ("Fan not working in {place}", "The ceiling fan makes noise and then stops."),
            "ur": ("{place} میں پنکھا نہیں چل رہا", "چھت کا پنکھا شور کرتا ہے اور پھر رک جاتا ہے۔"),
            "ro": ("{place} mein pankha nahi chal raha", "Chhat ka pankha shor karta hai aur phir ruk jata hai."),
        }),
        ("mnt.lights", 3, None, False, {
            "en": ("Tube lights out in {place}", "Three tube lights are out; the room is too dark for class."),
            "ur": ("{place} کی ٹیوب لائٹس خراب ہیں", "تین ٹیوب لائٹس بند ہیں، کلاس کے لیے اندھیرا ہے۔"),
            "ro": ("{place} ki tube lights kharab hain", "Teen tube lights band hain, class ke liye andhera hai."),
        }),
        ("mnt.furniture", 2, None, True, {
            "en": ("Broken chairs in {place}", "Several chairs and two desks need repair."),
            "ur": ("{place} میں کرسیاں ٹوٹی ہوئی ہیں", "کئی کرسیاں اور دو میزیں مرمت طلب ہیں۔"),
            "ro": ("{place} mein kursiyan tooti hui hain", "Kai kursiyan aur do mezein marammat talab hain."),
        }),
        ("mnt.ac", 2, None, False, {
            "en": ("Air conditioner not cooling in {place}", "The AC runs but the room stays hot."),
            "ur": ("{place} کا اے سی ٹھنڈک نہیں دے رہا", "اے سی چلتا ہے مگر کمرہ گرم رہتا ہے۔"),
            "ro": ("{place} ka AC thandak nahi de raha", "AC chalta hai magar kamra garam rehta hai."),
        }),
    ],
    "FIN": [
        ("fin.purchase", 4, (15000, 450000), False, {
            "en": ("Purchase request: {item}", "Quotation attached; needed before the new term."),
            "ur": ("خریداری کی درخواست: {item}", "کوٹیشن منسلک ہے، نئے سیشن سے پہلے ضرورت ہے۔"),
            "ro": ("Khareedari ki darkhwast: {item}", "Quotation saath hai, naye session se pehle zaroorat hai."),
        }),
        ("fin.reimbursement", 3, (2000, 60000), False, {
            "en": ("Reimbursement for {item}", "I paid from my own pocket; receipts are with the office."),
            "ur": ("{item} کے اخراجات کی واپسی", "میں نے اپنی جیب سے ادائیگی کی، رسیدیں دفتر میں ہیں۔"),
            "ro": ("{item} ke kharche ki wapsi", "Main ne apni jeb se adaigi ki, raseedein daftar mein hain."),
        }),
        ("fin.salary", 3, None, False, {
            "en": ("Salary slip correction for {month}", "The allowance is missing on my salary slip."),
            "ur": ("{month} کی تنخواہ کی پرچی میں غلطی", "میری تنخواہ کی پرچی پر الاؤنس شامل نہیں۔"),
            "ro": ("{month} ki tankhwah ki parchi mein ghalti", "Meri tankhwah ki parchi par allowance shamil nahi."),
        }),
    ],
    "HR": [
        ("hr.leave", 4, None, False, {
            "en": ("Leave balance is wrong", "My remaining leave shows 2 days; it should be 9."),
            "ur": ("میری چھٹیوں کا حساب غلط ہے", "میری باقی چھٹیاں 2 دکھا رہی ہیں، 9 ہونی چاہئیں۔"),
            "ro": ("Meri chhuttiyon ka hisaab ghalat hai", "Meri baqi chhuttiyan 2 dikha rahi hain, 9 honi chahiye."),
        }),
        ("hr.hiring", 2, None, False, {
            "en": ("New teacher needed for {subject}", "One section has had no {subject} teacher for two weeks."),
            "ur": ("{subject} کے لیے نئے استاد کی ضرورت", "ایک سیکشن میں دو ہفتوں سے {subject} کا استاد نہیں۔"),
            "ro": ("{subject} ke liye naye ustaad ki zaroorat", "Ek section mein do hafton se {subject} ka ustaad nahi."),
        }),
        ("hr.certificate", 3, None, False, {
            "en": ("Experience certificate request", "I need an experience certificate for a visa application."),
            "ur": ("تجربے کے سرٹیفکیٹ کی درخواست", "ویزا کی درخواست کے لیے تجربے کا سرٹیفکیٹ درکار ہے۔"),
            "ro": ("Tajurbe ke certificate ki darkhwast", "Visa ki darkhwast ke liye tajurbe ka certificate darkar hai."),
        }),
    ],
    "ACD": [
        ("acd.timetable", 3, None, False, {
            "en": ("Timetable clash for grade {grade}", "Two teachers are scheduled in the same period."),
            "ur": ("جماعت {grade} کے ٹائم ٹیبل میں ٹکراؤ", "ایک ہی پیریڈ میں دو اساتذہ کی کلاس رکھی گئی ہے۔"),
            "ro": ("Class {grade} ke time table mein takrao", "Ek hi period mein do asatiza ki class rakhi gayi hai."),
        }),
        ("acd.exams", 3, None, False, {
            "en": ("Exam papers printing for grade {grade}", "Papers must be printed and sealed by Friday."),
            "ur": ("جماعت {grade} کے امتحانی پرچوں کی چھپائی", "پرچے جمعہ تک چھپ کر سیل ہونے چاہئیں۔"),
            "ro": ("Class {grade} ke imtihani parchon ki chhapai", "Parche Jumma tak chhap kar seal hone chahiye."),
        }),
        ("acd.books", 2, None, False, {
            "en": ("Textbooks short for grade {grade}", "Twelve students still have no {subject} book."),
            "ur": ("جماعت {grade} کے لیے درسی کتابیں کم ہیں", "بارہ طلبہ کے پاس ابھی تک {subject} کی کتاب نہیں۔"),
            "ro": ("Class {grade} ke liye darsi kitaben kam hain", "Barah talaba ke paas abhi tak {subject} ki kitab nahi."),
        }),
        ("acd.lab", 2, (20000, 300000), False, {
            "en": ("Science lab supplies for grade {grade}", "Chemicals and glassware for the practical exams."),
            "ur": ("جماعت {grade} کے لیے سائنس لیب کا سامان", "عملی امتحانات کے لیے کیمیکل اور شیشے کا سامان۔"),
            "ro": ("Class {grade} ke liye science lab ka saman", "Amli imtihanaat ke liye chemicals aur sheeshe ka saman."),
        }),
    ],
    "ADM": [
        ("adm.transport", 3, None, False, {
            "en": ("School van late on route {n}", "The van reached 25 minutes late three days this week."),
            "ur": ("روٹ {n} کی اسکول وین دیر سے آتی ہے", "اس ہفتے تین دن وین پچیس منٹ دیر سے پہنچی۔"),
            "ro": ("Route {n} ki school van der se aati hai", "Is hafte teen din van pachees minute der se pohanchi."),
        }),
        ("adm.cleaning", 3, None, False, {
            "en": ("Cleaning needed in {place}", "Please arrange cleaning before the parents visit."),
            "ur": ("{place} میں صفائی کی ضرورت ہے", "والدین کے آنے سے پہلے صفائی کا انتظام کریں۔"),
            "ro": ("{place} mein safai ki zaroorat hai", "Waldain ke aane se pehle safai ka intezam karein."),
        }),
        ("adm.events", 2, (30000, 250000), True, {
            "en": ("Arrangements for {event}", "Stage, sound system, chairs and refreshments are needed."),
            "ur": ("{event} کے انتظامات", "اسٹیج، ساؤنڈ سسٹم، کرسیاں اور ریفریشمنٹ درکار ہیں۔"),
            "ro": ("{event} ke intezamat", "Stage, sound system, kursiyan aur refreshment darkar hain."),
        }),
        ("adm.security", 2, None, False, {
            "en": ("Gate passes for visitors", "Visitors are waiting at the gate without passes."),
            "ur": ("مہمانوں کے لیے گیٹ پاس", "مہمان بغیر پاس کے گیٹ پر انتظار کر رہے ہیں۔"),
            "ro": ("Mehmanon ke liye gate pass", "Mehman baghair pass ke gate par intezar kar rahe hain."),
        }),
    ],
}

# Conversation lines: who speaks, per language.
REQUESTOR_LINES = {
    "en": ["Any update on this?", "It is still happening today.", "Please treat this as urgent, classes are affected.",
           "I have added the details the office asked for."],
    "ur": ["کیا اس پر کوئی پیش رفت ہوئی؟", "آج بھی یہی مسئلہ ہے۔", "براہِ کرم اسے فوری دیکھیں، کلاسیں متاثر ہو رہی ہیں۔",
           "دفتر نے جو تفصیل مانگی تھی وہ شامل کر دی ہے۔"],
    "ro": ["Is par koi update hai?", "Aaj bhi yahi masla hai.", "Meharbani kar ke isay jaldi dekhein, classes mutasir ho rahi hain.",
           "Daftar ne jo tafseel maangi thi wo shamil kar di hai."],
}
STAFF_LINES = {
    "en": ["We have received your request and will look at it today.", "I am on my way to check it.",
           "Parts are ordered and should arrive this week.", "Could you tell me when the room is free?"],
    "ur": ["آپ کی درخواست موصول ہو گئی ہے، آج دیکھ لیں گے۔", "میں دیکھنے آ رہا ہوں۔",
           "پرزے منگوا لیے ہیں، اس ہفتے آ جائیں گے۔", "کمرہ کب خالی ہو گا؟"],
    "ro": ["Aap ki darkhwast mil gayi hai, aaj dekh lenge.", "Main dekhne aa raha hoon.",
           "Parts mangwa liye hain, is hafte aa jayenge.", "Kamra kab khali hoga?"],
}
THANKS_LINES = {
    "en": ["Thank you, it works now.", "Thanks for the quick help!"],
    "ur": ["شکریہ، اب ٹھیک کام کر رہا ہے۔", "فوری مدد کا شکریہ!"],
    "ro": ["Shukriya, ab theek kaam kar raha hai.", "Jaldi madad ka shukriya!"],
}
RESOLUTIONS = {
    "en": ["Fixed and tested with the requestor.", "Done; the old part was replaced.", "Arranged as requested."],
    "ur": ["ٹھیک کر کے درخواست گزار کے ساتھ جانچ لیا۔", "مکمل؛ پرانا پرزہ تبدیل کر دیا۔", "درخواست کے مطابق انتظام کر دیا۔"],
    "ro": ["Theek kar ke darkhwast guzar ke saath check kar liya.", "Mukammal; purana parza badal diya.",
           "Darkhwast ke mutabiq intezam kar diya."],
}
POSTPONE_REASONS = {
    "en": ["Waiting for parts from the supplier.", "The room is in use for exams this week."],
    "ur": ["سپلائر سے پرزوں کا انتظار ہے۔", "اس ہفتے کمرہ امتحانات کے لیے استعمال ہو رہا ہے۔"],
    "ro": ["Supplier se parts ka intezar hai.", "Is hafte kamra imtihanaat ke liye istemal ho raha hai."],
}
RATING_COMMENTS = {
    "en": ["Quick and polite.", "Took too long.", "", "Good work, thank you."],
    "ur": ["جلدی اور خوش اخلاقی سے۔", "بہت دیر لگی۔", "", "اچھا کام، شکریہ۔"],
    "ro": ["Jaldi aur khush akhlaqi se.", "Bohat der lagi.", "", "Acha kaam, shukriya."],
}
REJECT_REASONS = {
    "en": "Not within this year's budget.",
    "ur": "اس سال کے بجٹ میں شامل نہیں۔",
    "ro": "Is saal ke budget mein shamil nahi.",
}
