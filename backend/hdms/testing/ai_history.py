# ruff: noqa: E501 - tables of sentences read better one entry a line
"""A generated desk history for the ai service's tests and benchmarks (bench/ai_eval.py): tickets in
English, Urdu script and Roman Urdu, with the noise a real desk has — typos, small talk, people who
mention a second problem, texts that moderators route to either of two departments, a few
misrouted tickets, vague one-liners, and a department with very few tickets — and SLA outcomes that
depend on priority, department, load and approvals.

Built from the demo history's sentences (hdms.tickets.demo_text) plus the variants below; seeded,
so a run is repeatable. Nothing here is the desk's real data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hdms.ai.learn import SlaTicket, TriageExample
from hdms.tickets import demo_text as text

LANGUAGES = ("en", "ur", "ro")
LANGUAGE_WEIGHTS = (50, 25, 25)
DEPARTMENT_WEIGHTS = {"IT": 28, "MNT": 24, "ACD": 14, "ADM": 12, "HR": 10, "FIN": 10, "LIB": 0.3}

# More ways to say each kind of problem, per language: (title, description) fragments.
VARIANTS: dict[str, dict[str, list[str]]] = {
    "it.network": {"en": ["internet is very slow", "no network on the laptop", "LAN cable not working", "router lights are red"],
                   "ur": ["انٹرنیٹ بہت سست ہے", "لیپ ٹاپ پر نیٹ ورک نہیں", "راؤٹر کی بتیاں سرخ ہیں"],
                   "ro": ["net bohat slow hai", "laptop par network nahi", "router ki lights red hain", "wifi ka password kaam nahi karta"]},
    "it.hardware": {"en": ["keyboard keys do not work", "mouse is broken", "monitor flickers", "laptop battery dead"],
                    "ur": ["کی بورڈ کام نہیں کر رہا", "ماؤس خراب ہے", "مانیٹر جھلملا رہا ہے"],
                    "ro": ["keyboard kaam nahi kar raha", "mouse kharab hai", "monitor flicker kar raha hai", "laptop ki battery khatam"]},
    "it.printer": {"en": ["printer says offline", "toner is finished", "prints are faded"],
                   "ur": ["پرنٹر آف لائن دکھا رہا ہے", "ٹونر ختم ہو گیا ہے"],
                   "ro": ["printer offline dikha raha hai", "toner khatam ho gaya", "print halka aa raha hai"]},
    "it.account": {"en": ["reset my password please", "portal account locked", "cannot open the attendance software"],
                   "ur": ["میرا پاس ورڈ ری سیٹ کریں", "پورٹل اکاؤنٹ بند ہو گیا"],
                   "ro": ["mera password reset karein", "portal account lock ho gaya", "attendance software nahi khul raha"]},
    "it.projector": {"en": ["multimedia not connecting to the laptop", "HDMI cable of the projector is faulty"],
                     "ur": ["ملٹی میڈیا لیپ ٹاپ سے نہیں جڑ رہا"],
                     "ro": ["multimedia laptop se connect nahi ho raha", "projector ki HDMI cable kharab hai"]},
    "mnt.plumbing": {"en": ["washroom flush broken", "water tank overflowing", "drain is blocked"],
                     "ur": ["واش روم کا فلش خراب ہے", "پانی کی ٹنکی بہہ رہی ہے", "نالی بند ہے"],
                     "ro": ["washroom ka flush kharab hai", "pani ki tanki overflow ho rahi hai", "naali band hai"]},
    "mnt.electrical": {"en": ["socket gives sparks", "no electricity in the wing", "switch board burnt"],
                       "ur": ["ساکٹ سے چنگاری نکلتی ہے", "بجلی نہیں آ رہی", "سوئچ بورڈ جل گیا"],
                       "ro": ["socket se chingari nikalti hai", "bijli nahi aa rahi", "switch board jal gaya"]},
    "mnt.lights": {"en": ["bulb fused in the corridor", "emergency light not working"],
                   "ur": ["راہداری کا بلب فیوز ہو گیا"],
                   "ro": ["corridor ka bulb fuse ho gaya", "emergency light kaam nahi kar rahi"]},
    "mnt.furniture": {"en": ["door lock is broken", "window glass cracked", "whiteboard fell down"],
                      "ur": ["دروازے کا تالا ٹوٹا ہوا ہے", "کھڑکی کا شیشہ ٹوٹ گیا"],
                      "ro": ["darwaze ka tala toota hua hai", "khirki ka sheesha toot gaya", "whiteboard gir gaya"]},
    "mnt.ac": {"en": ["AC leaking water", "AC remote missing", "split unit makes loud noise"],
               "ur": ["اے سی سے پانی ٹپک رہا ہے"],
               "ro": ["AC se pani tapak raha hai", "AC ka remote gum hai", "AC bohat shor karta hai"]},
    "fin.purchase": {"en": ["need approval for buying", "vendor quotation for procurement", "budget for new equipment"],
                     "ur": ["خریداری کی منظوری درکار ہے", "نئے سامان کا بجٹ"],
                     "ro": ["khareedari ki manzoori chahiye", "vendor ki quotation", "naye saman ka budget"]},
    "fin.reimbursement": {"en": ["claim for travel expenses", "refund of advance payment", "petty cash claim"],
                          "ur": ["سفری اخراجات کا کلیم", "پیشگی رقم کی واپسی"],
                          "ro": ["safar ke kharchon ka claim", "advance ki raqam wapas", "petty cash ka claim"]},
    "fin.salary": {"en": ["salary not credited this month", "tax deduction is wrong", "provident fund statement"],
                   "ur": ["اس مہینے تنخواہ نہیں آئی", "ٹیکس کٹوتی غلط ہے"],
                   "ro": ["is mahine tankhwah nahi aayi", "tax ki katoti ghalat hai", "provident fund ki statement"]},
    "hr.leave": {"en": ["apply for maternity leave", "casual leave not approved", "leave record missing"],
                 "ur": ["زچگی کی چھٹی کی درخواست", "اتفاقی چھٹی منظور نہیں ہوئی"],
                 "ro": ["maternity leave ki darkhwast", "casual leave manzoor nahi hui", "chhutti ka record ghaib hai"]},
    "hr.hiring": {"en": ["vacancy for a substitute teacher", "interview panel needed", "resignation of a teacher"],
                  "ur": ["متبادل استاد کی آسامی", "ایک استاد کا استعفیٰ"],
                  "ro": ["substitute teacher ki aasami", "interview panel chahiye", "ek ustaad ka istifa"]},
    "hr.certificate": {"en": ["need a salary certificate", "NOC letter for higher studies", "service letter"],
                       "ur": ["تنخواہ کا سرٹیفکیٹ چاہیے", "اعلیٰ تعلیم کے لیے این او سی"],
                       "ro": ["salary certificate chahiye", "higher studies ke liye NOC", "service letter chahiye"]},
    "acd.timetable": {"en": ["substitution for absent teacher", "period allocation wrong"],
                      "ur": ["غیر حاضر استاد کی جگہ متبادل", "پیریڈ کی تقسیم غلط ہے"],
                      "ro": ["ghair hazir ustaad ki jagah substitution", "period ki taqseem ghalat hai"]},
    "acd.exams": {"en": ["result cards not ready", "marks entry deadline", "question paper review"],
                  "ur": ["نتیجہ کارڈ تیار نہیں", "نمبروں کے اندراج کی آخری تاریخ"],
                  "ro": ["result card tayyar nahi", "marks entry ki aakhri tareekh", "question paper ka review"]},
    "acd.books": {"en": ["syllabus copies missing", "workbooks not delivered", "curriculum guide needed"],
                  "ur": ["نصاب کی کاپیاں کم ہیں", "ورک بکس نہیں پہنچیں"],
                  "ro": ["syllabus ki copies kam hain", "workbooks nahi pohanchi", "curriculum guide chahiye"]},
    "acd.lab": {"en": ["practical register finished", "lab assistant absent", "burners for chemistry practicals"],
                "ur": ["عملی رجسٹر ختم ہو گیا", "کیمسٹری کے لیے برنر"],
                "ro": ["practical register khatam", "lab assistant ghair hazir", "chemistry ke liye burner"]},
    "adm.transport": {"en": ["bus driver rude to students", "van AC not working", "pick up time changed"],
                      "ur": ["بس ڈرائیور کا رویہ خراب", "وین کا وقت بدل گیا"],
                      "ro": ["bus driver ka rawaiya kharab", "van ka time badal gaya", "pick up late hota hai"]},
    "adm.cleaning": {"en": ["washrooms are dirty", "garbage not collected", "dust in the classrooms"],
                     "ur": ["واش روم گندے ہیں", "کچرا نہیں اٹھایا گیا"],
                     "ro": ["washroom gande hain", "kachra nahi uthaya gaya", "classes mein dhool hai"]},
    "adm.events": {"en": ["tent and stage booking", "invitation cards printing", "chief guest protocol"],
                   "ur": ["ٹینٹ اور اسٹیج کی بکنگ", "دعوت نامے چھپوانے ہیں"],
                   "ro": ["tent aur stage ki booking", "invitation card chhapwane hain", "chief guest ka protocol"]},
    "adm.security": {"en": ["guard not at the gate", "CCTV camera off", "stranger seen near the wall"],
                     "ur": ["گارڈ گیٹ پر موجود نہیں", "سی سی ٹی وی کیمرہ بند ہے"],
                     "ro": ["guard gate par nahi", "CCTV camera band hai", "deewar ke paas ajnabi dekha gaya"]},
    "lib.books": {"en": ["library card renewal", "book issue register", "donated books to catalogue"],
                  "ur": ["لائبریری کارڈ کی تجدید", "عطیہ کی گئی کتابوں کی فہرست"],
                  "ro": ["library card renew karna hai", "book issue register", "donate ki gayi kitabon ki catalogue"]},
}
LIB_TEMPLATE = {
    "en": ("Library request: {item}", "The library needs help with {item} before the reading week."),
    "ur": ("لائبریری کی درخواست: {item}", "ریڈنگ ویک سے پہلے لائبریری کو {item} میں مدد چاہیے۔"),
    "ro": ("Library ki darkhwast: {item}", "Reading week se pehle library ko {item} mein madad chahiye."),
}
# Texts moderators send to either of two departments (both happen in the history).
CONFUSABLE = [("it.projector", "MNT"), ("mnt.ac", "ADM"), ("acd.exams", "IT"), ("fin.purchase", "IT"),
              ("adm.cleaning", "MNT"), ("hr.hiring", "ACD"), ("acd.lab", "FIN"), ("adm.events", "FIN")]
SMALL_TALK = {
    "en": ["Please help.", "Thanks in advance.", "This is urgent.", "Kindly look into it.", "Regards.", "As discussed yesterday."],
    "ur": ["براہِ کرم مدد کریں۔", "پیشگی شکریہ۔", "یہ فوری ہے۔", "مہربانی فرما کر دیکھ لیں۔"],
    "ro": ["Please madad karein.", "Shukriya.", "Ye urgent hai.", "Meharbani kar ke dekh lein.", "Kal baat hui thi."],
}
VAGUE = {
    "en": [("Problem", "Please come and see."), ("Help needed", "Not working since morning."), ("Issue in {place}", "Please check.")],
    "ur": [("مسئلہ", "براہِ کرم آ کر دیکھیں۔"), ("مدد چاہیے", "صبح سے کام نہیں کر رہا۔")],
    "ro": [("Masla", "Please aa kar dekhein."), ("Madad chahiye", "Subah se kaam nahi kar raha.")],
}
HOURS_BY_PRIORITY = {"low": 72, "medium": 40, "high": 16, "urgent": 6}
PRIORITY_WEIGHTS = {"low": 24, "medium": 46, "high": 22, "urgent": 8}
SLOW_DEPARTMENTS = {"MNT": 1.35, "FIN": 1.25, "ADM": 1.1, "IT": 0.9}


@dataclass
class GeneratedTicket:
    id: str
    title: str
    description: str
    department: str
    category: str
    language: str
    kind: str  # "plain" | "confusable" | "misrouted" | "vague"
    priority: str
    requestor: str
    assignee: str
    created_at: datetime
    due_at: datetime
    finished_at: datetime | None
    breached: bool
    has_amount: bool

    def triage_example(self) -> TriageExample:
        return TriageExample(self.title, self.description, self.department, self.category, self.created_at)

    def sla_ticket(self) -> SlaTicket:
        return SlaTicket(self.id, self.department, self.category, self.priority, self.requestor, self.assignee,
                         self.created_at, self.due_at, self.finished_at, self.breached,
                         len(self.title) + len(self.description), self.has_amount, False)


def _fill(pattern: str, language: str, rng: random.Random) -> str:
    index = LANGUAGES.index(language)
    values = {"place": rng.choice(text.PLACES)[index].replace("{n}", str(rng.randint(1, 40))),
              "item": rng.choice(text.ITEMS)[index], "subject": rng.choice(text.SUBJECTS)[index],
              "event": rng.choice(text.EVENTS)[index], "month": rng.choice(text.MONTHS)[index],
              "grade": str(rng.randint(1, 10)), "n": str(rng.randint(1, 40))}
    return pattern.format(**values)


def _typos(sentence: str, rng: random.Random, rate: float = 0.06) -> str:
    words = sentence.split(" ")
    for i, word in enumerate(words):
        if len(word) > 3 and rng.random() < rate:
            j = rng.randrange(len(word) - 1)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2:] if rng.random() < 0.5 else word[:j] + word[j + 1:]
    return " ".join(words)


def _templates() -> dict[str, list[tuple[str, int, bool, dict[str, tuple[str, str]]]]]:
    table = {code: [(category, weight, amount is not None, texts) for category, weight, amount, _, texts in items]
             for code, items in text.TEMPLATES.items()}
    table["LIB"] = [("lib.books", 1, False, LIB_TEMPLATE)]
    return table


def generate(count: int, *, seed: int = 15, days: int = 365, start: datetime | None = None,
             departments: dict[str, float] | None = None) -> list[GeneratedTicket]:
    """``count`` tickets over ``days`` days, oldest first."""
    rng = random.Random(seed)
    templates = _templates()
    weights = departments or DEPARTMENT_WEIGHTS
    codes = list(weights)
    start = start or datetime(2025, 1, 1, tzinfo=UTC)
    category_department = {c: code for code, items in templates.items() for c, *_ in items}
    # Each department's load drifts from day to day: busy weeks make for late tickets.
    load = {code: [1.0] for code in codes}
    for code in codes:
        for _ in range(days):
            load[code].append(min(2.5, max(0.5, load[code][-1] * rng.lognormvariate(0, 0.12))))
    assignees = {code: [f"{code}-staff-{i}" for i in range(3 + int(weights[code] // 6))] for code in codes}
    speed = {a: rng.lognormvariate(0, 0.25) for names in assignees.values() for a in names}
    requestors = [f"employee-{i}" for i in range(max(50, count // 20))]
    tickets: list[GeneratedTicket] = []
    instants = sorted(rng.random() * days for _ in range(count))
    for n, day_fraction in enumerate(instants):
        created = start + timedelta(days=day_fraction)
        language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        department = rng.choices(codes, [weights[c] for c in codes])[0]
        items = templates[department]
        category, _, has_amount, texts = rng.choices(items, [w for _, w, _, _ in items])[0]
        kind = "plain"
        title_pattern, description_pattern = texts[language]
        variants = VARIANTS.get(category, {}).get(language, [])
        roll = rng.random()
        if roll < 0.03:
            kind = "vague"
            title_pattern, description_pattern = rng.choice(VAGUE[language])
        elif roll < 0.15:
            # A confusable text: written like one category, routed to the other department half the time.
            source, other = rng.choice(CONFUSABLE)
            source_department = category_department[source]
            if department not in (source_department, other):
                department = rng.choice((source_department, other))
            category = source if department == source_department else category
            source_texts = next(t for c, _, _, t in templates[source_department] if c == source)
            title_pattern, description_pattern = source_texts[language]
            variants = VARIANTS.get(source, {}).get(language, [])
            kind = "confusable"
        title = _fill(title_pattern, language, rng)
        if variants and rng.random() < 0.5:
            title = rng.choice(variants).capitalize() if rng.random() < 0.5 else title
        parts = [_fill(description_pattern, language, rng)]
        if variants and rng.random() < 0.7:
            parts.append(rng.choice(variants) + ("." if language != "ur" else "۔"))
        if rng.random() < 0.5:
            parts.append(rng.choice(SMALL_TALK[language]))
        if rng.random() < 0.1:  # a second, unrelated problem mentioned in passing
            other_department = rng.choice(codes)
            other_items = templates[other_department]
            parts.append(_fill(rng.choice(other_items)[3][language][1], language, rng))
        rng.shuffle(parts)
        description = " ".join(parts)
        if language != "ur":
            title, description = _typos(title, rng), _typos(description, rng)
        if kind != "vague" and rng.random() < 0.03:
            department = rng.choice(codes)  # misrouted and never corrected
            kind = "misrouted"
        if category_department.get(category) != department:
            category = next((c for c, *_ in templates[department]), category) if rng.random() < 0.5 else category
        priority = rng.choices(list(PRIORITY_WEIGHTS), list(PRIORITY_WEIGHTS.values()))[0]
        assignee = rng.choice(assignees[department])
        target = timedelta(hours=HOURS_BY_PRIORITY[priority])
        day = min(days, int(day_fraction))
        effort = (SLOW_DEPARTMENTS.get(department, 1.0) * load[department][day] * speed[assignee]
                  * (1.6 if has_amount and rng.random() < 0.5 else 1.0) * rng.lognormvariate(-0.45, 0.55))
        duration = target * effort
        now = start + timedelta(days=days)
        finished = created + duration
        finished_at = finished if finished < now else None
        breached = duration > target and (finished_at is not None or created + target < now)
        tickets.append(GeneratedTicket(
            id=f"t{n}", title=title[:200], description=description, department=department, category=category,
            language=language, kind=kind, priority=priority, requestor=rng.choice(requestors), assignee=assignee,
            created_at=created, due_at=created + target, finished_at=finished_at, breached=breached,
            has_amount=has_amount,
        ))
    return tickets


DEPARTMENT_NAMES = {"IT": "Information Technology", "MNT": "Maintenance", "ACD": "Academics",
                    "ADM": "Administration", "HR": "Human Resources", "FIN": "Finance", "LIB": "Library"}


def load_into_desk(tickets: list[GeneratedTicket], *, requestor: object, now: datetime | None = None) -> dict[str, str]:
    """Writes the generated tickets as closed (or, for the newest unfinished ones, open) rows of the
    ticket service, dated so the newest is ``now``; returns {department code: department id}.
    Raw rows, as a desk's history would be after its life: no audit, no events."""
    from django.db.models import F

    # Imported here: the generator runs without Django set up (bench/ai_eval.py); loading into a
    # desk needs the models.
    from hdms.testing.factories import DepartmentFactory
    from hdms.tickets.models import Ticket, TicketStatus

    departments = {code: DepartmentFactory(code=code, name=name) for code, name in DEPARTMENT_NAMES.items()}
    shift = (now or datetime.now(UTC)) - max(t.created_at for t in tickets)
    rows = []
    for n, t in enumerate(tickets):
        finished = t.finished_at + shift if t.finished_at else None
        rows.append(Ticket(
            number=f"AI-{n:07d}", title=t.title, description=t.description, department=departments[t.department],
            category=t.category, priority=t.priority, requestor_id=requestor.id,  # type: ignore[attr-defined]
            status=TicketStatus.CLOSED if finished else TicketStatus.IN_PROGRESS,
            submitted_at=t.created_at + shift, sla_started_at=t.created_at + shift,
            resolution_due=t.due_at + shift, resolved_at=finished, closed_at=finished,
            resolution_breached=t.breached, sla_breached=t.breached, amount=1000 if t.has_amount else None,
        ))
    Ticket.objects.bulk_create(rows, batch_size=1000)
    Ticket.objects.filter(number__startswith="AI-").update(created_at=F("submitted_at"))
    return {code: str(d.id) for code, d in departments.items()}
