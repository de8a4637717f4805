"""The ledger's one writer: `record(...)`, called by every service inside the transaction of its change.

Also the signed checkpoints and the proofs. See docs/ledger.md for the formats.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import BinaryField, DateTimeField, JSONField, Model
from django.utils import timezone

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.ledger import canonical, merkle
from zhifa.ledger.models import Blob, Checkpoint, Entry, EntryFile, Facts, Node
from zhifa.ledger.signing import CheckpointBody, Ed25519Signer, Signer, sign_checkpoint, verifier_key
from zhifa.ledger.state import snapshot, subject_key

FORMAT_VERSION = 1
# Any constant works; it names the advisory lock that serialises appends on PostgreSQL.
_APPEND_LOCK = 0x7A686966  # "zhif"


class NotInTransaction(RuntimeError):
    """record() was called outside the transaction of the change it records."""


@cache
def signer() -> Signer:
    return Ed25519Signer.load_or_create(settings.LEDGER_ORIGIN, settings.LEDGER_KEY_FILE)


def public_key_line() -> str:
    return verifier_key(signer())


def _time(moment: Any) -> str:
    return str(moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


class _LeafColumns(Protocol):
    """What a leaf is made of: an Entry, or the same columns read as a tuple (verify)."""

    @property
    def index(self) -> int: ...
    @property
    def recorded_at(self) -> Any: ...
    @property
    def actor_id(self) -> int | None: ...
    @property
    def agency_id(self) -> int | None: ...
    @property
    def action(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def commitment(self) -> str: ...
    @property
    def files(self) -> list[str]: ...


def leaf_data(entry: _LeafColumns) -> str:
    """The leaf's canonical text, rebuilt from the entry's columns (verify compares it with `entry.leaf`)."""
    return canonical.dumps(
        {
            "v": FORMAT_VERSION,
            "index": entry.index,
            "time": _time(entry.recorded_at),
            "actor": entry.actor_id,
            "agency": entry.agency_id,
            "action": entry.action,
            "subject": entry.subject,
            "commitment": entry.commitment,
            "files": entry.files,
        }
    )


def commitment_of(salt: bytes, facts_text: str) -> str:
    return hashlib.sha256(salt + facts_text.encode()).hexdigest()


def get_node(level: int, position: int) -> bytes:
    if level == 0:
        return bytes(Entry.objects.values_list("leaf_hash", flat=True).get(index=position))
    return bytes(Node.objects.values_list("hash", flat=True).get(level=level, position=position))


def tree_size() -> int:
    with connection.cursor() as cursor:
        cursor.execute('SELECT MAX("index") FROM ledger_entry')
        last = cursor.fetchone()[0]
    return 0 if last is None else int(last) + 1


def _fetch(positions: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """The stored hashes at (level, position): leaves from ledger_entry, the rest from ledger_node; two queries.

    Plain SQL: this runs on every append and proof, where building ORM queries cost more than running them.
    """
    leaves = sorted({position for level, position in positions if level == 0})
    inner = sorted({(level, position) for level, position in positions if level > 0})
    found: dict[tuple[int, int], bytes] = {}
    with connection.cursor() as cursor:
        if leaves:
            # Only placeholders are formatted into these statements; the values go as parameters.
            marks = ", ".join(["%s"] * len(leaves))
            cursor.execute(f'SELECT "index", leaf_hash FROM ledger_entry WHERE "index" IN ({marks})', leaves)  # noqa: S608
            for index, value in cursor.fetchall():
                found[(0, index)] = bytes(value)
        if inner:
            where = " OR ".join(["(level = %s AND position = %s)"] * len(inner))
            cursor.execute(
                f"SELECT level, position, hash FROM ledger_node WHERE {where}",  # noqa: S608
                [value for pair in inner for value in pair],
            )
            for level, position, value in cursor.fetchall():
                found[(level, position)] = bytes(value)
    return found


def peaks(size: int) -> list[bytes]:
    """The peaks of the stored tree of `size` leaves: at most log2(size) rows, two queries."""
    positions = merkle.peak_positions(size)
    found = _fetch(positions)
    return [found[position] for position in positions]


def _prefetched(compute: Callable[[merkle.GetNode], list[bytes]]) -> list[bytes]:
    """Run a proof computation with every stored hash it reads fetched in two queries, not one per hash.

    Which hashes a proof reads depends only on the sizes, not on their values, so a first run with a
    recording stand-in learns them; the second run gets them from memory.
    """
    wanted: list[tuple[int, int]] = []

    def learn(level: int, position: int) -> bytes:
        wanted.append((level, position))
        return bytes(32)

    compute(learn)
    found = _fetch(wanted)
    return compute(lambda level, position: found[(level, position)])


def _insert(model: type[Model], names: list[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """INSERT many rows with one prepared statement, each value prepared by its field as the ORM would.

    Appends are the hottest path of the system; the ORM's bulk_create spends most of its time compiling
    SQL and building model instances, which this skips.
    """
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    db = connections[DEFAULT_DB_ALIAS]  # the real connection, not the thread-local proxy, for the loop below
    quote = db.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608 (names only)
    # Text and integer values go as they are; dates, JSON and bytes are adapted by their field for this database.
    adapt = [
        field.get_db_prep_save if isinstance(field, DateTimeField | JSONField | BinaryField) else None
        for field in fields
    ]
    prepared = [
        [value if prep is None else prep(value, db) for prep, value in zip(adapt, row, strict=True)] for row in rows
    ]
    with db.cursor() as cursor:
        cursor.executemany(sql, prepared)


def _lock() -> None:
    # SQLite: Zhifa's transactions are BEGIN IMMEDIATE, so the writer already holds the database lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK])


@dataclass(frozen=True)
class Act:
    """One act to record: the arguments of `record`, for `record_many`."""

    actor: User | None
    action: str
    subject: Model | str
    facts: dict[str, Any]
    files: Sequence[str] = ()
    agency: Agency | None = None


def record(
    *,
    actor: User | None,
    action: str,
    subject: Model | str,
    facts: dict[str, Any],
    files: Sequence[str] = (),
    agency: Agency | None = None,
) -> Entry:
    """Append one entry for a change the caller is making in the same transaction.

    `facts` (canonical JSON; personal data allowed) are kept beside the entry; the leaf holds only their
    salted commitment. When `subject` is a row with a state snapshot (ledger/state.py), its state after
    the change is added to the facts as "state", so verify can compare it with the live row.
    """
    return record_many([Act(actor, action, subject, facts, files, agency)])[0]


def record_many(acts: Sequence[Act]) -> list[Entry]:
    """Append entries for many changes made in the same transaction, in order, with a handful of queries.

    The same entries as calling `record` for each act in turn (subjects' states are read when this is
    called, so call it after the changes); for imports and other bulk changes.
    """
    if not connection.in_atomic_block:
        raise NotInTransaction("ledger.record() must run inside the transaction of the change it records")
    if not acts:
        return []
    _lock()
    wanted = {digest.lower() for act in acts for digest in act.files}
    if wanted:
        stored = set(Blob.objects.filter(sha256__in=wanted).values_list("sha256", flat=True))
        missing = sorted(wanted - stored)
        if missing:
            raise Refusal(f"证据文件 {missing[0][:12]}… 尚未上传到证据库，不能记入", field="files")
        # A file another agency recorded may be attached only by someone who may read it: citing a hash
        # must not be a way to reach a file outside one's scope.
        from zhifa.ledger.evidence_views import may_read

        for act in acts:
            for digest in act.files:
                if act.actor is not None and not may_read(act.actor, digest.lower()):
                    raise Refusal(f"证据文件 {digest[:12]}… 属于您管辖范围以外的记录，不能引用", field="files")
    size = tree_size()
    tree_peaks = peaks(size)
    now = timezone.now()
    entries: list[Entry] = []
    facts_rows: list[tuple[int, str, bytes]] = []
    nodes: list[tuple[int, int, bytes]] = []
    for act in acts:
        facts = dict(act.facts)
        if isinstance(act.subject, Model):
            state = snapshot(act.subject)
            if state is not None:
                facts["state"] = state
            key = subject_key(act.subject)
        else:
            key = act.subject
        facts_text = canonical.dumps(facts)
        salt = os.urandom(16)
        entry = Entry(
            index=size,
            recorded_at=now,
            actor=act.actor,
            actor_name=act.actor.get_full_name() if act.actor is not None else "",
            agency=act.agency,
            action=act.action,
            subject=key,
            commitment=commitment_of(salt, facts_text),
            files=sorted({digest.lower() for digest in act.files}),
        )
        entry.leaf = leaf_data(entry)
        entry.leaf_hash = merkle.leaf_hash(entry.leaf.encode())
        tree_peaks, completed = merkle.append_leaf(size, tree_peaks, bytes(entry.leaf_hash))
        nodes.extend((node.level, node.index, node.hash) for node in completed if node.level)
        entries.append(entry)
        facts_rows.append((size, facts_text, salt))
        size += 1
    columns = ["index", "recorded_at", "actor", "actor_name", "agency", "action", "subject"]
    columns += ["commitment", "files", "leaf", "leaf_hash"]
    values = [[getattr(e, name + "_id" if name in ("actor", "agency") else name) for name in columns] for e in entries]
    _insert(Entry, columns, [tuple(row) for row in values])
    _insert(Facts, ["entry", "facts", "salt"], facts_rows)
    _insert(EntryFile, ["entry", "sha256"], [(e.index, digest) for e in entries for digest in e.files])
    _insert(Node, ["level", "position", "hash"], nodes)
    # One look at the checkpoint per transaction is enough, however many entries it appends: skip when
    # one is already registered at this same savepoint level (Django keeps (savepoint ids, func, robust)).
    here = set(connection.savepoint_ids)
    if not any(hook[1] is checkpoint_if_due and hook[0] == here for hook in connection.run_on_commit):
        transaction.on_commit(checkpoint_if_due)
    return entries


def root(size: int) -> bytes:
    return merkle.root_from_peaks(peaks(size))


@transaction.atomic
def checkpoint_issue() -> Checkpoint:
    """Sign the tree as it stands now (when it grew since the last checkpoint; else return the last)."""
    _lock()
    size = tree_size()
    last = Checkpoint.objects.order_by("-pk").first()
    if last is not None and last.size == size:
        return last
    tree_root = root(size)
    note = sign_checkpoint(CheckpointBody(settings.LEDGER_ORIGIN, size, tree_root), signer())
    return Checkpoint.objects.create(size=size, root=tree_root, issued_at=timezone.now(), note=note)


def checkpoint_if_due() -> None:
    """After a commit: sign a new checkpoint when the last one is older than LEDGER_CHECKPOINT_MINUTES."""
    last = Checkpoint.objects.order_by("-pk").only("issued_at").first()
    due = timezone.now() - timedelta(minutes=settings.LEDGER_CHECKPOINT_MINUTES)
    if last is None or last.issued_at <= due:
        checkpoint_issue()


def latest_checkpoint() -> Checkpoint:
    last = Checkpoint.objects.order_by("-pk").first()
    return last if last is not None else checkpoint_issue()


def inclusion_proof(index: int, size: int) -> list[bytes]:
    if not 0 <= index < size <= tree_size():
        raise ValueError(f"no entry {index} in a tree of {size}")
    return _prefetched(lambda get: merkle.inclusion_proof(index, size, get))


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    if not 0 < size1 <= size2 <= tree_size():
        raise ValueError(f"no consistency proof from {size1} to {size2}")
    return _prefetched(lambda get: merkle.consistency_proof(size1, size2, get))
