"""Search over published decisions: jieba's words in the database's own full-text index, on SQLite and PostgreSQL.

The words are segmented once, when a decision is published (`index_words`), and stored in
Publication.search_text; migrations 0002 and 0003 index them (FTS5 on SQLite; on PostgreSQL a stored tsvector
column with a GIN index). A query is segmented the same way and every word must occur. Results come in one
stable order — newest decision first, then newest row — in pages of PAGE_SIZE; the count stops at COUNT_LIMIT,
as a reader pages at most a few times and counting a million matches costs more than finding the first twenty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from zhifa.core.models import Agency
from zhifa.laws.similar_text import words
from zhifa.publicity.choices import PublicationState
from zhifa.publicity.models import Publication

PAGE_SIZE = 20
COUNT_LIMIT = 1000
MAX_QUERY = 100  # characters of a query; more is not a search
MAX_WORDS = 10


def index_words(*texts: str) -> str:
    return " ".join(words("\n".join(text for text in texts if text)))


def query_words(text: str) -> list[str]:
    """The words a query asks for, each once, in order; at most MAX_WORDS."""
    seen: dict[str, None] = {}
    for word in words(text[:MAX_QUERY]):
        seen.setdefault(word, None)
    return list(seen)[:MAX_WORDS]


def visible(today: date) -> QuerySet[Publication]:
    """Publications the public reads today: published, and not past their display period."""
    return Publication.objects.filter(state=PublicationState.PUBLISHED, display_until__gte=today)


def _matching(queryset: QuerySet[Publication], found: list[str]) -> QuerySet[Publication]:
    if connection.vendor == "sqlite":
        # Each word a quoted FTS5 string (quotes doubled): the user's text is never FTS5 syntax.
        expression = " ".join('"' + word.replace('"', '""') + '"' for word in found)
        rows = RawSQL("SELECT rowid FROM publicity_search WHERE publicity_search MATCH %s", [expression])
        return queryset.filter(pk__in=rows)
    if connection.vendor == "postgresql":
        # The stored tsvector of migration 0003, GIN-indexed: filtering a row never segments its text again.
        return queryset.extra(
            where=["publicity_publication.search_vector @@ plainto_tsquery('simple', %s)"],
            params=[" ".join(found)],
        )
    return queryset.filter(*(Q(search_text__contains=word) for word in found))


@dataclass(frozen=True)
class Search:
    """What a reader asks: words, an agency (with the agencies below it), a violation, dates and amounts."""

    text: str = ""
    agency: Agency | None = None
    violation: str = ""
    decided_from: date | None = None
    decided_to: date | None = None
    fine_from: Decimal | None = None
    fine_to: Decimal | None = None

    @property
    def words(self) -> list[str]:
        return query_words(self.text)


@dataclass(frozen=True)
class Results:
    rows: list[Publication]
    page: int
    count: int  # at most COUNT_LIMIT
    more_than_counted: bool
    has_next: bool
    words: list[str]


def search(asked: Search, *, today: date, page: int = 1) -> Results:
    queryset = visible(today)
    found = asked.words
    if asked.text.strip() and not found:
        return Results([], 1, 0, False, False, [])
    if found:
        queryset = _matching(queryset, found)
    if asked.agency is not None:
        queryset = queryset.filter(agency__path__startswith=asked.agency.path)
    if asked.violation:
        queryset = queryset.filter(violation_code=asked.violation)
    if asked.decided_from is not None:
        queryset = queryset.filter(decided_on__gte=asked.decided_from)
    if asked.decided_to is not None:
        queryset = queryset.filter(decided_on__lte=asked.decided_to)
    if asked.fine_from is not None:
        queryset = queryset.filter(fine__gte=asked.fine_from)
    if asked.fine_to is not None:
        queryset = queryset.filter(fine__lte=asked.fine_to)
    page = max(1, min(page, COUNT_LIMIT // PAGE_SIZE))
    start = (page - 1) * PAGE_SIZE
    ordered = queryset.order_by("-decided_on", "-pk").select_related("agency")
    rows = list(ordered[start : start + PAGE_SIZE + 1])
    counted = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    return Results(
        rows=rows[:PAGE_SIZE],
        page=page,
        count=min(counted, COUNT_LIMIT),
        more_than_counted=counted > COUNT_LIMIT,
        has_next=len(rows) > PAGE_SIZE,
        words=found,
    )
