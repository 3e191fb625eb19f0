"""Open tickets that read like a text (DESIGN §12): cosine similarity of character n-gram TF-IDF
vectors. The index of the newest open tickets is rebuilt in this process when it is older than
``HDMS_AI_SIMILAR_REFRESH_SECONDS``, so a ticket opened a moment ago may show up a minute later."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings

from hdms.ai.learn import ticket_text


@dataclass
class OpenIndex:
    rows: list[dict[str, Any]]
    vectorizer: Any
    matrix: Any
    built_at: float

    @classmethod
    def build(cls, rows: list[dict[str, Any]]) -> OpenIndex:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, dtype=np.float32)
        texts = [ticket_text(r["title"], r["description"]) for r in rows]
        matrix = vectorizer.fit_transform(texts) if texts else None
        return cls(rows, vectorizer, matrix, time.monotonic())

    def search(self, title: str, description: str, *, limit: int, min_score: float,
               exclude: set[str]) -> list[tuple[dict[str, Any], float]]:
        if self.matrix is None:
            return []
        query = self.vectorizer.transform([ticket_text(title, description)])
        scores = (self.matrix @ query.T).toarray().ravel()
        order = np.argsort(-scores)
        found = []
        for i in order:
            if scores[i] < min_score:
                break
            row = self.rows[i]
            if row["id"] in exclude or row.get("parent_id") in exclude:
                continue
            found.append((row, round(float(scores[i]), 3)))
            if len(found) >= limit:
                break
        return found


_lock = threading.Lock()
_index: OpenIndex | None = None


def open_index(load_rows: Callable[[], list[dict[str, Any]]]) -> OpenIndex:
    global _index
    index = _index
    if index is not None and time.monotonic() - index.built_at < settings.HDMS_AI_SIMILAR_REFRESH_SECONDS:
        return index
    with _lock:
        if _index is None or time.monotonic() - _index.built_at >= settings.HDMS_AI_SIMILAR_REFRESH_SECONDS:
            _index = OpenIndex.build(load_rows())
        return _index


def forget() -> None:
    global _index
    _index = None
