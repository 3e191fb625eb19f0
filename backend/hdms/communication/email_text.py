"""Notification emails in the recipient's language (DESIGN §9): English or Urdu, said from each
notification's ``kind`` + ``params``. Times are 24-hour with Latin digits in both languages
(docs/decisions.md, "Server text in the reader's language")."""

from datetime import datetime
from typing import Any

from hdms.core.notification_kinds import NotificationKind as Kind

LANGUAGES = ("en", "ur")

CHROME: dict[str, dict[str, str]] = {
    "en": {
        "greeting": "Assalam-o-Alaikum {name},",
        "one": "You have a new notification on the HDMS help desk:",
        "many": "You have {count} new notifications on the HDMS help desk:",
        "urgent": "Urgent",
        "why": "You get these emails because you were not signed in to HDMS.",
        "choose": "Choose which events email you",
        "choose_text": "Choose which events email you under Settings > Notifications:",
        "signoff": "Idara Al-Khair Help Desk",
        "subject_many": "{count} new notifications",
        "subject_hourly": "Your hourly summary: {count} notifications",
        "subject_daily": "Your daily summary: {count} notifications",
        "why_hourly": "You get this summary once an hour because you chose an hourly digest.",
        "why_daily": "You get this summary once a day because you chose a daily digest.",
    },
    "ur": {
        "greeting": "السلام علیکم {name}،",
        "one": "ایچ ڈی ایم ایس ہیلپ ڈیسک پر آپ کے لیے ایک نئی اطلاع ہے:",
        "many": "ایچ ڈی ایم ایس ہیلپ ڈیسک پر آپ کے لیے {count} نئی اطلاعات ہیں:",
        "urgent": "فوری",
        "why": "یہ ای میلز آپ کو اس لیے ملتی ہیں کہ آپ ایچ ڈی ایم ایس میں سائن اِن نہیں تھے۔",
        "choose": "منتخب کریں کہ کن واقعات پر ای میل آئے",
        "choose_text": "ترتیبات > اطلاعات میں منتخب کریں کہ کن واقعات پر ای میل آئے:",
        "signoff": "ادارہ الخیر ہیلپ ڈیسک",
        "subject_many": "{count} نئی اطلاعات",
        "subject_hourly": "آپ کا گھنٹہ وار خلاصہ: {count} اطلاعات",
        "subject_daily": "آپ کا روزانہ خلاصہ: {count} اطلاعات",
        "why_hourly": "یہ خلاصہ آپ کو ہر گھنٹے ایک بار ملتا ہے کیونکہ آپ نے گھنٹہ وار خلاصہ منتخب کیا ہے۔",
        "why_daily": "یہ خلاصہ آپ کو دن میں ایک بار ملتا ہے کیونکہ آپ نے روزانہ خلاصہ منتخب کیا ہے۔",
    },
}

# One sentence per kind; {number}, {status} etc. come from the notification's params.
URDU: dict[str, str] = {
    Kind.MESSAGE: "ٹکٹ {number} پر نیا پیغام",
    Kind.MENTION: "ٹکٹ {number} پر کسی نے آپ کو مخاطب کیا",
    Kind.TICKET_SUBMITTED: "نیا ٹکٹ {number}",
    Kind.TICKET_ASSIGNED: "ٹکٹ {number} آپ کو تفویض کیا گیا",
    Kind.TICKET_REASSIGNED: "ٹکٹ {number} کسی اور کو تفویض کیا گیا",
    Kind.TICKET_STATUS: "ٹکٹ {number} کی حالت اب: {status}",
    Kind.TICKET_RESOLVED: "ٹکٹ {number} حل ہو گیا",
    Kind.TICKET_REOPENED: "ٹکٹ {number} دوبارہ کھولا گیا",
    Kind.TICKET_CLOSED: "ٹکٹ {number} بند ہو گیا",
    Kind.TICKET_REJECTED: "ٹکٹ {number} مسترد کر دیا گیا",
    Kind.TICKET_WITHDRAWN: "ٹکٹ {number} واپس لے لیا گیا",
    Kind.TICKET_RATED: "ٹکٹ {number} کی درجہ بندی: {score}/5",
    Kind.TICKET_PRIORITY_CHANGED: "ٹکٹ {number} کی ترجیح اب: {priority}",
    Kind.TICKET_PARTICIPANT_ADDED: "آپ کو ٹکٹ {number} میں شامل کیا گیا",
    Kind.TICKET_POSTPONED_REMINDER: "ٹکٹ {number} ابھی تک ملتوی ہے",
    Kind.TICKET_AUTO_CLOSE_WARNING: "حل شدہ ٹکٹ {number} جلد خود بند ہو جائے گا",
    Kind.TICKET_MERGED: "ٹکٹ {number} کو ٹکٹ {target_number} میں ضم کر دیا گیا",
    Kind.APPROVAL_REQUESTED: "ٹکٹ {number} کے لیے آپ کی منظوری درکار ہے",
    Kind.APPROVAL_APPROVED: "ٹکٹ {number} منظور ہو گیا",
    Kind.APPROVAL_REJECTED: "ٹکٹ {number} کی منظوری مسترد ہوئی",
    Kind.SLA_WARNING: "ٹکٹ {number} SLA کی حد کے قریب ہے",
    Kind.SLA_BREACHED: "ٹکٹ {number} SLA کی حد سے تجاوز کر گیا",
    Kind.ATTACHMENT_INFECTED: "ایک منسلکہ فائل میں وائرس ملا",
    Kind.ATTACHMENT_CONVERSION_FAILED: "ایک منسلکہ فائل تبدیل نہیں ہو سکی",
    Kind.JOB_DEAD_LETTER: "ایک پس منظر کا کام ناکام ہوا",
    Kind.OPS_BACKUP: "بیک اپ کی رپورٹ",
}

STATUS_UR = {
    "draft": "مسودہ", "submitted": "جمع شدہ", "pending_approval": "منظوری زیر التوا", "approved": "منظور شدہ",
    "rejected": "مسترد", "assigned": "تفویض شدہ", "in_progress": "جاری", "postponed": "ملتوی",
    "resolved": "حل شدہ", "closed": "بند", "withdrawn": "واپس لی گئی", "merged": "ضم شدہ",
}
PRIORITY_UR = {"low": "کم", "medium": "درمیانی", "high": "زیادہ", "urgent": "فوری"}
MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ur": ("جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"),
}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def language_of(user: Any) -> str:
    language = getattr(user, "language", "en") or "en"
    return language if language in LANGUAGES else "en"


def format_datetime(value: datetime, language: str) -> str:
    """``7 Dec 2026, 17:05`` / ``7 دسمبر 2026، 17:05``: 24-hour, Latin digits in both."""
    month = MONTHS[language][value.month - 1]
    comma = "،" if language == "ur" else ","
    return f"{value.day} {month} {value.year}{comma} {value:%H:%M}"


def notification_sentence(*, kind: str, title: str, params: dict | None, language: str) -> str:
    """What one notification says in the email's language: English keeps the stored title."""
    if language != "ur" or kind not in URDU:
        return title
    values = _Blank({k: v for k, v in (params or {}).items() if isinstance(v, (str, int, float))})
    values["status"] = STATUS_UR.get(str(values.get("status", "")), values.get("status", ""))
    values["priority"] = PRIORITY_UR.get(str(values.get("priority", "")), values.get("priority", ""))
    template = URDU[kind] if values.get("number") else URDU[kind].replace(" {number}", "")
    return template.format_map(values)
