"""类案推送: the closed cases most like a case — the same violation first, then the nearest facts — with how they
were decided, so that the officer sees how like cases were decided.

The index (`CaseText`) holds one row per closed case decided on its merits, with its words segmented by jieba
(similar_text.py). Ranking is Okapi BM25 computed in Python over those rows, so SQLite and PostgreSQL give the
same list by construction (docs/decisions.md, "Similar cases"). Each process keeps one tree's rows in memory as
postings, and checks the tree's version row (`CaseTextTree.stamp`) once a query: new rows are appended, any
other change rebuilds the copy.

Scope: a case is compared with the closed cases of every agency under the same top-level agency (the province),
published decisions being public anyway; what is shown carries no party's name or number (`SimilarCase`).
"""

from __future__ import annotations

import math
import threading
import uuid
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from zhifa.cases.choices import NoPenaltyGround, PenaltyKind
from zhifa.cases.models import Case, CaseDocument, CaseRecord
from zhifa.cases.workflow import State
from zhifa.core.models import PATH_SEGMENT, Agency, User
from zhifa.core.scoping import restrict_cases
from zhifa.documents.choices import DocumentKind
from zhifa.laws.choices import SimilarOutcome, Tier
from zhifa.laws.models import CaseText, CaseTextTree
from zhifa.laws.similar_text import case_text, excerpt, personal_names, redact, terms

# The states of a case whose file is closed: 结案, then 归档.
CLOSED_STATES = (State.CLOSED, State.ARCHIVED)
# The documents that carry the number of a decision to penalise.
DECISION_KINDS = (DocumentKind.PENALTY_DECISION, DocumentKind.SUMMARY_DECISION)
# Okapi BM25's usual constants: how fast a repeated term saturates, and how much a long text is discounted.
K1 = 1.2
B = 0.75
# Like Lucene's "more like this": a long statement of facts is queried by its most telling terms only.
QUERY_TERMS = 32


def tree_of(agency: Agency) -> str:
    """The path of the top-level agency above `agency` (or its own): the province's tree."""
    return agency.path[: PATH_SEGMENT + 1]


# --- Writing the index -----------------------------------------------------------------------------------------


def _row(case: Case, *, no_penalty_ground: str | None) -> CaseText:
    assert case.decided_on is not None  # only decided cases are indexed
    hidden = personal_names(case)
    words = terms(redact(case_text(case), hidden))
    return CaseText(
        case=case,
        violation_id=case.violation_id,
        tree=tree_of(case.agency),
        decided_on=case.decided_on,
        outcome=SimilarOutcome.PENALTY if no_penalty_ground is None else SimilarOutcome.NO_PENALTY,
        no_penalty_ground=no_penalty_ground or "",
        tokens=" ".join(words),
        length=len(words),
        excerpt=excerpt(redact(case.facts_found or case.lead_summary, hidden)),
    )


def _bump(tree: str, added: int) -> None:
    """A new version of the tree's index, in the same transaction as the rows it counts."""
    stamp = uuid.uuid4().hex
    updated = CaseTextTree.objects.filter(tree=tree).update(stamp=stamp, rows=F("rows") + added)
    if not updated:
        CaseTextTree.objects.create(tree=tree, stamp=stamp, rows=CaseText.objects.filter(tree=tree).count())


def _no_penalty_grounds(case_ids: Iterable[int]) -> dict[int, str]:
    records = CaseRecord.objects.filter(case_id__in=list(case_ids), action="decide_no_penalty")
    return {case_id: str(data.get("ground", "")) for case_id, data in records.values_list("case_id", "data")}


def index_case(case: Case) -> CaseText | None:
    """Put a case that has just been closed into the index (or refresh its row); called by the closing service
    inside its transaction. A case closed without a decision on its merits (terminated, handed over, sent to the
    judicial organs without one) tells nothing of how like cases are decided and is left out."""
    if case.state not in CLOSED_STATES or case.decided_on is None:
        return None
    tree = tree_of(case.agency)
    removed, _ = CaseText.objects.filter(case=case).delete()
    row = _row(case, no_penalty_ground=_no_penalty_grounds([case.pk]).get(case.pk))
    row.save()
    _bump(tree, 1 - removed)
    return row


def rebuild(batch: int = 2000) -> int:
    """Index every closed case again from scratch (`zhifa laws reindex`), in one transaction; returns the count."""
    closed = (
        Case.objects.filter(state__in=CLOSED_STATES, decided_on__isnull=False)
        .select_related("agency")
        .prefetch_related("parties")
        .order_by("pk")
    )
    count = 0
    with transaction.atomic():
        CaseText.objects.all().delete()
        CaseTextTree.objects.all().delete()
        ids = list(closed.values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            chunk = list(closed.filter(pk__in=ids[start : start + batch]))
            grounds = _no_penalty_grounds(case.pk for case in chunk)
            rows = [_row(case, no_penalty_ground=grounds.get(case.pk)) for case in chunk]
            CaseText.objects.bulk_create(rows)
            count += len(rows)
        for tree in CaseText.objects.values_list("tree", flat=True).distinct():
            _bump(tree, 0)
    forget()
    return count


# --- The index in memory ---------------------------------------------------------------------------------------


@dataclass
class _Postings:
    """One term's occurrences within one violation's cases: the documents (positions in `_Tree`) and counts."""

    docs: array[int] = field(default_factory=lambda: array("i"))
    counts: array[int] = field(default_factory=lambda: array("H"))


@dataclass
class _Tree:
    """One tree's index as it was at `stamp`: the documents in row order, and postings by term and violation."""

    stamp: str = ""
    last_id: int = 0
    rows: int = 0
    case_ids: array[int] = field(default_factory=lambda: array("q"))
    violations: array[int] = field(default_factory=lambda: array("q"))  # 0: none
    decided: array[int] = field(default_factory=lambda: array("i"))  # date.toordinal()
    lengths: array[int] = field(default_factory=lambda: array("i"))
    total_length: int = 0
    postings: dict[str, dict[int, _Postings]] = field(default_factory=dict)
    df: Counter[str] = field(default_factory=Counter)
    members: dict[int, array[int]] = field(default_factory=dict)
    norms: array[float] = field(default_factory=lambda: array("d"))  # K1·(1 − B + B·length/average), per doc

    def add(self, row_id: int, case_id: int, violation: int, decided: date, tokens: str) -> None:
        doc = len(self.case_ids)
        words = Counter(tokens.split())
        self.case_ids.append(case_id)
        self.violations.append(violation)
        self.decided.append(decided.toordinal())
        length = sum(words.values())
        self.lengths.append(length)
        self.total_length += length
        self.members.setdefault(violation, array("i")).append(doc)
        for word, count in words.items():
            place = self.postings.setdefault(word, {}).setdefault(violation, _Postings())
            place.docs.append(doc)
            place.counts.append(min(count, 65535))
            self.df[word] += 1
        self.last_id = row_id

    def settle(self) -> None:
        """The length normalisation of every document, after rows were added (the average changed)."""
        average = self.total_length / len(self.lengths) if self.lengths else 1.0
        average = average or 1.0
        self.norms = array("d", (K1 * (1 - B + B * length / average) for length in self.lengths))


_cache: dict[str, _Tree] = {}
# Held while a copy is brought up to date and while it is read: a threaded server's requests take turns.
_cache_lock = threading.RLock()


def forget() -> None:
    """Drop this process's copies (after a rebuild, and between tests)."""
    with _cache_lock:
        _cache.clear()


def _load(tree: str, into: _Tree, after: int) -> int:
    fields = ("pk", "case_id", "violation_id", "decided_on", "tokens")
    rows = CaseText.objects.filter(tree=tree, pk__gt=after).order_by("pk").values_list(*fields)
    added = 0
    for row_id, case_id, violation_id, decided_on, tokens in rows.iterator(chunk_size=5000):
        into.add(row_id, case_id, violation_id or 0, decided_on, tokens)
        added += 1
    return added


def _current(tree: str) -> _Tree:
    """This process's copy of the tree's index, brought up to its version row."""
    version = CaseTextTree.objects.filter(tree=tree).values_list("stamp", "rows").first()
    if version is None:
        return _Tree()
    stamp, rows = version
    with _cache_lock:
        held = _cache.get(tree)
        if held is not None and held.stamp == stamp:
            return held
        if held is not None:
            # Rows only added since: append them. Anything else (a row replaced, a rebuild) loads the tree anew.
            size = len(held.case_ids)
            before = set(held.case_ids)
            added = _load(tree, held, held.last_id)
            if size + added == rows and not before.intersection(held.case_ids[size:]):
                held.stamp, held.rows = stamp, rows
                held.settle()
                return held
        built = _Tree(stamp=stamp, rows=rows)
        _load(tree, built, 0)
        built.settle()
        _cache[tree] = built
        return built


# --- Ranking ---------------------------------------------------------------------------------------------------


def _idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _query_terms(index: _Tree, words: list[str]) -> list[tuple[str, float]]:
    """The query's terms known to the index with their IDF, the QUERY_TERMS most telling (count × IDF) first."""
    n = len(index.case_ids)
    weighted = [(word, count, _idf(index.df[word], n)) for word, count in Counter(words).items() if index.df[word]]
    weighted.sort(key=lambda item: (-item[1] * item[2], item[0]))
    return [(word, idf) for word, _count, idf in weighted[:QUERY_TERMS]]


def _score(index: _Tree, query: list[tuple[str, float]], violations: Iterable[int]) -> dict[int, float]:
    """BM25 of every document of the given violations that shares a term with the query."""
    scores: dict[int, float] = {}
    norms = index.norms
    get = scores.get
    boost = K1 + 1
    for word, idf in query:
        by_violation = index.postings[word]
        for violation in violations:
            place = by_violation.get(violation)
            if place is None:
                continue
            for doc, count in zip(place.docs, place.counts, strict=True):
                scores[doc] = get(doc, 0.0) + idf * count * boost / (count + norms[doc])
    return scores


@dataclass(frozen=True)
class Hit:
    case_id: int
    same_violation: bool
    score: float


def rank(case: Case, *, limit: int = 10) -> list[Hit]:
    """The closed cases of the case's tree most like it, best first, without the case itself: those of the same
    violation first (by BM25 of their words against the case's, then the latest decision), then others that share
    words with it (by BM25). Deterministic: the same index gives the same list on any database."""
    with _cache_lock:
        return _rank(_current(tree_of(case.agency)), case, limit)


def _rank(index: _Tree, case: Case, limit: int) -> list[Hit]:
    if not index.case_ids:
        return []
    query = _query_terms(index, terms(case_text(case)))
    own = case.violation_id or 0
    decided, case_ids = index.decided, index.case_ids

    def order(scores: dict[int, float], docs: Iterable[int]) -> list[int]:
        return sorted(
            (doc for doc in docs if case_ids[doc] != case.pk),
            key=lambda doc: (-round(scores.get(doc, 0.0), 9), -decided[doc], -case_ids[doc]),
        )

    hits: list[Hit] = []
    if own:
        scores = _score(index, query, [own])
        # Every case of the same violation comes before any other, even without a word in common.
        members = index.members.get(own, array("i"))
        docs = order(scores, scores) if len(scores) >= limit + 1 else order(scores, members)
        hits += [Hit(case_ids[doc], True, scores.get(doc, 0.0)) for doc in docs[:limit]]
    if len(hits) < limit:
        others = [violation for violation in index.members if violation != own]
        scores = _score(index, query, others)
        hits += [Hit(case_ids[doc], False, scores[doc]) for doc in order(scores, scores)[: limit - len(hits)]]
    return hits


# --- What the officer sees -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SimilarCase:
    """A closed case like the one at hand, as the officer sees it: no party, no name, no number of a person."""

    agency: str
    decision_number: str
    violation: str
    same_violation: bool
    tier: str
    outcome: str
    penalty_kinds: list[str]
    fine: Decimal | None
    confiscated: Decimal | None
    decided_on: date
    excerpt: str
    score: float
    case_id: int  # for ordering and tests; not shown: the officer may not be allowed to open that case


def similar_cases(case: Case, *, actor: User, limit: int = 10) -> list[SimilarCase]:
    """The closed cases of the province most like `case`, for an actor who may see `case` (else nothing)."""
    if not restrict_cases(Case.objects.filter(pk=case.pk), actor).exists():
        return []
    hits = rank(case, limit=limit)
    if not hits:
        return []
    ids = [hit.case_id for hit in hits]
    rows = {
        row.case_id: row
        for row in CaseText.objects.filter(case_id__in=ids).select_related("case__agency", "case__violation")
    }
    numbers: dict[int, str] = {}
    for case_id, number in CaseDocument.objects.filter(case_id__in=ids, kind__in=DECISION_KINDS).values_list(
        "case_id", "number"
    ):
        numbers.setdefault(case_id, number)
    kinds, tiers, grounds = dict(PenaltyKind.choices), dict(Tier.choices), dict(NoPenaltyGround.choices)
    found = []
    for hit in hits:
        row = rows.get(hit.case_id)
        if row is None:  # replaced since the copy in memory was read
            continue
        other = row.case
        penalised = row.outcome == SimilarOutcome.PENALTY
        outcome = str(SimilarOutcome(row.outcome).label)
        if not penalised and row.no_penalty_ground in grounds:
            outcome += f"：{grounds[row.no_penalty_ground]}"
        found.append(
            SimilarCase(
                agency=other.agency.name,
                decision_number=numbers.get(other.pk, ""),
                violation=other.violation.name if other.violation else "",
                same_violation=hit.same_violation,
                tier=str(tiers.get(other.tier, "")),
                outcome=outcome,
                penalty_kinds=[str(kinds.get(kind, kind)) for kind in other.penalty_kinds] if penalised else [],
                fine=other.fine if penalised else None,
                confiscated=other.confiscated if penalised else None,
                decided_on=row.decided_on,
                excerpt=row.excerpt,
                score=round(hit.score, 3),
                case_id=other.pk,
            )
        )
    return found
