"""The ledger's one writer: `record(...)`, called by every service inside the transaction of its change.

Also the signed checkpoints and the proofs. See docs/ledger.md for the formats.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from datetime import UTC, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
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


def leaf_data(entry: Entry) -> str:
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


def _lock() -> None:
    # SQLite: Zhifa's transactions are BEGIN IMMEDIATE, so the writer already holds the database lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK])


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
    if not connection.in_atomic_block:
        raise NotInTransaction("ledger.record() must run inside the transaction of the change it records")
    _lock()
    facts = dict(facts)
    if isinstance(subject, Model):
        state = snapshot(subject)
        if state is not None:
            facts["state"] = state
        key = subject_key(subject)
    else:
        key = subject
    digests = sorted({digest.lower() for digest in files})
    if digests:
        stored = set(Blob.objects.filter(sha256__in=digests).values_list("sha256", flat=True))
        missing = [digest for digest in digests if digest not in stored]
        if missing:
            raise Refusal(f"证据文件 {missing[0][:12]}… 尚未上传到证据库，不能记入", field="files")
    facts_text = canonical.dumps(facts)
    salt = os.urandom(16)
    size = tree_size()
    entry = Entry(
        index=size,
        recorded_at=timezone.now(),
        actor=actor,
        actor_name=actor.get_full_name() if actor is not None else "",
        agency=agency,
        action=action,
        subject=key,
        commitment=commitment_of(salt, facts_text),
        files=digests,
    )
    entry.leaf = leaf_data(entry)
    entry.leaf_hash = merkle.leaf_hash(entry.leaf.encode())
    _, completed = merkle.append_leaf(size, peaks(size), bytes(entry.leaf_hash))
    entry.save(force_insert=True)
    Facts.objects.create(entry=entry, facts=facts_text, salt=salt)
    EntryFile.objects.bulk_create([EntryFile(entry=entry, sha256=digest) for digest in entry.files])
    Node.objects.bulk_create(
        [Node(level=node.level, position=node.index, hash=node.hash) for node in completed if node.level > 0]
    )
    # One look at the checkpoint per transaction is enough, however many entries it appends: skip when
    # one is already registered at this same savepoint level (Django keeps (savepoint ids, func, robust)).
    here = set(connection.savepoint_ids)
    if not any(hook[1] is checkpoint_if_due and hook[0] == here for hook in connection.run_on_commit):
        transaction.on_commit(checkpoint_if_due)
    return entry


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
