"""Search over published decisions: jieba's words in the database's own full-text index, on SQLite and PostgreSQL.

The words are segmented once, when a decision is published (`index_text`), and stored in
Publication.search_text with the decision's filter tokens (`filter_tokens`: agency path, month, year, fine, violation
code), so that the index narrows a search by its filters too (migration 0005); migrations 0002 and 0003 index
them (FTS5 on SQLite; on PostgreSQL a stored tsvector column with a GIN index). A query is segmented the same
way and every word must occur. Results come in one stable order — newest decision first, then newest row — in pages
of PAGE_SIZE; the count stops at COUNT_LIMIT, as a reader pages at most a few times and counting a million matches
costs more than finding the first twenty.
"""

from __future__ import annotations

import json
import re
import unicodedata
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


# Filter tokens: words the index holds beside a decision's own, naming its filters' values, so that the full-text
# index narrows a search by agency, date, fine and violation as it does by words. They start with RESERVED, which no
# indexed or searched word may do (`reserved`). A year's token stands for its twelve months' tokens.
RESERVED = "zf"
MAX_DATE_TOKENS = 40  # a longer date range is left to SQL alone
FINE_TOP = 10**10  # Publication.fine: 12 digits, 2 of them decimals
_RESERVED_PART = re.compile(r"(?<![0-9a-z])" + RESERVED)


def reserved(word: str) -> bool:
    """Whether a word could be, or contain, a filter token (a latin/digit run starting with RESERVED)."""
    return bool(_RESERVED_PART.search(unicodedata.normalize("NFKC", word).lower()))


def index_words(*texts: str) -> str:
    return " ".join(word for word in words("\n".join(text for text in texts if text)) if not reserved(word))


def _whole(fine: Decimal) -> int:
    """Whole yuan, everything under 1 yuan as 0: monotonic in the fine, and below FINE_TOP."""
    return min(FINE_TOP - 1, int(fine)) if fine >= 1 else 0


def fine_tokens(fine: Decimal) -> list[str]:
    """The fine's tokens at three widths: its power of ten (zffd3: 1,000–9,999 yuan), its first digit there
    (zffl35: 5,000–5,999) and its first two digits (zffm358: 5,800–5,899); zffz under 1 yuan."""
    whole = _whole(fine)
    if whole == 0:
        return [f"{RESERVED}fz"]
    digits = str(whole)
    power = len(digits) - 1
    tokens = [f"{RESERVED}fd{power}", f"{RESERVED}fl{power}{digits[0]}"]
    if power >= 1:
        tokens.append(f"{RESERVED}fm{power}{digits[:2]}")
    return tokens


def _fine_cover(low: int, high: int) -> list[str]:
    """The fewest fine tokens whose ranges together hold every whole amount from low to high (a few dozen at most:
    the widest token inside the range, the two-digit ones at its ends)."""
    tokens = []
    if low == 0:
        tokens.append(f"{RESERVED}fz")
        low = 1
    if high < low:
        return tokens
    for power in range(len(str(low)) - 1, len(str(high))):
        if low <= 10**power and 10 ** (power + 1) - 1 <= high:
            tokens.append(f"{RESERVED}fd{power}")
            continue
        for digit in range(1, 10):
            first, last = digit * 10**power, (digit + 1) * 10**power - 1
            if last < low or first > high:
                continue
            if low <= first and last <= high:
                tokens.append(f"{RESERVED}fl{power}{digit}")
                continue
            for two in range(10 * digit, 10 * digit + 10):  # power >= 1 here: a first digit alone is one amount
                first, last = two * 10 ** (power - 1), (two + 1) * 10 ** (power - 1) - 1
                if not (last < low or first > high):
                    tokens.append(f"{RESERVED}fm{power}{two}")
    return tokens


def _violation_token(code: str) -> str:
    return RESERVED + "vc" + code.encode().hex()


def filter_tokens(*, agency_path: str, decided_on: date, fine: Decimal | None, violation_code: str) -> list[str]:
    """A decision's filter tokens: its agency and every agency above it (Agency.path), its month and year, its
    fine (fine_tokens), its violation code (hex: any characters are safe)."""
    tokens = [f"{RESERVED}ag{int(part)}" for part in agency_path.split("/") if part]
    tokens += [f"{RESERVED}y{decided_on.year}", f"{RESERVED}ym{decided_on.year}{decided_on.month:02d}"]
    if fine is not None:
        tokens += fine_tokens(fine)
    if violation_code:
        tokens.append(_violation_token(violation_code))
    return tokens


def index_text(*texts: str, agency_path: str, decided_on: date, fine: Decimal | None, violation_code: str) -> str:
    """Publication.search_text: the texts' words, then the filter tokens (publication_publish, migration 0005)."""
    tokens = filter_tokens(agency_path=agency_path, decided_on=decided_on, fine=fine, violation_code=violation_code)
    return " ".join(part for part in (index_words(*texts), " ".join(tokens)) if part)


def query_words(text: str) -> list[str]:
    """The words a query asks for, each once, in order; at most MAX_WORDS.

    A word jieba's search mode yields as a part of another query word (自然 保护 保护区 of 自然保护区) is left out:
    the decisions indexed with the longer word hold its parts too (the same segmentation made them), so asking for
    the parts changes no result — but PostgreSQL's planner multiplies their shares and, expecting a handful of rows,
    sorts thousands (docs/performance.md)."""
    seen: dict[str, None] = {}
    for word in words(text[:MAX_QUERY]):
        seen.setdefault(word, None)
    implied = {part for word in seen for part in words(word) if part != word}
    return [word for word in seen if word not in implied][:MAX_WORDS]


def _date_tokens(start: date, end: date) -> list[str]:
    """Tokens of every month from start's to end's: whole years as one year token."""
    tokens: list[str] = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(tokens) <= MAX_DATE_TOKENS:
        if month == 1 and (year < end.year or end.month == 12):
            tokens.append(f"{RESERVED}y{year}")
            year += 1
            continue
        tokens.append(f"{RESERVED}ym{year}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tokens


def _asked_tokens(asked: Search, *, dates: bool = True) -> list[list[str]]:
    """What the filters ask of the index: groups of tokens, one of each group (OR) and every group (AND). They
    only narrow: the exact filters stay in SQL (a range may start mid-month or mid-band). `dates=False`: none for
    the dates (SQLite, where a date range is one stretch of the listing: the months' OR only made sorting more
    matches cost more than walking that stretch, docs/performance.md)."""
    groups: list[list[str]] = []
    if asked.agency is not None:
        groups.append([f"{RESERVED}ag{asked.agency.pk}"])
    if asked.violation:
        groups.append([_violation_token(asked.violation)])
    if (
        dates
        and asked.decided_from is not None
        and asked.decided_to is not None
        and asked.decided_from <= asked.decided_to
    ):
        months = _date_tokens(asked.decided_from, asked.decided_to)
        if len(months) <= MAX_DATE_TOKENS:
            groups.append(months)
    if asked.fine_from is not None or asked.fine_to is not None:
        low = _whole(asked.fine_from) if asked.fine_from is not None else 0
        high = _whole(asked.fine_to) if asked.fine_to is not None else FINE_TOP - 1
        if low <= high and not (low == 0 and high == FINE_TOP - 1):
            groups.append(_fine_cover(low, high))
    return groups


def visible(today: date) -> QuerySet[Publication]:
    """Publications the public reads today: published, and not past their display period."""
    return Publication.objects.filter(state=PublicationState.PUBLISHED, display_until__gte=today)


def _fts_expression(found: list[str], groups: list[list[str]]) -> str:
    # Each word a quoted FTS5 string (quotes doubled): the user's text is never FTS5 syntax. Then each group of
    # filter tokens (letters and digits only) as an OR; an explicit AND, as FTS5 joins only phrases implicitly.
    quoted = ['"' + word.replace('"', '""') + '"' for word in found]
    return " AND ".join(quoted + ["(" + " OR ".join(group) + ")" for group in groups])


def _matching(queryset: QuerySet[Publication], found: list[str], groups: list[list[str]]) -> QuerySet[Publication]:
    """The rows having every word (and the filter tokens), as a filter: PostgreSQL's index, or LIKE elsewhere."""
    if connection.vendor == "postgresql":
        # The stored tsvector of migration 0003, GIN-indexed: filtering a row never segments its text again.
        if not groups:
            return queryset.extra(
                where=["publicity_publication.search_vector @@ plainto_tsquery('simple', %s)"],
                params=[" ".join(found)],
            )
        tokens = " & ".join("(" + " | ".join(group) + ")" for group in groups)
        return queryset.extra(
            where=[
                "publicity_publication.search_vector @@ (plainto_tsquery('simple', %s) && to_tsquery('simple', %s))"
            ],
            params=[" ".join(found), tokens],
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
    listed: QuerySet[Publication],
    unlisted: QuerySet[Publication],
    found: list[str],
    groups: list[list[str]],
    limit: int,
) -> list[int]:
    """The first `limit` ids, in the listing's order, of the rows having every word, by SQLite's FTS5 index.

    Filtering by `pk IN (SELECT rowid … MATCH …)` makes SQLite gather every match first (150,000 for a common
    word at 10^6 decisions) and, for a rare word, walk the whole listing looking for them. Instead the matches —
    of the words and the filters' tokens (`groups`) — are read up to FEW_MATCHES: so few are sorted by their ids
    (`unlisted`, the exact filters); more mean a word common even within the filters, and the listing (`listed`)
    is read in order, in growing chunks, each chunk keeping the ids the index has for the words.
    """
    expression = _fts_expression(found, groups)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM publicity_search WHERE publicity_search MATCH %s LIMIT %s",
            [expression, FEW_MATCHES + 1],
        )
        matches = [row[0] for row in cursor.fetchall()]
        if len(matches) <= FEW_MATCHES:
            return _in_order(unlisted.filter(pk__in=_among(matches)), limit)
        if groups:
            # Many even within the filters: the listing's rows already pass the filters, so its chunks are checked
            # for the words alone (a cheaper expression), at the words' own density.
            expression = _fts_expression(found, [])
            cursor.execute(
                "SELECT rowid FROM publicity_search WHERE publicity_search MATCH %s LIMIT %s",
                [expression, FEW_MATCHES + 1],
            )
            matches = [row[0] for row in cursor.fetchall()]
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
    if (asked.text.strip() and not found) or any(reserved(word) for word in found):
        # A word that could be a filter token finds nothing, as a word no decision has.
        return Results([], 1, 0, False, False, found)
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
        groups = _asked_tokens(asked, dates=False)
        ids = _sqlite_ids(listed, unlisted, found, groups, limit) if found else _in_order(listed, limit)
        shown = ids[start : start + PAGE_SIZE + 1]
        by_pk = Publication.objects.select_related("agency").in_bulk(shown)
        rows = [by_pk[pk] for pk in shown]
        counted = len(ids)
    else:
        queryset = _filtered(visible(today), asked, agencies)
        if found:
            queryset = _matching(queryset, found, _asked_tokens(asked))
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
