"""One rule for the text people type that others read as a label: ticket titles and descriptions,
people's names (issue 10 item 12).

- Bidirectional override and isolate controls (U+202A to U+202E, U+2066 to U+2069) are removed: they can
  make a title or a name read differently from what it is ("Trojan Source"). Ordinary right-to-left
  text (Urdu) needs none of them; the marks U+200E/U+200F stay.
- A title or a name must show something: one made only of invisible characters (whitespace,
  control and format characters such as zero-width spaces, and the blank "filler" letters) is
  refused with 422 ``validation_error``.

``VISIBLE_LINE_PATTERN`` says the same in the OpenAPI schema (and, like every string there, no NUL).
"""

import re
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from hdms.core.errors import ValidationFailed

BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
# Letters and symbols that render as nothing (Hangul fillers, the blank Braille pattern).
_BLANK_LETTERS = "\u115f\u1160\u3164\uffa0\u2800"
# Where Unicode keeps such characters: the BMP, plane 1 and the tag plane.
_SCANNED = (range(0x0, 0x20000), range(0xE0000, 0xE1000))


def _invisible_ranges() -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for block in _SCANNED:
        for code in block:
            char = chr(code)
            if unicodedata.category(char) in _INVISIBLE_CATEGORIES or char in _BLANK_LETTERS:
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1] = (ranges[-1][0], code)
                else:
                    ranges.append((code, code))
    return ranges


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_RANGES = _invisible_ranges()
_INVISIBLE_CLASS = "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}" for a, b in _RANGES)
_VISIBLE = re.compile(f"[^{_INVISIBLE_CLASS}]")
VISIBLE_LINE_PATTERN = f"^[^\\u0000]*[^{_INVISIBLE_CLASS}][^\\u0000]*$"


def strip_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def is_blank(text: str) -> bool:
    """True when nothing in ``text`` would show on screen."""
    return _VISIBLE.search(text) is None


def clean_text(text: str | None) -> str:
    """Free text (descriptions): bidi controls removed, nothing else changed."""
    return strip_bidi_controls(text or "")


def clean_line(text: str | None, *, field: str) -> str:
    """A title or a name: bidi controls removed, outer whitespace trimmed, and something visible left."""
    cleaned = strip_bidi_controls(text or "").strip()
    if is_blank(cleaned):
        raise ValidationFailed(f"The {field.replace('_', ' ')} must contain visible characters.",
                               errors=[{"loc": ["body", field], "msg": "only invisible characters"}])
    return cleaned


def _visible_line(value: Any) -> Any:
    if isinstance(value, str) and is_blank(strip_bidi_controls(value)):
        raise ValueError("must contain visible characters")
    return value


# Titles and names in schemas: refused at the door when blank, and the OpenAPI schema says so.
VisibleLine = Annotated[str, AfterValidator(_visible_line)]


def visible_line_field(default: Any, *, max_length: int) -> Any:
    return Field(default, min_length=1, max_length=max_length, json_schema_extra={"pattern": VISIBLE_LINE_PATTERN})
