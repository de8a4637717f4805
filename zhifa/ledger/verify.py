"""`zhifa ledger verify`: recompute everything the ledger claims and name the first thing that is wrong.

Checks, in order: entries contiguous from 0; each leaf rebuilt from its columns and hashed; every stored
subtree node recomputed (and none extra); the leaf-hash lookup (each row's key equal to its entry's leaf
hash, the rows covering entries 0 … n-1 with no gap); every checkpoint's signature, its stored size and
root, and its root against the recomputed tree at its size; sizes never decreasing; no lookup row naming
an entry that does not exist; facts against their commitments (missing facts only where an erasure was
recorded); every file the entries name re-hashed; the live rows against the state recorded in their
subject's latest entry; optionally a checkpoint kept by an auditor.
Memory stays bounded: entries are streamed in batches.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from django.db import connection

from zhifa.ledger import blobs, merkle
from zhifa.ledger.models import Checkpoint, Facts, Node
from zhifa.ledger.services import commitment_of, leaf_prefix, leaf_text, leaf_time, public_key_line
from zhifa.ledger.signing import CheckpointBody, NoteError, Verifier, open_checkpoint
from zhifa.ledger.state import SNAPSHOTS, live_snapshot

BATCH = 2000
ERASE_ACTION = "ledger.erase_facts"


@dataclass
class Report:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    size: int = 0
    root: bytes = b""
    files_checked: int = 0

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problems.append(problem)


_Row = tuple[int, Any, int | None, int | None, str, str, str, Any, str, bytes, str | None, bytes | None]

# Read with one plain statement per batch: the ORM's per-value converters (parsing SQLite's datetime text
# through a regular expression, settings looked up per row, JSON through the field) cost more than the
# rest of verify put together. `recorded_at` and `files` are converted in the loop, only where the
# database hands them over as text (SQLite); PostgreSQL gives a datetime and a list already.
_SELECT = (
    'SELECT e."index", e.recorded_at, e.actor_id, e.agency_id, e.action, e.subject, e.commitment, e.files, '
    "e.leaf, e.leaf_hash, f.facts, f.salt FROM ledger_entry e LEFT JOIN ledger_facts f "
    'ON f.entry_id = e."index" WHERE e."index" > %s ORDER BY e."index" LIMIT %s'
)


def _batches() -> Iterator[list[_Row]]:
    """Every entry in index order with its facts and salt (None when erased), BATCH at a time, as tuples."""
    last = -1
    with connection.cursor() as cursor:
        while True:
            cursor.execute(_SELECT, [last, BATCH])
            batch = cursor.fetchall()
            if not batch:
                return
            yield batch
            last = batch[-1][0]


def _moment(value: Any) -> datetime:
    """`recorded_at` as the ORM would give it: SQLite stores UTC as naive text."""
    if type(value) is str:
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return cast(datetime, value)


def verify_ledger(*, against: Path | None = None, check_files: bool = True) -> Report:
    report = Report()
    verifier = Verifier.parse(public_key_line())
    checkpoints: list[tuple[int, CheckpointBody]] = []
    for checkpoint in Checkpoint.objects.order_by("pk"):
        try:
            body = open_checkpoint(checkpoint.note, verifier)
        except NoteError as error:
            report.fail(f"checkpoint #{checkpoint.pk}: {error}")
            return report
        if body.size != checkpoint.size or body.root != bytes(checkpoint.root):
            report.fail(f"checkpoint #{checkpoint.pk}: stored size/root differ from its signed note")
            return report
        if checkpoints and body.size < checkpoints[-1][1].size:
            report.fail(f"checkpoint #{checkpoint.pk}: size {body.size} is smaller than an earlier checkpoint's")
            return report
        checkpoints.append((checkpoint.pk, body))
    kept = None
    if against is not None:
        try:
            kept = open_checkpoint(against.read_text(encoding="utf-8"), verifier)
        except (OSError, NoteError) as error:
            report.fail(f"kept checkpoint {against}: {error}")
            return report
    roots_wanted = {body.size for _, body in checkpoints} | ({kept.size} if kept else set())
    roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT} if 0 in roots_wanted else {}

    tree = merkle.Frontier()
    erased: set[int] = set()
    without_facts: list[int] = []
    latest_state: dict[str, int] = {}
    files: set[str] = set()
    expected_nodes = 0
    completed: list[tuple[int, int, bytes]] = []

    def check_nodes() -> bool:
        """The stored subtrees equal those the entries completed: one range query per level."""
        by_level: dict[int, dict[int, bytes]] = {}
        for level, position, value in completed:
            by_level.setdefault(level, {})[position] = value
        with connection.cursor() as cursor:
            for level, wanted in sorted(by_level.items()):
                cursor.execute(
                    "SELECT position, hash FROM ledger_node WHERE level = %s AND position BETWEEN %s AND %s",
                    [level, min(wanted), max(wanted)],
                )
                stored = {position: bytes(value) for position, value in cursor.fetchall()}
                for position, value in sorted(wanted.items()):
                    if position not in stored:
                        report.fail(f"subtree node {level}/{position} is missing")
                        return False
                    if stored[position] != value:
                        report.fail(f"subtree node {level}/{position} does not match the entries below it")
                        return False
        completed.clear()
        return True

    lookup_gap: int | None = None  # the first entry not in the lookup; every later one must be absent too

    def check_lookup(first: int, hashes: list[bytes]) -> bool:
        """The lookup rows of this batch's entries name them by their own leaf hash's key, with no gap."""
        nonlocal lookup_gap
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT entry_index, prefix FROM ledger_leaf_index WHERE entry_index BETWEEN %s AND %s "
                "ORDER BY entry_index",
                [first, first + len(hashes) - 1],
            )
            rows = cursor.fetchall()
        expected = first
        for index, key in rows:
            if key != leaf_prefix(hashes[index - first]):
                report.fail(f"entry {index}: its row in the leaf-hash lookup does not match its leaf hash")
                return False
            if lookup_gap is not None or index != expected:
                gap = expected if lookup_gap is None else lookup_gap
                report.fail(f"entry {gap}: missing from the leaf-hash lookup, which holds entry {index}")
                return False
            expected += 1
        if lookup_gap is None and len(rows) < len(hashes):
            lookup_gap = first + len(rows)
        return True

    # One pass, written out for speed: verify is bound by rebuilding each leaf, not by hashing.
    leaf_hash = merkle.leaf_hash
    wanted_sizes = sorted(roots_wanted)
    expected_index = 0
    for batch in _batches():
        hashes: list[bytes] = []
        for row in batch:
            index, recorded_at, actor_id, agency_id, action, subject, commitment, names, leaf, stored, facts, salt = row
            if index != expected_index:
                report.fail(f"entry {expected_index} is missing (the next entry is {index})")
                return report
            try:
                if type(names) is str:
                    names = [] if names == "[]" else json.loads(names)
                if type(recorded_at) is str and len(recorded_at) == 26 and recorded_at[10] + recorded_at[19] == " .":
                    # SQLite's text of a UTC time with microseconds, YYYY-MM-DD HH:MM:SS.ffffff: the leaf's time
                    # is the same digits (what leaf_time would make of the parsed value; one to one).
                    time = f"{recorded_at[:10]}T{recorded_at[11:]}Z"
                else:
                    time = leaf_time(_moment(recorded_at))
                text = leaf_text(index, time, actor_id, agency_id, action, subject, commitment, names)
            except (ValueError, TypeError, AttributeError):
                text = None  # a column that no longer reads as its type
            if text != leaf:
                report.fail(f"entry {index}: its columns no longer match its recorded leaf")
                return report
            hashed = leaf_hash(leaf.encode())
            if hashed != bytes(stored):
                report.fail(f"entry {index}: the leaf hash does not match the leaf")
                return report
            if facts is None or salt is None:
                without_facts.append(index)
            elif commitment_of(bytes(salt), facts) != commitment:
                report.fail(f"entry {index}: its facts do not match the commitment in the leaf")
                return report
            hashes.append(hashed)
            if action == ERASE_ACTION:
                erased.add(int(subject.partition(":")[2]))
            files.update(names)
            if subject.partition(":")[0] in SNAPSHOTS:
                latest_state[subject] = index
            expected_index += 1
        # Append the batch to the tree, stopping at each size whose root a checkpoint signed.
        done = 0
        while wanted_sizes and wanted_sizes[0] <= tree.size:
            roots[wanted_sizes.pop(0)] = tree.root()
        while done < len(hashes):
            upto = len(hashes)
            if wanted_sizes and wanted_sizes[0] < tree.size + (upto - done):
                upto = done + (wanted_sizes[0] - tree.size)
            tree.extend(hashes[done:upto], completed)
            done = upto
            while wanted_sizes and wanted_sizes[0] <= tree.size:
                roots[wanted_sizes.pop(0)] = tree.root()
        expected_nodes += len(completed)
        if not check_nodes() or not check_lookup(batch[0][0], hashes):
            return report
    report.size = tree.size
    report.root = tree.root()
    if Node.objects.count() != expected_nodes:
        report.fail(f"the node table holds {Node.objects.count()} subtrees; the entries make {expected_nodes}")
        return report

    for number, body in checkpoints:
        if body.size > tree.size:
            report.fail(f"checkpoint #{number} signed {body.size} entries; only {tree.size} remain")
            return report
        if roots[body.size] != body.root:
            report.fail(f"checkpoint #{number}: the entries no longer produce its signed root at size {body.size}")
            return report
    if kept is not None and (kept.size > tree.size or roots.get(kept.size) != kept.root):
        report.fail(f"kept checkpoint {against}: the log is not an extension of it (size {kept.size})")
        return report

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), MIN(entry_index) FROM ledger_leaf_index WHERE entry_index < 0 OR entry_index >= %s",
            [tree.size],
        )
        extra, stray = cursor.fetchone()
    if extra:
        report.fail(f"the leaf-hash lookup names entry {stray}, which does not exist")
        return report

    missing = [index for index in without_facts if index not in erased]
    if missing:
        report.fail(f"entry {missing[0]}: its facts were removed without a recorded erasure")
        return report

    if check_files and files:
        for digest in sorted(files):
            problem = blobs.verify(digest)
            if problem is not None:
                report.fail(f"file {digest}: {problem}")
                return report
            report.files_checked += 1

    ordered = sorted(latest_state.items(), key=lambda item: item[1])
    for start in range(0, len(ordered), BATCH):
        chunk = ordered[start : start + BATCH]
        texts = dict(Facts.objects.filter(entry_id__in=[index for _, index in chunk]).values_list("entry_id", "facts"))
        for subject, index in chunk:
            if index not in texts:
                continue
            recorded = json.loads(texts[index]).get("state")
            if recorded is None:
                continue
            if live_snapshot(subject) != recorded:
                report.fail(f"{subject}: the live row differs from the state recorded by entry {index}")
                return report
    return report
