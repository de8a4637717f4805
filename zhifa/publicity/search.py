"""Search over published decisions: jieba's words in the database's own full-text index, on SQLite and PostgreSQL.

The words are segmented once, when a decision is published (`index_words`), and stored in
Publication.search_text; migrations 0002 and 0003 index them (FTS5 on SQLite; on PostgreSQL a stored tsvector
column with a GIN index). A query is segmented the same way and every word must occur. Results come in one
stable order — newest decision first, then newest row — in pages of PAGE_SIZE; the count stops at COUNT_LIMIT,
as a reader pages at most a few times and counting a million matches costs more than finding the first twenty.
"""

from __future__ import annotations

import json
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
# SQLite (_sqlite_ids): at most this many matches are sorted by their ids; more are checked along the listing,
# FIRST_CHUNK listing rows at first, twice as many each time, up to LAST_CHUNK. See docs/performance.md.
FEW_MATCHES = 20000
FIRST_CHUNK = 2048
LAST_CHUNK = 65536
ONE_BY_ONE = 250  # SQLite: one id asked of FTS5 costs about as much as reading this many matches
SMALL_SUBTREE = 10000  # SQLite: an agency subtree with at most this many rows is sorted, not walked


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


def _fts_expression(found: list[str]) -> str:
    # Each word a quoted FTS5 string (quotes doubled): the user's text is never FTS5 syntax.
    return " ".join('"' + word.replace('"', '""') + '"' for word in found)


def _matching(queryset: QuerySet[Publication], found: list[str]) -> QuerySet[Publication]:
    """The rows having every word, as a filter: PostgreSQL's index, or LIKE on another database."""
    if connection.vendor == "postgresql":
        # The stored tsvector of migration 0003, GIN-indexed: filtering a row never segments its text again.
        return queryset.extra(
            where=["publicity_publication.search_vector @@ plainto_tsquery('simple', %s)"],
            params=[" ".join(found)],
        )
    return queryset.filter(*(Q(search_text__contains=word) for word in found))


def _in_order(queryset: QuerySet[Publication], limit: int) -> list[int]:
    return list(queryset.order_by("-decided_on", "-pk").values_list("pk", flat=True)[:limit])


def _unlisted(today: date) -> QuerySet[Publication]:
    """visible(today) with the state compared as `+state`, which no index serves (SQLite's documented way to
    keep an index out of a plan): for the rows found by their ids or by their agency, which SQLite would otherwise
    look for along the listing index — without statistics it takes `state = ?` for a selective condition."""
    return Publication.objects.filter(display_until__gte=today).extra(
        where=['+"publicity_publication"."state" = %s'], params=[PublicationState.PUBLISHED]
    )


# A chunk's ids that have the words: asked of FTS5 one by one (rowid pushed into the index), or every match in the
# chunk's id range read and kept when among the chunk (`+rowid`: not pushed in).
ASK_EACH = (
    "SELECT rowid FROM publicity_search WHERE publicity_search MATCH %s AND rowid IN (SELECT value FROM json_each(%s))"
)
READ_RANGE = (
    "SELECT rowid FROM publicity_search WHERE publicity_search MATCH %s AND rowid BETWEEN %s AND %s"
    " AND +rowid IN (SELECT value FROM json_each(%s))"
)


def _among(ids: list[int]) -> RawSQL:
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def _sqlite_ids(
    listed: QuerySet[Publication], unlisted: QuerySet[Publication], found: list[str], limit: int
) -> list[int]:
    """The first `limit` ids, in the listing's order, of the rows having every word, by SQLite's FTS5 index.

    Filtering by `pk IN (SELECT rowid … MATCH …)` makes SQLite gather every match first (150,000 for a common
    word at 10^6 decisions) and, for a rare word, walk the whole listing looking for them. Instead the matches are
    read up to FEW_MATCHES: so few are sorted by their ids (`unlisted`, the same filters); more mean a common word,
    and the listing (`listed`) is read in order, in growing chunks, each chunk keeping the ids the index has.
    """
    expression = _fts_expression(found)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM publicity_search WHERE publicity_search MATCH %s LIMIT %s",
            [expression, FEW_MATCHES + 1],
        )
        matches = [row[0] for row in cursor.fetchall()]
    if len(matches) <= FEW_MATCHES:
        return _in_order(unlisted.filter(pk__in=_among(matches)), limit)
    # The share of ids that match, from the first matches' span: how long a chunk finds what is missing, and
    # which way a chunk is checked. Asking the index for one id costs ~50 µs, reading a match ~0.2 µs: a chunk's
    # ids are looked up one by one when that is cheaper than reading every match in their id range.
    density = len(matches) / (matches[-1] - matches[0] + 1)
    ordered = listed.order_by("-decided_on", "-pk").values_list("pk", flat=True)
    listing_sql, listing_params = ordered.query.sql_with_params()
    ids: list[int] = []
    chunk = max(FIRST_CHUNK, min(LAST_CHUNK, round(1.25 * limit / density)))
    with connection.cursor() as listing, connection.cursor() as probe:
        listing.execute(listing_sql, listing_params)
        while len(ids) < limit:
            candidates = [row[0] for row in listing.fetchmany(chunk)]
            if not candidates:
                break
            low, high = min(candidates), max(candidates)
            if ONE_BY_ONE * len(candidates) < density * (high - low + 1):
                probe.execute(ASK_EACH, [expression, json.dumps(candidates)])
            else:
                probe.execute(READ_RANGE, [expression, low, high, json.dumps(candidates)])
            having = {row[0] for row in probe.fetchall()}
            ids += [pk for pk in candidates if pk in having]
            chunk = min(2 * chunk, LAST_CHUNK)
    return ids[:limit]


def _filtered(queryset: QuerySet[Publication], asked: Search, agencies: list[int] | None) -> QuerySet[Publication]:
    if agencies is not None:
        queryset = queryset.filter(agency_id__in=agencies)
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
    return queryset


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
    found = asked.words
    if asked.text.strip() and not found:
        return Results([], 1, 0, False, False, [])
    agencies = None
    if asked.agency is not None:
        # The subtree's ids (hundreds of agencies at most), so that the (agency, state, date) index can serve.
        agencies = list(Agency.objects.filter(path__startswith=asked.agency.path).values_list("pk", flat=True))
    page = max(1, min(page, COUNT_LIMIT // PAGE_SIZE))
    start = (page - 1) * PAGE_SIZE
    if connection.vendor == "sqlite":
        # One walk gives both: the first COUNT_LIMIT + 1 ids in order are the count and every page's ids.
        listed = _filtered(visible(today), asked, agencies)
        unlisted = _filtered(_unlisted(today), asked, agencies)
        if agencies is not None and _at_most(agencies, SMALL_SUBTREE):
            listed = unlisted  # a small subtree's rows, sorted, rather than a walk along the whole listing
        limit = COUNT_LIMIT + 1
        ids = _sqlite_ids(listed, unlisted, found, limit) if found else _in_order(listed, limit)
        shown = ids[start : start + PAGE_SIZE + 1]
        by_pk = Publication.objects.select_related("agency").in_bulk(shown)
        rows = [by_pk[pk] for pk in shown]
        counted = len(ids)
    else:
        queryset = _filtered(visible(today), asked, agencies)
        if found:
            queryset = _matching(queryset, found)
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


def _at_most(agencies: list[int], limit: int) -> bool:
    """Whether the agencies have at most `limit` published rows (counted on the (agency, state) index alone)."""
    published = Publication.objects.filter(agency_id__in=agencies, state=PublicationState.PUBLISHED)
    return published.order_by()[: limit + 1].count() <= limit
