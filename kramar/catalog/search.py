"""Search of the shop's catalogue: relevance-ranked, tolerant of typos and word forms (M6).

One function API on both databases: :func:`parse_query` turns what a visitor typed into terms,
:func:`search_products` narrows a queryset of products to the matches and annotates each with
``search_rank``, and :func:`search_record` keeps the search for the CRM.

How a document and a query meet:

* **Word forms.** PostgreSQL has no Ukrainian stemmer, so both sides go through the same light
  suffix-stripping stemmer (:data:`STEM_RULES`): "стільці", "стільця" and "стілець" all become
  "стілц", "подушки"/"подушку"/"подушок" become "подушк", "chairs" becomes "chair". The rules are
  regular expressions that Python's ``re`` and PostgreSQL's regex engine read the same way; the
  migration ``0002_search_indexes`` holds a frozen SQL copy (``kramar_search_stems``) and a test
  checks that the two agree word for word.
* **Typos.** When the exact words find nothing, every word of four letters or more is also
  tried with one edit (a letter missing, extra, wrong or two letters swapped: "стлець",
  "chiar"); the variants are stemmed and matched like words. On PostgreSQL pg_trgm's word
  similarity is tried as well, which also forgives two typos in a long word.
* **Fallback.** When all words together still find nothing, any one of them is enough.

On PostgreSQL the stemmed, weighted ``tsvector`` (name A, name + brand + groups + SKUs + values B,
description D) is a stored generated column, ``catalog_product.search_vector``, written by the
database itself whenever a row changes, with a GIN index; ``search_document`` has a trigram GIN
index. On SQLite the same matching runs in Python, as a function registered on each connection,
so it reads every row of the scope (fine for ``make run``'s catalogue, not for 100,000 products).
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    Field,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.db.models.sql.compiler import SQLCompiler

from kramar.catalog.models import Product, SearchRecord
from kramar.catalog.text import fold_text

# --- Words and stems -----------------------------------------------------------------------------

# What a word is made of, after folding. Written out rather than as \w or [[:alpha:]]: those
# depend on the database's locale (PostgreSQL's regex treats Cyrillic as non-letters under "C").
WORD = "0-9a-zа-яёіїєґ"
CYRILLIC = "а-яёіїєґ"
CONSONANTS = "бвгґджзйклмнпрстфхцчшщ"
_UK_ENDINGS = (
    "ами", "ями", "ові", "еві", "єві", "ого", "ього", "ому", "ьому", "ими", "іми", "ою", "ею",
    "єю", "ьою", "ах", "ях", "ам", "ям", "ом", "ем", "єм", "ів", "їв", "ей", "ий", "ій", "ої",
    "ії", "их", "іх", "им", "ім", "ія", "ію", "ією", "іям", "іями", "іях",
    "а", "я", "о", "е", "є", "у", "ю", "і", "ї", "и", "ь", "й",
)  # fmt: skip
_ENDINGS = "|".join(sorted(set(_UK_ENDINGS), key=lambda e: (-len(e), e)))
_START = f"(?<![{WORD}])"
_END = f"(?![{WORD}])"

# Applied in order to folded text whose words are separated by single spaces. Each rule works on
# whole words only (the look-arounds), so it reads the same in Python and in PostgreSQL.
STEM_RULES: tuple[tuple[str, str], ...] = (
    # The longest inflection ending, keeping at least two letters: чорного -> чорн.
    (rf"{_START}([{CYRILLIC}]{{2,}}?)(?:{_ENDINGS}){_END}", r"\1"),
    # A vowel that comes and goes before the last consonant: стілець/стільця, подушка/подушок.
    (rf"{_START}([{CYRILLIC}]*[{CONSONANTS}])[ео]([кц]){_END}", r"\1\2"),
    # The soft sign marks softness only: стільц -> стілц.
    ("ь", ""),
    # і, о and е alternate in a closed last syllable: стіл/стола, ніж/ножа, папір/паперу.
    (rf"{_START}([{CYRILLIC}]+)[іое]([{CONSONANTS}]){_END}", r"\1о\2"),
    # English plurals: batteries -> battery, boxes -> box, chairs -> chair (not glass, bus).
    (rf"{_START}([a-z]{{2,}})ies{_END}", r"\1y"),
    (rf"{_START}([a-z]+(?:ss|sh|ch|x|z))es{_END}", r"\1"),
    (rf"{_START}([a-z]{{2,}}[a-rtv-z])s{_END}", r"\1"),
)
_COMPILED_RULES = tuple((re.compile(pattern), replacement) for pattern, replacement in STEM_RULES)
_NOT_WORD = re.compile(f"[^{WORD}]+")
_WORDS = re.compile(f"[{WORD}]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def stem_text(folded: str) -> str:
    """Return the stems of the words of already folded text, separated by single spaces."""
    text = _NOT_WORD.sub(" ", folded).strip()
    for pattern, replacement in _COMPILED_RULES:
        text = pattern.sub(replacement, text)
    return text


def stem_word(word: str) -> str:
    return stem_text(word)


# --- Queries -------------------------------------------------------------------------------------

MAX_QUERY_LENGTH = 200  # SearchRecord.query
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
FUZZY_MIN_LENGTH = 4  # shorter words get no typo variants: too many of them are real words
FUZZY_MAX_TERMS = 4

UKRAINIAN_LETTERS = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
STOP_WORDS = frozenset((
    "і", "й", "та", "а", "але", "чи", "в", "у", "з", "із", "зі", "зо", "на", "до", "для", "від",
    "по", "за", "під", "над", "без", "о", "про", "це", "як",
    "a", "an", "the", "and", "or", "for", "with", "of", "in", "on", "to", "by",
))  # fmt: skip


class SearchMode(StrEnum):
    """How the results were found; the page says so when it was not by the exact words."""

    EXACT = "exact"  # every word, as typed or in another form
    FUZZY = "fuzzy"  # every word, some of them with a typo forgiven
    SIMILAR = "similar"  # words that look alike (PostgreSQL's trigrams: more than one typo)
    ANY = "any"  # at least one of the words
    NONE = "none"  # nothing to search for


@dataclass(frozen=True)
class Term:
    """One word of a query: its stem, and for the last word what it may begin with."""

    word: str
    stem: str
    prefix: str = ""  # the last word may be unfinished ("поду" finds "подушка")

    @functools.cached_property
    def variants(self) -> frozenset[str]:
        """Return the stems one typo away: of the word with one edit (a letter missing, extra,
        wrong, or two swapped), and the stem with one edit ("кафоварко" -> "кавоварк")."""
        if len(self.word) < FUZZY_MIN_LENGTH or not self.word.isalpha():
            return frozenset()
        letters = UKRAINIAN_LETTERS if re.search(f"[{CYRILLIC}]", self.word) else LATIN_LETTERS
        stems = set(stem_text(" ".join(sorted(_edits(self.word, letters)))).split())
        if len(self.stem) >= FUZZY_MIN_LENGTH - 1:
            stems |= _edits(self.stem, letters)
        return frozenset(s for s in stems if len(s) >= 3) - {self.stem}


def _edits(word: str, letters: str) -> set[str]:
    edits: set[str] = set()
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        edits.update(head + letter + tail for letter in letters)  # a letter left out
        if tail:
            edits.add(head + tail[1:])  # a letter too many
            edits.update(head + letter + tail[1:] for letter in letters)  # a wrong letter
        if len(tail) > 1:
            edits.add(head + tail[1] + tail[0] + tail[2:])  # two letters swapped
    return edits


@dataclass(frozen=True)
class SearchQuery:
    """What a visitor typed, cleaned, folded and split into terms."""

    text: str  # as typed, without control characters, at most MAX_QUERY_LENGTH
    normalized: str  # folded; what SearchRecord.normalized keeps
    terms: tuple[Term, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.terms


def clean_query_text(raw: str) -> str:
    """Return the query without control characters (NUL breaks PostgreSQL), trimmed."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", raw or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def parse_query(raw: str) -> SearchQuery:
    """Return the search terms of a query; a query of symbols or lone letters has none."""
    text = clean_query_text(raw)
    normalized = fold_text(text)[:MAX_QUERY_LENGTH]
    words = [w[:MAX_TERM_LENGTH] for w in _WORDS.findall(normalized)]
    meaningful = [w for w in words if w not in STOP_WORDS]
    words = (meaningful or words)[:MAX_TERMS]
    if not any(len(w) >= 2 or w.isdigit() for w in words):
        return SearchQuery(text=text, normalized=normalized)
    terms = tuple(
        Term(
            word=word,
            stem=stem_word(word) or word,
            prefix=word if index == len(words) - 1 and len(word) >= 2 else "",
        )
        for index, word in enumerate(words)
    )
    return SearchQuery(text=text, normalized=normalized, terms=terms)


# --- Matching ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchResult:
    """The matches (annotated with ``search_rank``, not ordered), how many, how they were found."""

    products: QuerySet[Product]
    query: SearchQuery
    mode: SearchMode
    count: int


def search_products(products: QuerySet[Product], query: SearchQuery) -> SearchResult:
    """Return the products of ``products`` that match the query, each with ``search_rank``.

    The exact words first; if nothing matches, the words with a typo forgiven; then (on
    PostgreSQL) words that look alike; then any of the words. Each stage is one count (which
    the page reuses); the typo stage costs one query more on PostgreSQL. So a search that finds
    something at once costs one query before its page, and one that finds nothing at most six.
    A count rather than ``EXISTS``: with ``LIMIT 1`` PostgreSQL bets on finding a match early,
    and for a query that matches nothing it then reads the whole table (seconds at 100,000).
    """
    if query.is_empty:
        return SearchResult(products.none(), query, SearchMode.NONE, 0)
    modes = [SearchMode.EXACT, SearchMode.FUZZY]
    if connection.vendor == "postgresql":
        modes.append(SearchMode.SIMILAR)
    if len(query.terms) > 1:
        modes.append(SearchMode.ANY)
    for mode in modes:
        matches = _matching(products, query, mode)
        count = matches.count()
        if count or mode == modes[-1]:
            break
    return SearchResult(matches, query, mode, count)


def _matching(
    products: QuerySet[Product], query: SearchQuery, mode: SearchMode
) -> QuerySet[Product]:
    if connection.vendor == "postgresql":
        return _pg_matching(products, query, mode)
    return _python_matching(products, query, mode)


# --- PostgreSQL ---------------------------------------------------------------------------------

# ts_rank's weights for D, C, B, A: the name counts most, the description least.
_PG_WEIGHTS = "{0.05, 0.1, 0.4, 1.0}"


def _tsquery_term(term: Term, variants: Iterable[str] = ()) -> str:
    options = [f"'{term.stem}'"]
    if term.prefix:
        options.append(f"'{term.prefix}':*")
        if len(term.stem) >= FUZZY_MIN_LENGTH:
            options.append(f"'{term.stem}':*")
    options.extend(f"'{variant}'" for variant in sorted(variants))
    return "(" + " | ".join(options) + ")"


def tsquery_text(
    query: SearchQuery, mode: SearchMode, variants: dict[str, set[str]] | None = None
) -> str:
    """Return the query as tsquery text; words hold only letters and digits, so no escaping."""
    variants = variants or {}
    joiner = " | " if mode == SearchMode.ANY else " & "
    return joiner.join(_tsquery_term(t, variants.get(t.word, ())) for t in query.terms)


def _fuzzy_terms(query: SearchQuery) -> tuple[Term, ...]:
    return query.terms[:FUZZY_MAX_TERMS]


def _pg_known_variants(query: SearchQuery) -> dict[str, set[str]]:
    """Return the typo variants of each word that some product really has, in one query.

    A tsquery of hundreds of alternatives defeats the planner (it expects most rows to match
    and reads the whole table: 2-4 s at 100,000 products); one index probe per variant does not.
    """
    wanted = sorted({v for t in _fuzzy_terms(query) for v in t.variants})
    if not wanted:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v FROM unnest(%s::text[]) AS v WHERE EXISTS ("
            "SELECT 1 FROM catalog_product WHERE search_vector @@ CAST(v AS tsquery))",
            [wanted],
        )
        known = {row[0] for row in cursor.fetchall()}
    return {t.word: set(t.variants & known) for t in _fuzzy_terms(query)}


class _OnSearchVector(Expression):
    """SQL on the hidden generated column ``catalog_product.search_vector`` (PostgreSQL only)
    and a tsquery given as text; ``sql`` has ``{vector}`` and one ``%s`` for the tsquery."""

    def __init__(self, sql: str, tsquery: str, output_field: Field[Any, Any]) -> None:
        super().__init__(output_field=output_field)
        self.sql, self.tsquery = sql, tsquery

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[str, ...]]:
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return self.sql.replace("{vector}", f'{table}."search_vector"'), (self.tsquery,)


class _TrigramWordMatch(Func):
    # search_document %> query: some stretch of the document's words is similar enough to the
    # query (pg_trgm.word_similarity_threshold, 0.6); the trigram GIN index answers it.
    template = "%(expressions)s"
    arg_joiner = " %%> "
    output_field = BooleanField()


def _pg_matching(
    products: QuerySet[Product], query: SearchQuery, mode: SearchMode
) -> QuerySet[Product]:
    if mode == SearchMode.SIMILAR:
        return _pg_similar(products, query)
    variants = _pg_known_variants(query) if mode == SearchMode.FUZZY else None
    tsquery = tsquery_text(query, mode, variants)
    condition = _OnSearchVector("{vector} @@ CAST(%s AS tsquery)", tsquery, BooleanField())
    rank = _OnSearchVector(
        f"ts_rank('{_PG_WEIGHTS}'::float4[], {{vector}}, CAST(%s AS tsquery), 1)",
        tsquery,
        FloatField(),
    )
    return products.filter(condition).annotate(search_rank=rank + _pg_name_bonus(query.normalized))


def _pg_similar(products: QuerySet[Product], query: SearchQuery) -> QuerySet[Product]:
    """Return the products whose document has a stretch of words like the query (pg_trgm)."""
    document, folded = F("search_document"), Value(query.normalized)
    similarity = Func(folded, document, function="word_similarity", output_field=FloatField())
    return products.filter(_TrigramWordMatch(document, folded)).annotate(
        search_rank=similarity + _pg_name_bonus(query.normalized)
    )


def _pg_name_bonus(folded: str) -> Any:
    # The search document begins with the folded name (build_search_document), so "the name is
    # the query" is "the document starts with it and the name is as long": no folding per row.
    document = F("search_document")
    starts = Func(document, Value(folded), function="starts_with", output_field=BooleanField())
    return Case(
        When(Q(starts) & Q(Exact(Length("name"), len(folded))), then=Value(2.0)),
        When(
            Q(
                Func(
                    document,
                    Value(folded + " "),
                    function="starts_with",
                    output_field=BooleanField(),
                )
            ),
            then=Value(1.0),
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )


# --- SQLite (and any other database): the same matching in Python ------------------------------

_FIELD_WEIGHTS = (1.0, 0.4, 0.05)  # name, search document, description
_EXACT, _PREFIX, _TYPO = 1.0, 0.8, 0.5


def _query_spec(query: SearchQuery, mode: SearchMode) -> str:
    fuzzy = {t.word for t in _fuzzy_terms(query)} if mode == SearchMode.FUZZY else set()
    return json.dumps(
        {
            "mode": mode,
            "folded": query.normalized,
            "terms": [
                {
                    "stem": t.stem,
                    "prefixes": [p for p in {t.prefix, t.stem if t.prefix else ""} if p],
                    "variants": sorted(t.variants) if t.word in fuzzy else [],
                }
                for t in query.terms
            ],
        },
        ensure_ascii=False,
    )


@functools.lru_cache(maxsize=64)
def _spec(raw: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(raw)
    for term in spec["terms"]:
        term["variants"] = frozenset(term["variants"])
    return spec


@functools.lru_cache(maxsize=50_000)
def _stems_of(text: str) -> frozenset[str]:
    return frozenset(stem_text(fold_text(text)).split())


def _term_score(term: dict[str, Any], fields: list[frozenset[str]]) -> float:
    best = 0.0
    for stems, weight in zip(fields, _FIELD_WEIGHTS, strict=True):
        if term["stem"] in stems:
            score = _EXACT
        elif any(s.startswith(p) for p in term["prefixes"] for s in stems):
            score = _PREFIX
        elif term["variants"] and not term["variants"].isdisjoint(stems):
            score = _TYPO
        else:
            continue
        best = max(best, score * weight)
    return best


def python_rank(name: str | None, document: str | None, description: str | None, raw: str) -> float:
    """Return the rank of one product for a query spec (0.0 when it does not match)."""
    spec = _spec(raw)
    fields = [
        _stems_of(name or ""),
        _stems_of(document or ""),
        _stems_of((description or "")[:20_000]),
    ]
    scores = [_term_score(term, fields) for term in spec["terms"]]
    if spec["mode"] == SearchMode.ANY:
        if not any(scores):
            return 0.0
    elif not all(scores):
        return 0.0
    return sum(scores) + _name_bonus(fold_text(name or ""), spec["folded"])


def _name_bonus(name: str, folded: str) -> float:
    """An exact name beats everything; a name that starts with the query comes next."""
    if not folded:
        return 0.0
    if name == folded:
        return 2.0
    if name.startswith(folded + " "):
        return 1.0
    return 0.0


def text_matches(query: SearchQuery, text: str) -> bool:
    """Return whether a short text (a group's name) has every word of the query, in any form."""
    if query.is_empty:
        return False
    fields = [_stems_of(text), frozenset(), frozenset()]
    spec = _spec(_query_spec(query, SearchMode.EXACT))
    return all(_term_score(term, fields) for term in spec["terms"])


class _PythonRank(Func):
    """``kramar_search_rank(name, document, description, spec)``, registered on SQLite."""

    function = "kramar_search_rank"
    output_field = FloatField()


def _python_matching(
    products: QuerySet[Product], query: SearchQuery, mode: SearchMode
) -> QuerySet[Product]:
    spec = Value(_query_spec(query, mode))
    rank = _PythonRank(F("name"), F("search_document"), F("description"), spec)
    return products.annotate(search_rank=rank).filter(search_rank__gt=0)


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Give each new SQLite connection the Python ranking function (``connection_created``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "kramar_search_rank", 4, python_rank, deterministic=True
        )


# --- Recording searches (M6) ---------------------------------------------------------------------


@transaction.atomic
def search_record(
    *, query: SearchQuery | str, results: int, user: Any = None, session_key: str = ""
) -> SearchRecord:
    """Keep one search a visitor made: what they typed, its folded form, how much it found."""
    parsed = query if isinstance(query, SearchQuery) else parse_query(query)
    return SearchRecord.objects.create(
        query=parsed.text[:MAX_QUERY_LENGTH],
        normalized=parsed.normalized[:MAX_QUERY_LENGTH],
        results=max(int(results), 0),
        user=user if getattr(user, "is_authenticated", False) else None,
        session_key=(session_key or "")[:64],
    )
