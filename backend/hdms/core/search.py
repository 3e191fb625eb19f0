"""Full-text search pieces shared by the services (issue 18; docs/decisions.md "Search").

PostgreSQL: every word of the query matches in full text (``simple`` configuration), as written,
folded, or as one of its spelling variants: the words of the search vocabulary (``search_word``,
tickets migration 0013) whose trigram word similarity to it reaches pg_trgm's
``word_similarity_threshold`` (0.6 by default), so "kharaab" finds "kharab" and an Urdu word finds
its spelling with or without a letter. The variants are looked up in the vocabulary (a short list
of words), never by comparing each ticket or message, so every condition is one the documents'
GIN indexes answer. SQLite (embedded mode) has neither: the services fall back to substring
matching.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, Expression, F, FloatField
from django.db.models.sql.compiler import SQLCompiler

# Below this many letters a trigram match says little and costs a large index scan.
TRIGRAM_MIN_LETTERS = 3
# A search's ``count`` stops here (the list says "200+"): counting every match of a common word
# among a million tickets costs more than the page itself, and the count costs in proportion to the
# cap (PostgreSQL reads matches until it has one more than the cap; the message matches a search
# ORs in are read up to the cap too). 1,000 cost an assignee's three-word search 60-80 ms and a
# moderator's 70-90 ms of message matching (bench/RESULTS.md, "Searches under load").
COUNT_CAP = 200
# Any other list's ``count`` stops here ("1,000+"): counting the million tickets a moderator sees
# costs a second; ten thousand index entries cost 0.8 ms of PostgreSQL's CPU, a fifth of a list's
# (bench/RESULTS.md, issue 18), a thousand 0.1 ms. Past a thousand the number tells no one more.
LIST_COUNT_CAP = 1_000


def count_cap(q: str | None) -> int:
    """Where a list's count stops: a search's sooner (its matches cost more to visit)."""
    return COUNT_CAP if normalise(q) else LIST_COUNT_CAP


def capped_count(queryset: Any, *, cap: int) -> tuple[int, bool]:
    """``(count, capped)``: the rows counted up to ``cap``, and whether there are more."""
    # The rows' ids only: a column a list selects besides (a joined parent's status) would keep
    # PostgreSQL from dropping the join the count does not need.
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap
# Words of one query matched one by one (the rest are ignored): each costs an index scan.
MAX_WORDS = 8
# Spelling variants looked for per query word (the closest first).
MAX_VARIANTS = 20

_SPACES = re.compile(r"\s+")
# The runs of letters and digits of a word, as the ``simple`` parser splits it into lexemes
# ("HD-000123": "hd", "000123").
_LEXEME = re.compile(r"\w+")


def normalise(q: str | None) -> str:
    """The query as searched: surrounding space removed, inner runs of space made one."""
    return _SPACES.sub(" ", (q or "").strip())


class RowSql(Expression):
    """SQL about one row of the query's model, written with the alias the query gives its table.

    ``template`` names the table as ``{t}`` (``"{t}.search_document @@ ..."``) and takes ``%s``
    parameters. Unlike ``RawSQL`` it stays right when the queryset becomes a subquery (where the
    table is ``U0``), because the alias is read from a resolved column of the row.
    """

    def __init__(self, template: str, params: list[Any], output_field: Any = None) -> None:
        super().__init__(output_field=output_field or BooleanField())
        self.template = template
        self.params = list(params)
        self.anchor: Any = F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.anchor]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.anchor,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        table = compiler.quote_name_unless_alias(self.anchor.alias)
        return f"({self.template.format(t=table)})", list(self.params)


def words(q: str) -> list[str]:
    """The query's words that hold a letter or digit (at most ``MAX_WORDS``), each matched on its own."""
    return [word for word in q.split(" ") if any(c.isalnum() for c in word)][:MAX_WORDS]


def fuzzy(word: str) -> bool:
    """Whether ``word`` also matches by trigram similarity: enough letters, not a number, no
    search operator (a quoted phrase or ``-word`` is full text only)."""
    letters = sum(c.isalpha() for c in word)
    return letters >= TRIGRAM_MIN_LETTERS and not any(c in word for c in '"-')


def spelling_variants(words_: list[str]) -> dict[str, list[str]]:
    """The vocabulary's words similar to each of ``words_`` (at most ``MAX_VARIANTS`` each, the
    closest first), in one query through the vocabulary's trigram index."""
    if not words_:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT q, found.word FROM unnest(%s::text[]) AS q, LATERAL ("
            "  SELECT word FROM search_word WHERE q <%% word ORDER BY q <<-> word, word LIMIT %s) AS found",
            [words_, MAX_VARIANTS],
        )
        rows = cursor.fetchall()
    variants: dict[str, list[str]] = {}
    for word, similar in rows:
        variants.setdefault(word, []).append(similar)
    return variants


@dataclass(frozen=True)
class Search:
    """A query ready to match: its words and each word's spelling variants (looked up once)."""

    q: str
    terms: list[str]
    variants: dict[str, list[str]]

    def match(self, document: str, *, folded: bool = False) -> RowSql | Any:
        """The row matches the query. ``document`` is the row's ``tsvector``, SQL over the table
        ``{t}``, exactly the expression its GIN index is built on. With no word to match fuzzily:
        ``document`` matches the whole query (web search syntax, every word). Otherwise every word
        matches in ``document``, as written or as one of its spelling variants from the vocabulary:
        "printer kharaab" finds "printer kharab hai" but not every ticket about a printer.
        ``folded``: ``document`` also holds the folded words (``hdms_search_fold``, tickets'
        migration 0007), so a word matches as written or folded ("bijlee" finds "bijli")."""
        if not any(fuzzy(word) for word in self.terms):
            return RowSql(f"{document} @@ websearch_to_tsquery('simple'::regconfig, %s)", [self.q])
        condition: Any = None
        for word in self.terms:
            queries, params = [_TSQUERY], [word]
            if folded:
                queries.append("plainto_tsquery('simple'::regconfig, hdms_search_fold(%s))")
                params.append(word)
            for similar in self.variants.get(word, []):
                if similar != word:
                    queries.append(_TSQUERY)
                    params.append(similar)
            each = RowSql(f"{document} @@ ({' || '.join(queries)})", params)
            condition = each if condition is None else condition & each
        return condition

    def rare_in(self, table: str) -> bool:
        """Whether a word the rows must match is, with all its variants, outside the most common
        words of ``table``'s ``search_document`` by PostgreSQL's own statistics: then its matches
        are few and the GIN index finds them at once, while a scan that stops after enough matches
        (the planner's choice when it guesses them many) would read the whole table for them (2.3 s
        on 5,000,000 messages for "tankhah"; 1.8 s on 1,000,000 tickets for a moderator's "123456",
        a number no document holds)."""
        common = common_words(table)
        required = self.terms
        if not any(fuzzy(word) for word in self.terms):  # web search syntax (``match``)
            if any(word.lower() == "or" for word in self.terms):  # alternatives: none is required
                return False
            required = [word for word in self.terms if not word.startswith("-")]
        return any(self._rare(word, common) for word in required)

    def _rare(self, word: str, common: frozenset[str]) -> bool:
        if fuzzy(word):
            return word.lower() not in common and not common.intersection(self.variants.get(word, []))
        # Matched as written: every lexeme of it must be there.
        return any(part not in common for part in _LEXEME.findall(word.lower()))


def prepare(q: str) -> Search:
    """``q`` ready to match (``normalise`` it first): its words' spelling variants looked up once."""
    terms = words(q)
    return Search(q=q, terms=terms, variants=spelling_variants([word for word in terms if fuzzy(word)]))


# A rare word's matches are read whole through the index, up to this many (the newest kept).
RARE_MATCH_LIMIT = 10_000
# How long a process trusts what it read of the statistics (they change when ANALYZE runs).
COMMON_WORDS_SECONDS = 300
_common: dict[str, tuple[float, frozenset[str]]] = {}


def common_words(table: str) -> frozenset[str]:
    """The lexemes PostgreSQL's statistics list as the most common in ``table.search_document``
    (none before the table is analysed: every word counts as rare, which on a small table costs
    nothing)."""
    now = time.monotonic()
    cached = _common.get(table)
    if cached and now - cached[0] < COMMON_WORDS_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[] FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'search_document'",
            [table],
        )
        row = cursor.fetchone()
    words_ = frozenset(row[0] or ()) if row else frozenset()
    _common[table] = (now, words_)
    return words_


@contextmanager
def through_the_index() -> Iterator[None]:
    """Queries inside read their matches through the GIN index (bitmap scans: no sequential scan,
    no walk along another index's order) on PostgreSQL: for a search ``Search.rare_in`` says is rare."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        with custom_plans():
            yield
        # Back as they were for the rest of an enclosing transaction (a failure rolls the savepoint
        # back, and the settings with it).
        cursor.execute("SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = on")


_planning = threading.local()


@contextmanager
def custom_plans() -> Iterator[None]:
    """Statements inside are planned for their own values, never run on a prepared statement's
    generic plan (PostgreSQL, ``HDMS_DB_PREPARED``). For the statements whose best plan depends on
    their values: a list's page and count (how many rooms, whose queue: a generic plan for an
    assignee's page read 8,600 buffers with parallel workers where a custom one reads 480), and a
    search (a generic plan made for common words walks every row for a rare one; one kept from
    before ``through_the_index`` would not heed its settings). Blocks nest."""
    if connection.vendor != "postgresql" or getattr(_planning, "custom", False):
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        _planning.custom = True  # a thread's connection is its own, as is this
        try:
            yield
        finally:
            _planning.custom = False
        if not outermost:  # the commit ends the setting with the transaction; a savepoint's does not
            cursor.execute("SET LOCAL plan_cache_mode = auto")


_TSQUERY = "plainto_tsquery('simple'::regconfig, %s)"


def text_rank(document: str, text: str, q: str) -> RowSql:
    """How well a row matches ``q`` (higher first): full-text rank plus trigram word similarity."""
    return RowSql(
        f"ts_rank({document}, websearch_to_tsquery('simple'::regconfig, %s)) + word_similarity(%s, {text})",
        [q, q], output_field=FloatField(),
    )
