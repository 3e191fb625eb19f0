"""Suggestions before the desk has enough history to learn from (DESIGN §12): words from each
department's name and code, the admin's keywords for it, and a starter list per usual kind of
department, in English, Urdu script and Roman Urdu. The answer says ``source: "rules"``; its
``probability`` is the department's share of the matched words, not a calibrated probability."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hdms.ai.learn import normalise

# A department whose code or name contains one of these words gets that kind's starter words.
STARTER_WORDS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("it", "information", "computer", "technology"): (
        "computer", "laptop", "printer", "wifi", "wi-fi", "internet", "network", "email", "password", "login",
        "projector", "software", "screen", "keyboard", "mouse", "router", "کمپیوٹر", "لیپ ٹاپ", "پرنٹر",
        "انٹرنیٹ", "وائی فائی", "پاس ورڈ", "ای میل", "پروجیکٹر", "net", "password", "printer"),
    ("mnt", "maintenance", "facilities", "estate"): (
        "leak", "tap", "plumber", "fan", "light", "tube", "electric", "electricity", "socket", "chair", "desk",
        "door", "window", "repair", "ac", "air conditioner", "نل", "پنکھا", "بجلی", "لائٹ", "مرمت", "کرسی",
        "دروازہ", "اے سی", "nal", "pankha", "bijli", "kharab", "marammat", "kursi", "tapak"),
    ("fin", "finance", "accounts", "account"): (
        "payment", "salary", "reimbursement", "purchase", "invoice", "quotation", "budget", "refund", "tax",
        "تنخواہ", "ادائیگی", "خریداری", "بجٹ", "رسید", "tankhwah", "adaigi", "khareedari", "raseed", "kharcha"),
    ("hr", "human", "personnel", "staff"): (
        "leave", "certificate", "hiring", "vacancy", "appointment", "resignation", "contract", "چھٹی",
        "سرٹیفکیٹ", "تقرری", "استعفیٰ", "chhutti", "certificate", "taqarruri", "istifa"),
    ("acd", "academic", "academics", "curriculum", "exams"): (
        "timetable", "exam", "paper", "syllabus", "textbook", "grade", "class", "result", "lab", "ٹائم ٹیبل",
        "امتحان", "نصاب", "کتاب", "جماعت", "نتیجہ", "imtihan", "nisab", "kitab", "jamaat", "time table"),
    ("adm", "admin", "administration", "general"): (
        "transport", "van", "bus", "cleaning", "security", "guard", "event", "gate", "visitor", "وین", "صفائی",
        "سیکیورٹی", "گارڈ", "تقریب", "safai", "gate pass", "intezam", "mehman"),
}
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class RuleDepartment:
    id: str
    code: str
    name: str
    keywords: str = ""


def department_words(department: RuleDepartment) -> set[str]:
    """The words that point to ``department``: its name and code, the admin's keywords, starters."""
    own = {normalise(word) for word in _WORD.findall(f"{department.name} {department.code}") if len(word) > 1}
    own |= {normalise(word) for word in re.split(r"[,\n]", department.keywords) if word.strip()}
    for kinds, words in STARTER_WORDS.items():
        if own & set(kinds):
            own |= {normalise(word) for word in words}
    return own


def _matches(text: str, words: Iterable[str]) -> int:
    padded = f" {' '.join(_WORD.findall(text))} "
    return sum(1 for word in words if f" {' '.join(_WORD.findall(word))} " in padded)


def suggest(title: str, description: str, departments: Iterable[RuleDepartment], *, k: int = 3
            ) -> list[tuple[str, float]]:
    """Departments whose words occur in the text, best first, with their share of the matches."""
    text = normalise(f"{title} {description}")
    hits = [(d.id, _matches(text, department_words(d))) for d in departments]
    hits = [(department_id, n) for department_id, n in hits if n > 0]
    total = sum(n for _, n in hits)
    hits.sort(key=lambda item: -item[1])
    return [(department_id, round(n / total, 4)) for department_id, n in hits[:k]]
