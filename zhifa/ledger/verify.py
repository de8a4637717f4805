"""`zhifa ledger verify`: recompute everything the ledger claims and name the first thing that is wrong.

Checks, in order: entries contiguous from 0; each leaf rebuilt from its columns (format 2: with the size
and content type of its files from the evidence store, sealed by hash) and hashed; each batch's
document-hash rows (ledger_entry_file) against its entries' files; every stored subtree node recomputed
(and none extra); the leaf-hash lookup (each row's key equal to its entry's leaf hash, the rows covering
entries 0 … n-1 with no gap); every checkpoint's signature, its stored size and root, and its root against
the recomputed tree at its size; sizes never decreasing; issue times after the entries they sign and never
going back; no lookup or document-hash row naming an entry that does not exist; facts against their
commitments (missing facts only where an erasure was recorded); format-1 entries' actor names and files
against the legacy seal (legacy.py); every file the entries name re-hashed and its size compared with its
evidence-store row; the live rows against the state recorded in their subject's latest entry; optionally a
checkpoint kept by an auditor.
Memory stays bounded: entries are streamed in batches.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, cast

from django.db import connection

from zhifa.ledger import blobs, merkle
from zhifa.ledger.legacy import check_legacy
from zhifa.ledger.models import Checkpoint, Facts, Node, node_key
from zhifa.ledger.services import (
    LEGACY_VERSION,
    blob_rows,
    commitment_of,
    file_facts,
    leaf_text,
    leaf_text_v2,
    leaf_time,
    leaf_version,
    public_key_line,
    sealed_text,
)
from zhifa.ledger.signing import CheckpointBody, NoteError, Verifier, open_checkpoint
from zhifa.ledger.state import SNAPSHOTS, live_snapshots

BATCH = 2000
ERASE_ACTION = "ledger.erase_facts"


@dataclass
class Report:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    size: int = 0
    root: bytes = b""
    files_checked: int = 0
    # Format-1 entries no legacy seal covers: their actor names and files' content types are not checked.
    legacy_unsealed: int = 0

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problems.append(problem)


def _leaf_sql(vendor: str) -> str:
    """A format-1 leaf rebuilt from the entry `e`'s columns in SQL, as `services.leaf_text` writes it.

    The database builds and compares it while it reads the row, which is most of what verify would
    otherwise spend per entry in Python. Every part is a JSON encoding of the column's value, so text
    equal to the recorded leaf means the columns hold exactly what the leaf says. Text that differs is
    not trusted either way: the entry is checked again in Python (`_columns_match`), which alone decides
    (a time on a whole second, stored without its fraction, differs here and matches there).
    """
    if vendor == "sqlite":
        text, integer = "json_quote({})", "coalesce({}, 'null')"
        files = "CASE WHEN json_valid(e.files) THEN json(e.files) END"
        time = "replace(e.recorded_at, ' ', 'T')"
    else:
        text, integer = "to_json({})::text", "coalesce({}::text, 'null')"
        # jsonb prints ", " between elements; inside a JSON string a quote is always escaped.
        files = """replace(e.files::text, '", "', '","')"""
        time = """to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
    parts = [
        """'{"action":'""",
        text.format("e.action"),
        """',"actor":'""",
        integer.format("e.actor_id"),
        """',"agency":'""",
        integer.format("e.agency_id"),
        """',"commitment":'""",
        text.format("e.commitment"),
        """',"files":'""",
        files,
        """',"index":'""",
        integer.format('e."index"'),
        """',"subject":'""",
        text.format("e.subject"),
        """',"time":"'""",
        time,
        f"""'Z","v":{LEGACY_VERSION}}}'""",
    ]
    return " || ".join(parts)


@cache
def _select(vendor: str) -> str:
    # Only the fixed SQL above is formatted in; the bounds go as parameters.
    return (
        'SELECT e."index", e.leaf, e.leaf_hash, e.commitment, f.facts, f.salt, '  # noqa: S608
        f"({_leaf_sql(vendor)}) = e.leaf FROM ledger_entry e LEFT JOIN ledger_facts f "
        # The bound on the facts too: without it PostgreSQL merged from the facts' first row for every batch, a
        # scan growing with the ledger (10⁶ cases: verify went quadratic).
        'ON f.entry_id = e."index" AND f.entry_id > %s WHERE e."index" > %s ORDER BY e."index" LIMIT %s'
    )


def _batches() -> Iterator[list[tuple[Any, ...]]]:
    """Every entry in index order: index, leaf, leaf hash, commitment, facts and salt (None when erased),
    and whether its columns rebuild its leaf in SQL; BATCH at a time, as tuples from one plain statement
    (the ORM's per-value converters would cost more than the rest of verify)."""
    last = -1
    select = _select(connection.vendor)
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last, last, BATCH])
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


def _files_of(names: Any) -> Any:
    """The `files` column as a list: SQLite hands JSON text, PostgreSQL the decoded value."""
    return json.loads(names) if type(names) is str else names


def _rebuild(rows: list[tuple[Any, ...]]) -> dict[int, str | None]:
    """For entries whose columns did not rebuild their leaf in SQL (every format-2 entry: its sealed part is a
    hash), rebuild it in Python: None when the columns, and for format 2 the evidence store's size and content
    type of its files, give the recorded leaf exactly; else what is wrong. Two statements for the batch."""
    if not rows:
        return {}
    leaves = {row[0]: row[1] for row in rows}
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(leaves))
        cursor.execute(
            'SELECT "index", recorded_at, actor_id, actor_name, agency_id, action, subject, commitment, files '  # noqa: S608
            f'FROM ledger_entry WHERE "index" IN ({marks})',
            list(leaves),
        )
        columns = cursor.fetchall()
    named: set[str] = set()
    for row in columns:
        try:
            files = _files_of(row[8])
            if isinstance(files, list):
                named.update(digest for digest in files if isinstance(digest, str))
        except ValueError:
            pass
    stored = blob_rows(named)
    found: dict[int, str | None] = {}
    for index, recorded_at, actor_id, actor_name, agency_id, action, subject, commitment, names in columns:
        leaf = leaves[index]
        changed = f"entry {index}: its columns no longer match its recorded leaf"
        try:
            names = _files_of(names)
            time = leaf_time(_moment(recorded_at))
            if type(leaf) is not str:
                found[index] = changed
            elif leaf_version(leaf) == LEGACY_VERSION:
                text = leaf_text(index, time, actor_id, agency_id, action, subject, commitment, names)
                found[index] = None if text == leaf else changed
            else:
                sealed = (actor_id, actor_name, agency_id, subject, commitment)
                found[index] = _rebuild_v2(index, leaf, time, action, names, stored, sealed)
        except (ValueError, TypeError, AttributeError):
            found[index] = changed  # a column that no longer reads as its type
    return found


def _rebuild_v2(
    index: int,
    leaf: str,
    time: str,
    action: str,
    names: list[str],
    stored: dict[str, tuple[int, str]],
    sealed_columns: tuple[Any, Any, Any, Any, Any],
) -> str | None:
    """None when a format-2 entry's columns and its files' rows give its leaf; else which part differs."""
    described = file_facts(names, stored)
    if described is None:
        missing = sorted(set(names) - set(stored))[0]
        return f"entry {index}: its file {missing} has no row in the evidence store (ledger_blob)"
    actor_id, actor_name, agency_id, subject, commitment = sealed_columns
    sealed = sealed_text(actor_id, actor_name, agency_id, subject, commitment, described)
    if leaf_text_v2(index, time, action, sealed, names) == leaf:
        return None
    # Which part differs: the leaf's public part (time, action, files) or what its sealed hash covers.
    public = json.loads(leaf_text_v2(index, time, action, "", names))
    recorded = json.loads(leaf)
    public.pop("sealed")
    recorded.pop("sealed", None)
    if public != recorded:
        return f"entry {index}: its columns no longer match its recorded leaf"
    blob_part = (
        f", or the size or content type of its files in the evidence store (ledger_blob: {', '.join(sorted(names))}),"
        if names
        else ""
    )
    return (
        f"entry {index}: its sealed columns (actor, actor_name, agency, subject, commitment){blob_part} "
        "no longer match its recorded leaf"
    )


def _check_file_rows(report: Report, first: int, last: int) -> bool:
    """The document-hash lookup (ledger_entry_file, read by the public check page and by who may read a file)
    holds exactly one row per file each entry first … last names, its `files` column proved equal to its leaf."""
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT "index", files FROM ledger_entry WHERE "index" BETWEEN %s AND %s AND files <> \'[]\'', [first, last]
        )
        wanted = sorted((index, digest) for index, names in cursor.fetchall() for digest in _files_of(names))
        cursor.execute(
            "SELECT entry_id, sha256 FROM ledger_entry_file WHERE entry_id BETWEEN %s AND %s ORDER BY entry_id, sha256",
            [first, last],
        )
        rows = [(int(index), digest) for index, digest in cursor.fetchall()]
    if rows == wanted:
        return True
    for position in range(max(len(rows), len(wanted))):
        row = rows[position] if position < len(rows) else None
        want = wanted[position] if position < len(wanted) else None
        if row == want:
            continue
        if want is not None and (row is None or row > want):
            report.fail(f"entry {want[0]}: the document-hash lookup (ledger_entry_file) lacks its file {want[1]}")
        else:
            assert row is not None
            report.fail(
                f"entry {row[0]}: the document-hash lookup (ledger_entry_file) names file {row[1]}, "
                "which its leaf does not (or names it twice)"
            )
        return False
    return True  # pragma: no cover - the lists differ, so some position differs


def _check_blob(digest: str, row: tuple[int, str] | None) -> str | None:
    """Re-hash one stored file and count its bytes: None when intact and of the size its row says."""
    if row is None:
        return "no evidence-store row names this file"
    size = 0
    try:
        for chunk in blobs.open_verified(digest):
            size += len(chunk)
    except blobs.BlobCorrupted as problem:
        return str(problem)
    if size != row[0]:
        return f"the evidence store (ledger_blob) says {row[0]} bytes, the stored file has {size}"
    return None


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
    without_facts: list[int] = []
    expected_nodes = 0
    completed: list[tuple[int, int, bytes]] = []

    def check_nodes() -> bool:
        """The stored subtrees equal those the entries completed: the batch's nodes are one range of keys,
        compared as rows (key, level, position, hash) in key order, which is the order they were made in."""
        if not completed:
            return True
        wanted = [(node_key(level, position), level, position, value) for level, position, value in completed]
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT "key", level, position, hash FROM ledger_node WHERE "key" BETWEEN %s AND %s ORDER BY "key"',
                [wanted[0][0], wanted[-1][0]],
            )
            stored = cursor.fetchall()
        completed.clear()
        if stored == wanted:
            return True
        rows = {row[0]: (row[1], row[2], bytes(row[3])) for row in stored}
        for key, level, position, value in wanted:
            row = rows.get(key)
            if row is None:
                report.fail(f"subtree node {level}/{position} is missing")
            elif row[:2] != (level, position):
                report.fail(f"subtree node {level}/{position}: its row says level {row[0]}, position {row[1]}")
            elif row[2] != value:
                report.fail(f"subtree node {level}/{position} does not match the entries below it")
            else:
                continue
            return False
        stray = min(set(rows) - {row[0] for row in wanted})
        report.fail(f"the node table holds a subtree the entries do not make (key {stray})")
        return False

    # One pass, written out for speed: per entry, the hashes verify must compute and little else. The
    # columns are compared with the leaf by the database as it reads them (_leaf_sql).
    leaf_hash = merkle.leaf_hash
    wanted_sizes = sorted(roots_wanted)
    expected_index = 0
    for batch in _batches():
        hashes: list[bytes] = []
        rebuilt = _rebuild([row for row in batch if not row[6]])
        for index, leaf, stored, commitment, facts, salt, same in batch:
            if index != expected_index:
                report.fail(f"entry {expected_index} is missing (the next entry is {index})")
                return report
            if not same and rebuilt[index] is not None:
                report.fail(str(rebuilt[index]))
                return report
            hashed = leaf_hash(leaf.encode())
            if hashed != stored:
                report.fail(f"entry {index}: the leaf hash does not match the leaf")
                return report
            if facts is None or salt is None:
                without_facts.append(index)
            elif commitment_of(bytes(salt), facts) != commitment:
                report.fail(f"entry {index}: its facts do not match the commitment in the leaf")
                return report
            hashes.append(hashed)
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
        if not check_nodes():
            return report
        if not _check_file_rows(report, batch[0][0], batch[-1][0]):
            return report
    size = report.size = tree.size
    report.root = tree.root()
    stored_nodes = Node.objects.count()
    if stored_nodes != expected_nodes:
        report.fail(f"the node table holds {stored_nodes} subtrees; the entries make {expected_nodes}")
        return report
    if not _check_lookup(report, size):
        return report
    for number, body in checkpoints:
        if body.size > size:
            report.fail(f"checkpoint #{number} signed {body.size} entries; only {size} remain")
            return report
        if roots[body.size] != body.root:
            report.fail(f"checkpoint #{number}: the entries no longer produce its signed root at size {body.size}")
            return report
    if kept is not None and (kept.size > size or roots.get(kept.size) != kept.root):
        report.fail(f"kept checkpoint {against}: the log is not an extension of it (size {kept.size})")
        return report
    problem = _check_issue_times()
    if problem is not None:
        report.fail(problem)
        return report

    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(entry_id) FROM ledger_entry_file WHERE entry_id < 0 OR entry_id >= %s", [size])
        (stray,) = cursor.fetchone()
    if stray is not None:
        report.fail(f"the document-hash lookup (ledger_entry_file) names entry {stray}, which does not exist")
        return report

    # The columns read below were proved equal to their leaves above.
    if without_facts:
        with connection.cursor() as cursor:
            cursor.execute('SELECT subject FROM ledger_entry WHERE action = %s AND "index" < %s', [ERASE_ACTION, size])
            erased = {int(subject.partition(":")[2]) for (subject,) in cursor.fetchall()}
        missing = [index for index in without_facts if index not in erased]
        if missing:
            report.fail(f"entry {missing[0]}: its facts were removed without a recorded erasure")
            return report

    problem, report.legacy_unsealed = check_legacy(size)
    if problem is not None:
        report.fail(problem)
        return report

    if check_files:
        files: set[str] = set()
        with connection.cursor() as cursor:
            cursor.execute("SELECT files FROM ledger_entry WHERE \"index\" < %s AND files <> '[]'", [size])
            for (names,) in cursor.fetchall():
                files.update(json.loads(names) if type(names) is str else names)
        stored = blob_rows(files)
        for digest in sorted(files):
            problem = _check_blob(digest, stored.get(digest))
            if problem is not None:
                report.fail(f"file {digest}: {problem}")
                return report
            report.files_checked += 1

    # Each subject with a state snapshot: its latest entry (the subject index, one range per kind of row).
    latest: list[tuple[int, str]] = []
    with connection.cursor() as cursor:
        for label in SNAPSHOTS:
            cursor.execute(
                'SELECT MAX("index"), subject FROM ledger_entry WHERE subject >= %s AND subject < %s '
                'AND "index" < %s GROUP BY subject',
                [f"{label}:", f"{label};", size],
            )
            latest.extend(cursor.fetchall())
    latest.sort()
    for start in range(0, len(latest), BATCH):
        chunk = latest[start : start + BATCH]
        texts = dict(Facts.objects.filter(entry_id__in=[index for index, _ in chunk]).values_list("entry_id", "facts"))
        lives = live_snapshots([subject for _, subject in chunk])
        for index, subject in chunk:
            if index not in texts:
                continue
            recorded = json.loads(texts[index]).get("state")
            if recorded is None:
                continue
            live = lives[subject]
            # A field added to a snapshot later is checked from the first entry that records it: older entries
            # compare on the fields they recorded.
            if live is None or {name: live.get(name, _ABSENT) for name in recorded} != recorded:
                report.fail(f"{subject}: the live row differs from the state recorded by entry {index}")
                return report
    return report


_ABSENT = object()


def _check_issue_times() -> str | None:
    """A checkpoint's issue time (shown by the public checkpoint endpoint) is not signed; it is bounded instead:
    never before the recording of the last entry it signs, never before the previous checkpoint's."""
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT MIN(c.id) FROM ledger_checkpoint c JOIN ledger_entry e ON e."index" = c.size - 1 '
            "WHERE c.issued_at < e.recorded_at"
        )
        (early,) = cursor.fetchone()
        if early is not None:
            return f"checkpoint #{early}: its issue time is before the last entry it signs was recorded"
        cursor.execute(
            "SELECT MIN(id) FROM (SELECT id, issued_at, LAG(issued_at) OVER (ORDER BY id) AS before "
            "FROM ledger_checkpoint) t WHERE before > issued_at"
        )
        (back,) = cursor.fetchone()
    if back is not None:
        return f"checkpoint #{back}: its issue time is before the previous checkpoint's"
    return None


def _prefix_sql(vendor: str) -> str:
    """SQL true when lookup row `l`'s key is not the first 8 bytes of its entry `e`'s leaf hash."""
    if vendor == "sqlite":
        return "hex(substr(e.leaf_hash, 1, 8)) <> printf('%016X', l.prefix)"  # run without parameters
    return "substring(e.leaf_hash from 1 for 8) <> int8send(l.prefix)"


def _check_lookup(report: Report, size: int) -> bool:
    """The leaf-hash lookup: rows only for entries that exist, each keyed by its entry's leaf hash (proved
    equal to its leaf above), covering entries 0 … m-1 with no gap. Three statements over the table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), MIN(entry_index) FROM ledger_leaf_index WHERE entry_index < 0 OR entry_index >= %s",
            [size],
        )
        extra, stray = cursor.fetchone()
        if extra:
            report.fail(f"the leaf-hash lookup names entry {stray}, which does not exist")
            return False
        cursor.execute(
            "SELECT MIN(l.entry_index) FROM ledger_leaf_index l JOIN ledger_entry e "  # noqa: S608
            f'ON e."index" = l.entry_index WHERE {_prefix_sql(connection.vendor)}'
        )
        (lying,) = cursor.fetchone()
        if lying is not None:
            report.fail(f"entry {lying}: its row in the leaf-hash lookup does not match its leaf hash")
            return False
        cursor.execute("SELECT COUNT(*), MAX(entry_index) FROM ledger_leaf_index")
        count, last = cursor.fetchone()
        if count and last != count - 1:  # keys are unique and none is negative: a gap below the last
            cursor.execute("SELECT MIN(entry_index) FROM ledger_leaf_index")
            (first,) = cursor.fetchone()
            gap = 0
            if first == 0:  # the first gap follows a row whose successor is absent
                cursor.execute(
                    "SELECT MIN(l.entry_index) + 1 FROM ledger_leaf_index l WHERE l.entry_index < %s AND NOT EXISTS "
                    "(SELECT 1 FROM ledger_leaf_index n WHERE n.entry_index = l.entry_index + 1)",
                    [last],
                )
                (gap,) = cursor.fetchone()
            cursor.execute("SELECT MIN(entry_index) FROM ledger_leaf_index WHERE entry_index > %s", [gap])
            (holds,) = cursor.fetchone()
            report.fail(f"entry {gap}: missing from the leaf-hash lookup, which holds entry {holds}")
            return False
    return True
