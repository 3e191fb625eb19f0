"""Search of knowledge-base articles in English, Urdu script and Roman Urdu (DESIGN §11).

Both the stored ``Article.search_text`` and every query go through ``normalise``: lower case, NFKC,
Urdu diacritics (zer, zabar, pesh, ...) and the zero-width non-joiner dropped, the Arabic letters
an Arabic keyboard types mapped to their Urdu forms (Arabic yeh and alef maksura to Farsi yeh,
Arabic kaf to keheh, heh to heh goal), and runs of one Latin letter collapsed ("kaam" → "kam",
"nahii" → "nahi"), because Roman Urdu has no settled spelling. People also write Roman Urdu
without its vowels ("kr rha" for "kar raha"): each Latin word's consonant skeleton (first letter,
then the consonants: "kar" → "kr", "raha" → "rh") is kept in ``Article.search_keys`` and a query
word also matches by its skeleton.

PostgreSQL: a word matches when the ``simple`` text search finds it (exact, any script) or when
``pg_trgm``'s ``word_similarity`` of the word and the text reaches ``WORD_SIMILARITY`` (Roman Urdu
spelled another way: "nai" for "nahi"). A query (``q``) needs each of its words to match; a
query of four words or more may miss one in four (a word spelled past recognition); a
suggestion (``kb/suggest``, a request being written) needs ``SUGGEST_MIN_WORDS`` of the text's
words. Ranking: how many words matched, then the summed similarity. SQLite (the embedded default):
the same rules with a substring test for each word. The measurements that chose the numbers are in
``tests/test_search.py`` and docs/decisions.md (issue 17).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

WORD_SIMILARITY = 0.5
SUGGEST_MIN_WORDS = 2
MAX_QUERY_WORDS = 8
MAX_SUGGEST_WORDS = 24

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u200c\u200d\u0640]")
_LETTERS = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9", "\u0647": "\u06c1"})
_REPEATS = re.compile(r"([a-z])\1+")
_TAGS = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
_VOWELS = re.compile("[aeiou]")

# Words too common to say what a request is about (English, Roman Urdu, Urdu), left out of a
# suggestion's words. A query (``q``) keeps every word the reader typed.
STOP_WORDS = frozenset("""
a an and are as at be but by can could do does for from has have how i in is it its me my no not of on or our
please so that the this to was we what when where which who why will with you your hello hi sir madam dear
hai hain ha ka ki ke ko se me mein mai main aur ya bhi to koi kuch yeh ye woh wo ap aap mera meri mere hum
ہے ہیں کا کی کے کو سے میں اور یا بھی تو کوئی کچھ یہ وہ آپ میرا میری میرے ہم
""".split())  # noqa: SIM905 - a list of a hundred words reads better as text


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _DIACRITICS.sub("", text).translate(_LETTERS)
    return _REPEATS.sub(r"\1", text)


def html_text(html: str) -> str:
    return _TAGS.sub(" ", html or "")


def skeleton(word: str) -> str:
    """The consonant skeleton of a Latin word ("" when it says too little: under two letters)."""
    if not word.isascii() or not word.isalpha():
        return ""
    key = word[0] + _VOWELS.sub("", word[1:])
    return key if len(key) >= 2 else ""


def document_keys(text: str) -> str:
    """What ``search_keys`` holds for an article's ``search_text``: the skeletons, space-padded."""
    keys = dict.fromkeys(k for k in (skeleton(w) for w in _WORD.findall(text)) if k)
    return f" {' '.join(keys)} " if keys else ""


def document_text(*, title_en: str, title_ur: str, keywords: str, body_en: str, body_ur: str) -> str:
    """What ``search_text`` holds for an article."""
    parts = [title_en, title_ur, keywords, html_text(body_en), html_text(body_ur)]
    return " ".join(" ".join(normalise(p).split()) for p in parts if p)


def words_of(text: str, *, limit: int, drop_common: bool) -> list[str]:
    words = list(dict.fromkeys(_WORD.findall(normalise(text))))
    if drop_common:
        words = [w for w in words if w not in STOP_WORDS and (len(w) > 1 or not w.isascii())]
    return words[:limit]


def query_min_words(words: list[str]) -> int:
    """How many of a query's words must match: all, but one in four of a long query may miss."""
    return len(words) - len(words) // 4


def ranked(articles: QuerySet[Any], words: list[str], *, min_words: int) -> QuerySet[Any]:
    """``articles`` that match at least ``min_words`` of ``words``, best first, annotated with
    ``matched_words`` and ``match_score``."""
    if not words:
        return articles.none()
    if connection.vendor == "postgresql":
        sql_hit = ("(to_tsvector('simple'::regconfig, kb_article.search_text) @@ plainto_tsquery('simple', %s) "
               "OR word_similarity(%s, kb_article.search_text) >= %s "
               "OR to_tsvector('simple'::regconfig, kb_article.search_keys) @@ plainto_tsquery('simple', %s))")
        matched_sql = " + ".join(f"({sql_hit})::int" for _ in words)
        # A word without a skeleton searches the keys for itself: a Latin word never is a key, an Urdu one never there.
        matched_params: list[Any] = [v for w in words for v in (w, w, WORD_SIMILARITY, skeleton(w) or w)]
        score_sql = " + ".join("word_similarity(%s, kb_article.search_text)" for _ in words)
        articles = articles.annotate(
            # Only placeholders are joined into the SQL; every word is a parameter.
            matched_words=RawSQL(matched_sql, matched_params, output_field=IntegerField()),  # noqa: S611
            match_score=RawSQL(score_sql, list(words), output_field=FloatField()),  # noqa: S611
        )
        return articles.filter(matched_words__gte=min_words).order_by("-matched_words", "-match_score", "-updated_at")
    # SQLite: each word as a substring; the count of matched words is the score.
    matched: Any = Value(0)
    for word in words:
        hit = Q(search_text__contains=word)
        if skeleton(word):
            hit |= Q(search_keys__contains=f" {skeleton(word)} ")
        matched = matched + Case(When(hit, then=Value(1)), default=Value(0))
    articles = articles.annotate(matched_words=matched, match_score=Cast(matched, FloatField()))
    return articles.filter(matched_words__gte=min_words).order_by("-matched_words", "-updated_at")
