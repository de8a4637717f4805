"""The ledger's one writer: `record(...)`, called by every service inside the transaction of its change.

Also the signed checkpoints and the proofs. See docs/ledger.md for the formats.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Protocol, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.ledger import canonical, merkle
from zhifa.ledger.models import Blob, Checkpoint, Entry, Node, node_key
from zhifa.ledger.signing import CheckpointBody, Ed25519Signer, Signer, sign_checkpoint, verifier_key
from zhifa.ledger.state import snapshot, subject_key

FORMAT_VERSION = 2  # the leaf format record() writes; verify and zhifa_verify also read format 1
LEGACY_VERSION = 1
# Any constants work; they name the advisory locks that serialise appends, and runs of the leaf-hash
# lookup (index_leaves), on PostgreSQL.
_APPEND_LOCK = 0x7A686966  # "zhif"
_INDEX_LOCK = 0x7A68696C  # "zhil"

logger = logging.getLogger(__name__)


class NotInTransaction(RuntimeError):
    """record() was called outside the transaction of the change it records."""


@cache
def signer() -> Signer:
    # The key given as a secret (ZHIFA_LEDGER_KEY_PEM[_FILE]) wins over the key file; docs/operations.md.
    if settings.LEDGER_KEY_PEM:
        return Ed25519Signer.from_pem(settings.LEDGER_ORIGIN, settings.LEDGER_KEY_PEM.encode(), "ZHIFA_LEDGER_KEY_PEM")
    return Ed25519Signer.load_or_create(settings.LEDGER_ORIGIN, settings.LEDGER_KEY_FILE)


def public_key_line() -> str:
    return verifier_key(signer())


def leaf_time(moment: Any) -> str:
    """A leaf's `time`: UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ."""
    moment = moment.astimezone(UTC)
    if moment.year >= 1000:  # isoformat writes the same text faster; strftime's %Y does not pad below 1000
        return str(moment.isoformat(timespec="microseconds")[:-6] + "Z")
    return str(moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))


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
    """A format-1 leaf's canonical text, rebuilt from the entry's columns (entries recorded before format 2,
    and the benchmark's generated ledgers)."""
    return leaf_text(
        entry.index,
        leaf_time(entry.recorded_at),
        entry.actor_id,
        entry.agency_id,
        entry.action,
        entry.subject,
        entry.commitment,
        entry.files,
    )


def leaf_text(
    index: int,
    time: str,
    actor_id: int | None,
    agency_id: int | None,
    action: str,
    subject: str,
    commitment: str,
    files: list[str],
) -> str:
    """The canonical JSON of a format-1 leaf (docs/ledger.md) from its values.

    Written out key by key in their sorted order when every value has its usual type, which is the
    same text as `canonical.dumps` of the leaf object (test_canonical.py proves it) in a fraction of
    the time; anything unusual (a tampered column read by verify) takes the strict path.
    """
    if (
        type(index) is int
        and type(time) is str
        and (actor_id is None or type(actor_id) is int)
        and (agency_id is None or type(agency_id) is int)
        and type(action) is str
        and type(subject) is str
        and type(commitment) is str
        and type(files) is list
        and (not files or all(type(digest) is str for digest in files))
    ):
        string, scalar = canonical.string, canonical.scalar
        return (
            f'{{"action":{string(action)},"actor":{scalar(actor_id)},"agency":{scalar(agency_id)},'
            f'"commitment":{string(commitment)},"files":[{",".join(map(string, files))}],'
            f'"index":{scalar(index)},"subject":{string(subject)},"time":{string(time)},"v":{LEGACY_VERSION}}}'
        )
    return canonical.strict_dumps(
        {
            "v": LEGACY_VERSION,
            "index": index,
            "time": time,
            "actor": actor_id,
            "agency": agency_id,
            "action": action,
            "subject": subject,
            "commitment": commitment,
            "files": files,
        }
    )


#: What a format-2 leaf seals about one file: its SHA-256, its size in bytes, the content type it was stored with.
FileFacts = tuple[str, int, str]


def file_token(digest: str) -> str:
    """How a format-2 leaf names a file: the SHA-256 of the file's 32-byte digest, in hex.

    Whoever holds the document computes it from the document's own hash; a reader of the leaf learns no
    file hash from it, so a public proof shows the document's siblings to nobody who lacks them.
    """
    return hashlib.sha256(bytes.fromhex(digest)).hexdigest()


def sealed_text(
    actor_id: int | None,
    actor_name: str,
    agency_id: int | None,
    subject: str,
    commitment: str,
    files: Sequence[FileFacts],
) -> str:
    """The canonical JSON of a format-2 leaf's sealed part (docs/ledger.md): what the leaf commits to by hash.

    `files` in the order of their digests. Written key by key when every value has its usual type (the same
    text as the strict path, test_canonical.py); anything unusual (a tampered column) takes the strict path.
    """
    if (
        (actor_id is None or type(actor_id) is int)
        and type(actor_name) is str
        and (agency_id is None or type(agency_id) is int)
        and type(subject) is str
        and type(commitment) is str
        and all(type(d) is str and type(n) is int and type(t) is str for d, n, t in files)
    ):
        string, scalar = canonical.string, canonical.scalar
        listed = ",".join(
            f'{{"content_type":{string(kind)},"sha256":{string(digest)},"size":{int.__repr__(size)}}}'
            for digest, size, kind in files
        )
        return (
            f'{{"actor":{scalar(actor_id)},"actor_name":{string(actor_name)},"agency":{scalar(agency_id)},'
            f'"commitment":{string(commitment)},"files":[{listed}],"subject":{string(subject)}}}'
        )
    return canonical.strict_dumps(
        {
            "actor": actor_id,
            "actor_name": actor_name,
            "agency": agency_id,
            "subject": subject,
            "commitment": commitment,
            "files": [{"sha256": d, "size": n, "content_type": t} for d, n, t in files],
        }
    )


def leaf_text_v2(index: int, time: str, action: str, sealed: str, files: Sequence[str]) -> str:
    """The canonical JSON of a format-2 leaf: the public part, and the SHA-256 of the sealed part.

    `files` are the entry's file digests; the leaf names them by `file_token`, sorted.
    """
    return leaf_text_sealed(index, time, action, hashlib.sha256(sealed.encode()).hexdigest(), files)


def leaf_text_sealed(index: int, time: str, action: str, sealed_hash: str, files: Sequence[str]) -> str:
    """`leaf_text_v2` with the sealed part's hash already computed (record_many hashes it before the lock)."""
    tokens = sorted(file_token(digest) for digest in files)
    if type(index) is int and type(time) is str and type(action) is str:
        string = canonical.string
        listed = ",".join('"' + token + '"' for token in tokens)
        return (
            f'{{"action":{string(action)},"files":[{listed}],'
            f'"index":{int.__repr__(index)},"sealed":"{sealed_hash}","time":{string(time)},"v":{FORMAT_VERSION}}}'
        )
    return canonical.strict_dumps(
        {"v": FORMAT_VERSION, "index": index, "time": time, "action": action, "files": tokens, "sealed": sealed_hash}
    )


def leaf_version(leaf: str) -> int:
    """A stored leaf's format version: its canonical text ends with its last key, `"v":<n>}`."""
    head, _, tail = leaf.rpartition('"v":')
    return int(tail[:-1]) if head and tail[:-1].isdigit() else 0


def file_facts(digests: Sequence[str], blobs: dict[str, tuple[int, str]]) -> list[FileFacts] | None:
    """Each file's (digest, size, content type) from the evidence store's rows; None when one has no row."""
    found: list[FileFacts] = []
    for digest in sorted(digests):
        row = blobs.get(digest)
        if row is None:
            return None
        found.append((digest, row[0], row[1]))
    return found


def blob_rows(digests: Sequence[str] | set[str]) -> dict[str, tuple[int, str]]:
    """The evidence store's (size, content type) of each of these files that has a row."""
    wanted = sorted(set(digests))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), 500):
        rows = Blob.objects.filter(sha256__in=wanted[start : start + 500]).values_list("sha256", "size", "content_type")
        found.update((digest, (size, kind)) for digest, size, kind in rows)
    return found


def commitment_of(salt: bytes, facts_text: str) -> str:
    return hashlib.sha256(salt + facts_text.encode()).hexdigest()


def get_node(level: int, position: int) -> bytes:
    if level == 0:
        return bytes(Entry.objects.values_list("leaf_hash", flat=True).get(index=position))
    return bytes(Node.objects.values_list("hash", flat=True).get(key=node_key(level, position)))


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
    keys = {node_key(level, position): (level, position) for level, position in inner}
    # Only placeholders are formatted into these statements; the values go as parameters. Leaves and nodes in
    # one statement when both are wanted: one round trip (an append that follows another writer's reads both).
    parts: list[str] = []
    params: list[int] = []
    if leaves:
        marks = ", ".join(["%s"] * len(leaves))
        parts.append(f'SELECT 0, "index", leaf_hash FROM ledger_entry WHERE "index" IN ({marks})')  # noqa: S608
        params.extend(leaves)
    if keys:
        marks = ", ".join(["%s"] * len(keys))
        parts.append(f'SELECT 1, "key", hash FROM ledger_node WHERE "key" IN ({marks})')  # noqa: S608
        params.extend(keys)
    if not parts:
        return found
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for kind, number, value in cursor.fetchall():
            found[(0, number) if kind == 0 else keys[number]] = bytes(value)
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


def _lock(db: BaseDatabaseWrapper) -> None:
    # SQLite: Zhifa's transactions are BEGIN IMMEDIATE, so the writer already holds the database lock.
    if db.vendor == "postgresql":
        with db.cursor() as cursor:
            cursor.execute(_LOCK_APPEND, [_APPEND_LOCK])


@cache
def _qmark(sql: str) -> str:
    # The ledger's own statements hold no literal percent sign, so every %s is a placeholder.
    return sql.replace("%s", "?")


class _Native:
    """The driver's own cursor, taking the statements as Django's cursor does (%s placeholders)."""

    __slots__ = ("cursor", "qmark")

    def __init__(self, cursor: Any, qmark: bool) -> None:
        self.cursor, self.qmark = cursor, qmark

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(_qmark(sql) if self.qmark else sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.cursor.executemany(_qmark(sql) if self.qmark else sql, rows)

    def fetchone(self) -> Any:
        return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return cast(list[Any], self.cursor.fetchall())


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a batch is built and written.

    Every object made for the batch (entries, rows, tuples) stays referenced until the batch is written,
    so a collection in between frees nothing, yet allocating that many objects sets off collections
    that walk every object of the process: measured, a third of record_many's time per entry. The
    collector runs again as usual afterwards; if something else had turned it off, it stays off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _append_cursor(db: BaseDatabaseWrapper) -> Iterator[Any]:
    """A cursor for an append's few statements.

    Appends are the hottest path of the system, and Django's cursor wrapper (placeholder conversion by
    regular expression, the query-log and async-safety checks, the execute wrappers) costs about as much
    per statement as SQLite's own insert. So they run on the driver's cursor of the same connection and
    transaction, inside Django's error translation (a failure still raises django.db's exceptions). While
    Django logs queries (DEBUG, CaptureQueriesContext), its own cursor is used, so the log stays complete.
    """
    if db.queries_logged:
        with db.cursor() as cursor:
            yield cursor
        return
    with db.wrap_database_errors:
        cursor = db.connection.cursor()
        try:
            yield _Native(cursor, db.vendor == "sqlite")
        finally:
            cursor.close()


@dataclass
class _Memory:
    """What one database connection remembers between appends, so that an append needs one query to start.

    `frontier` is (size, last leaf hash, peaks) as this connection left the tree. It is used only when the
    tree's last entry, read under the append lock, is still that size and leaf: entries are insert-only
    and every leaf carries a fresh random salt in its commitment, so another writer's append (or a rolled
    back one of ours followed by anyone's) shows as another last index or another last leaf hash.
    `checkpoint_at` is when the newest committed checkpoint this connection saw was issued; checkpoints
    only get newer, so while it is within the interval no checkpoint is due and none need be read.
    `indexed_to` likewise spares a query per commit while the lookup's tail is short.
    """

    frontier: tuple[int, bytes, tuple[bytes, ...]] | None = None
    checkpoint_at: datetime | None = None
    # How many entries the leaf-hash lookup covered when this connection last looked (it only grows).
    indexed_to: int | None = None
    prepared: _Prepared | None = None


@dataclass(frozen=True)
class _Prepared:
    """How this database takes an entry's values: the fields' own adapters, looked up once."""

    adapt_time: Callable[[datetime], Any]
    adapt_files: Callable[[list[str]], Any]
    no_files: Any  # an entry's empty `files` list, prepared once
    binary: Callable[[bytes], Any]  # what BinaryField.get_db_prep_value calls

    @classmethod
    def of(cls, db: BaseDatabaseWrapper) -> _Prepared:
        files_field = Entry._meta.get_field("files")
        return cls(
            # What DateTimeField.get_db_prep_save ends in for an aware time such as timezone.now().
            adapt_time=db.ops.adapt_datetimefield_value,
            adapt_files=lambda value: files_field.get_db_prep_save(value, db),
            no_files=files_field.get_db_prep_save([], db),
            binary=cast(Any, db).Database.Binary,
        )


_MEMORY: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _Memory] = weakref.WeakKeyDictionary()


def _memory(db: BaseDatabaseWrapper) -> _Memory:
    memory = _MEMORY.get(db)
    if memory is None:
        memory = _MEMORY[db] = _Memory()
    return memory


_LAST_ENTRY = 'SELECT "index", leaf_hash FROM ledger_entry ORDER BY "index" DESC LIMIT 1'


def _frontier(cursor: Any, memory: _Memory) -> merkle.Frontier:
    """The tree's frontier, under the append lock: from this connection's memory when its last entry is
    still the last, else from the stored peaks."""
    cursor.execute(_LAST_ENTRY)
    return _frontier_from(cursor.fetchone(), memory)


def _frontier_from(row: tuple[Any, ...] | None, memory: _Memory) -> merkle.Frontier:
    if row is None:
        return merkle.Frontier()
    size, last = int(row[0]) + 1, bytes(row[1])
    remembered = memory.frontier
    if remembered is not None and remembered[0] == size and remembered[1] == last:
        return merkle.Frontier(size=size, peaks=remembered[2])
    return merkle.Frontier(size=size, peaks=peaks(size))


_LOCK_APPEND = "SELECT pg_advisory_xact_lock(%s)"


@contextmanager
def _pipeline(db: BaseDatabaseWrapper, cursor: Any) -> Iterator[None]:
    """PostgreSQL on the driver's cursor: the statements inside are sent together and their results read at the
    end, one round trip instead of one each (psycopg's pipeline mode). Elsewhere, or on Django's cursor (a query
    log is kept), the statements run one by one as usual."""
    if db.vendor == "postgresql" and isinstance(cursor, _Native):
        with db.connection.pipeline():
            yield
    else:
        yield


def _locked_frontier(db: BaseDatabaseWrapper, cursor: Any, memory: _Memory, *, locked: bool) -> merkle.Frontier:
    """Take the append lock (unless `locked`) and read the tree's frontier under it.

    On PostgreSQL the lock and the read of the last entry go in one round trip: the server runs them in order,
    and the read, a statement of its own, takes its snapshot once the lock is held (READ COMMITTED), so it sees
    every append committed before. When other writers appended since this connection's last append, the stored
    peaks are read in one more statement. The lock is held until the transaction ends, as before: the index is in
    the leaf and must have no gap, so nobody may take the next one before this transaction commits or rolls back.
    """
    if db.vendor != "postgresql" or locked:
        if not locked:
            _lock(db)
        return _frontier(cursor, memory)
    if isinstance(cursor, _Native):
        with db.connection.pipeline():
            lock = db.connection.cursor()
            try:
                lock.execute(_LOCK_APPEND, [_APPEND_LOCK])
                cursor.execute(_LAST_ENTRY)
                row = cursor.fetchone()
            finally:
                lock.close()
        return _frontier_from(row, memory)
    _lock(db)
    return _frontier(cursor, memory)


# The entry's columns in the model's order, which is the order record_many builds its rows in.
_ENTRY_COLUMNS = [field.attname for field in Entry._meta.concrete_fields]
if _ENTRY_COLUMNS != [
    "index", "recorded_at", "actor_id", "actor_name", "agency_id", "action", "subject", "commitment", "files",
    "leaf", "leaf_hash",
]:  # fmt: skip
    raise ImproperlyConfigured(f"ledger_entry's columns changed to {_ENTRY_COLUMNS}: update record_many's rows")


@cache
def _insert_sql(vendor: str, table: str, columns: tuple[str, ...]) -> str:
    # Only quoted names and placeholders are formatted into the statement; the values go as parameters.
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    return f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608


def _insert(cursor: Any, db: BaseDatabaseWrapper, table: str, columns: Sequence[str], rows: list[Any]) -> None:
    """INSERT many rows with one prepared statement. Appends are the hottest path of the system; the ORM's
    bulk_create spends most of its time compiling SQL and building model instances, which this skips."""
    if rows:
        cursor.executemany(_insert_sql(db.vendor, table, tuple(columns)), rows)


def _entry_maker(alias: str) -> Callable[[tuple[Any, ...]], Entry]:
    """What makes an Entry as `Entry.from_db(alias, _ENTRY_COLUMNS, values)` does, without Model.__init__'s
    per-field work (its largest cost per entry in record_many). from_db itself is used whenever anything
    listens to the model's init signals, which the short way would skip; asked once per batch."""
    if pre_init.has_listeners(Entry) or post_init.has_listeners(Entry):
        return lambda values: Entry.from_db(alias, _ENTRY_COLUMNS, values)

    def make(values: tuple[Any, ...]) -> Entry:
        entry = Entry.__new__(Entry)
        entry.__dict__.update(zip(_ENTRY_COLUMNS, values, strict=True))
        state = entry._state = ModelState()
        state.adding = False
        state.db = alias
        return entry

    return make


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
    db = connections[DEFAULT_DB_ALIAS]  # the real connection, not the thread-local proxy, for the loops below
    if not db.in_atomic_block:
        raise NotInTransaction("ledger.record() must run inside the transaction of the change it records")
    if not acts:
        return []
    wanted = {digest.lower() for act in acts for digest in act.files}
    stored: dict[str, tuple[int, str]] = {}
    if wanted:
        # Files: the lock first, as before, so that the evidence cleanup (which takes it too) cannot remove a
        # file between this check and the entry that names it (uploads._lock_against_cleanup).
        _lock(db)
        # Size and content type are sealed into the leaf: a download and the evidence guards show them.
        stored = blob_rows(wanted)
        missing = sorted(wanted - set(stored))
        if missing:
            raise Refusal(f"证据文件 {missing[0][:12]}… 尚未上传到证据库，不能记入", field="files")
        # A file another agency recorded may be attached only by someone who may read it: citing a hash
        # must not be a way to reach a file outside one's scope.
        from zhifa.ledger.evidence_views import may_read

        for act in acts:
            for digest in act.files:
                if act.actor is not None and not may_read(act.actor, digest.lower()):
                    raise Refusal(f"证据文件 {digest[:12]}… 属于您管辖范围以外的记录，不能引用", field="files")
    memory = _memory(db)
    prepared = memory.prepared
    if prepared is None:
        prepared = memory.prepared = _Prepared.of(db)
    no_files, adapt_files, binary = prepared.no_files, prepared.adapt_files, prepared.binary
    salts = os.urandom(16 * len(acts))  # one system call for the batch's salts
    new_entry = _entry_maker(db.alias)
    with _collector_paused(), _append_cursor(db) as cursor:
        # Everything that does not depend on the entry's place in the tree is made before the append lock is
        # taken (the subject's state, the facts, their commitment, the sealed part and its hash): other writers
        # wait only for what does — the index, the time, the leaf, its hash, the subtrees and the rows.
        sealed_parts: list[tuple[str, str, int | None, str, int | None, str, str, str, list[str]]] = []
        for number, act in enumerate(acts):
            facts = act.facts
            subject = act.subject
            if isinstance(subject, str):
                key = subject
            else:
                state = snapshot(subject)
                if state is not None:
                    facts = {**facts, "state": state}
                key = subject_key(subject)
            facts_text = canonical.dumps(facts)
            commitment = commitment_of(salts[16 * number : 16 * number + 16], facts_text)
            files = sorted({digest.lower() for digest in act.files}) if act.files else []
            actor, agency = act.actor, act.agency
            actor_id = None if actor is None else actor.pk
            agency_id = None if agency is None else agency.pk
            actor_name = "" if actor is None else actor.get_full_name()
            described = [(digest, stored[digest][0], stored[digest][1]) for digest in files] if files else []
            sealed = sealed_text(actor_id, actor_name, agency_id, key, commitment, described)
            sealed_hash = hashlib.sha256(sealed.encode()).hexdigest()
            sealed_parts.append(
                (facts_text, key, actor_id, actor_name, agency_id, commitment, sealed_hash, act.action, files)
            )
        tree = _locked_frontier(db, cursor, memory, locked=bool(wanted))
        now = timezone.now()  # taken under the lock, so entries' times never go back as their indices go up
        time = leaf_time(now)  # one transaction, one time: every entry of the batch has it
        recorded_at = prepared.adapt_time(now)  # as the field would prepare it for this database
        start = tree.size
        entries: list[Entry] = []
        entry_rows: list[tuple[Any, ...]] = []
        facts_rows: list[tuple[int, str, Any]] = []
        file_rows: list[tuple[int, str]] = []
        hashes: list[bytes] = []
        for number, act in enumerate(acts):
            index = start + number
            facts_text, key, actor_id, actor_name, agency_id, commitment, sealed_hash, action, files = sealed_parts[
                number
            ]
            leaf = leaf_text_sealed(index, time, action, sealed_hash, files)
            leaf_hash = merkle.leaf_hash(leaf.encode())
            hashes.append(leaf_hash)
            values = (index, now, actor_id, actor_name, agency_id, action, key, commitment, files, leaf, leaf_hash)
            entry = new_entry(values)
            if act.actor is not None:
                Entry.actor.field.set_cached_value(entry, act.actor)
            if act.agency is not None:
                Entry.agency.field.set_cached_value(entry, act.agency)
            entries.append(entry)
            files_db = adapt_files(files) if files else no_files
            entry_rows.append((index, recorded_at, *values[2:8], files_db, leaf, binary(leaf_hash)))
            facts_rows.append((index, facts_text, binary(salts[16 * number : 16 * number + 16])))
            if files:
                file_rows.extend((index, digest) for digest in files)
        nodes: list[tuple[int, int, bytes]] = []
        tree.extend(hashes, nodes)
        with _pipeline(db, cursor):  # PostgreSQL: the four statements in one round trip
            _insert(cursor, db, "ledger_entry", _ENTRY_COLUMNS, entry_rows)
            _insert(cursor, db, "ledger_facts", ("entry_id", "facts", "salt"), facts_rows)
            _insert(cursor, db, "ledger_entry_file", ("entry_id", "sha256"), file_rows)
            _insert(
                cursor,
                db,
                "ledger_node",
                ("key", "level", "position", "hash"),
                [(node_key(level, position), level, position, binary(value)) for level, position, value in nodes],
            )
    memory.frontier = (tree.size, hashes[-1], tuple(tree.peaks))
    # One look at the lookup and the checkpoint per transaction is enough, however many entries it
    # appends: skip when the hook is already registered at this same savepoint level (Django keeps
    # (savepoint ids, func, robust)). Registered on the connection at hand, not through its lookup.
    here = set(db.savepoint_ids)
    if not any(hook[1] is _after_commit and hook[0] == here for hook in db.run_on_commit):
        db.on_commit(_after_commit)
    return entries


def _after_commit() -> None:
    """After a commit that appended: index the lookup's tail and sign a checkpoint, each when due.

    One hook for both (each costs a registration and a call per transaction, on the hottest path). The
    domain change is committed by then, so a failure to index is logged and not raised: the next commit's
    run starts where the lookup ends, and lookups scan the unindexed tail meanwhile. A failure to sign
    is raised, as before: the log must not grow unsigned without anyone hearing of it.
    """
    try:
        index_if_due()
    except Exception:
        logger.exception("ledger: the leaf-hash lookup could not be brought up to date after a commit")
    checkpoint_if_due()


# ------------------------------------------------------------------------------ the leaf-hash lookup


def leaf_prefix(leaf_hash: bytes) -> int:
    """The key of the leaf-hash lookup: the hash's first 8 bytes as a signed big-endian integer."""
    return int.from_bytes(leaf_hash[:8], "big", signed=True)


_INDEXED_TO = "SELECT MAX(entry_index) FROM ledger_leaf_index"


def _indexed_to(cursor: Any) -> int:
    """How many entries the lookup covers: runs always start at the first entry not yet indexed."""
    cursor.execute(_INDEXED_TO)
    last = cursor.fetchone()[0]
    return 0 if last is None else int(last) + 1


def index_leaves(limit: int | None = None) -> int:
    """Add the entries not yet in the leaf-hash lookup to it (at most `limit`), in one transaction, in the
    order of their keys, so that the run dirties each page of the lookup's index at most once. Returns how
    many entries it indexed. Runs are serialised (the database lock on SQLite, an advisory lock on
    PostgreSQL) and each starts where the last ended, so the lookup covers entries 0 … n-1, no gaps."""
    db = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_INDEX_LOCK])
        start = _indexed_to(cursor)
        query = 'SELECT "index", leaf_hash FROM ledger_entry WHERE "index" >= %s ORDER BY "index"'
        if limit is None:
            cursor.execute(query, [start])
        else:
            cursor.execute(query + " LIMIT %s", [start, limit])
        keyed = sorted((leaf_prefix(bytes(value)), index) for index, value in cursor.fetchall())
        _insert(cursor, db, "ledger_leaf_index", ("entry_index", "prefix"), [(i, key) for key, i in keyed])
        done = start + len(keyed)
        transaction.on_commit(lambda: _remember_indexed(done), using=db.alias)
    return len(keyed)


def _remember_indexed(done: int) -> None:
    db = connections[DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        memory = _memory(db)
        memory.indexed_to = max(done, memory.indexed_to or 0)


def index_if_due() -> None:
    """After a commit: index the lookup's tail when it reached LEDGER_LOOKUP_LAG entries.

    Costs no query while this connection knows the tail is shorter; one read when it may have grown
    that long (another connection may have indexed it meanwhile); a run when it has."""
    db = connections[DEFAULT_DB_ALIAS]
    memory = _memory(db)
    if memory.frontier is None:
        return
    lag = settings.LEDGER_LOOKUP_LAG
    if memory.indexed_to is not None and memory.frontier[0] - memory.indexed_to < lag:
        return
    with db.cursor() as cursor:
        memory.indexed_to = _indexed_to(cursor)
    if memory.frontier[0] - memory.indexed_to >= lag:
        # A bounded run: a bulk import far ahead of the lookup is caught up over the next commits.
        index_leaves(limit=8 * lag)


# The indexed part through the lookup (its key, then the whole hash on the entry), and every entry past the last
# indexed one by scanning that tail. The last indexed is read first and given as a value: as a subquery PostgreSQL
# could not know the tail is short and planned a parallel scan (~6 ms of starting workers per look-up). Runs only
# add to the lookup, from its end: every entry up to that last one is still indexed when the look-up runs, every
# later one is in the tail, so a look-up never misses one; an entry indexed in between is in both, and UNION
# keeps it once.
_LAST_INDEXED = "SELECT COALESCE(MAX(entry_index), -1) FROM ledger_leaf_index"
_LOOKUP = (
    'SELECT "index" FROM ledger_entry WHERE leaf_hash = %s AND "index" IN '
    "(SELECT entry_index FROM ledger_leaf_index WHERE prefix = %s) "
    'UNION SELECT "index" FROM ledger_entry WHERE leaf_hash = %s AND "index" > %s '
    "ORDER BY 1"
)


def leaf_indices(leaf_hash: bytes) -> list[int]:
    """The indices of the entries with this leaf hash (one, or none), committed ones included at once."""
    if len(leaf_hash) != 32:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    value = cast(Any, db).Database.Binary(leaf_hash)
    with db.cursor() as cursor:
        cursor.execute(_LAST_INDEXED)
        (last,) = cursor.fetchone()
        cursor.execute(_LOOKUP, [value, leaf_prefix(leaf_hash), value, last])
        return [int(row[0]) for row in cursor.fetchall()]


def entry_by_leaf_hash(leaf_hash: bytes) -> Entry | None:
    indices = leaf_indices(leaf_hash)
    return Entry.objects.filter(index=indices[0]).first() if indices else None


def root(size: int) -> bytes:
    return merkle.root_from_peaks(peaks(size))


@transaction.atomic
def checkpoint_issue() -> Checkpoint:
    """Sign the tree as it stands now (when it grew since the last checkpoint; else return the last)."""
    _lock(connections[DEFAULT_DB_ALIAS])
    size = tree_size()
    last = Checkpoint.objects.order_by("-pk").first()
    if last is not None and last.size == size:
        return last
    tree_root = root(size)
    note = sign_checkpoint(CheckpointBody(settings.LEDGER_ORIGIN, size, tree_root), signer())
    issued = Checkpoint.objects.create(size=size, root=tree_root, issued_at=timezone.now(), note=note)
    transaction.on_commit(lambda: _remember_checkpoint(issued.issued_at))
    return issued


def _remember_checkpoint(issued_at: datetime) -> None:
    # Only what is committed: a checkpoint read or written inside a transaction may yet be rolled back.
    db = connections[DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        _memory(db).checkpoint_at = issued_at


def checkpoint_if_due() -> None:
    """After a commit: sign a new checkpoint when the last one is older than LEDGER_CHECKPOINT_MINUTES.

    Reads the checkpoint table only when the newest checkpoint this connection knows of is that old: the
    one-entry transaction is the common case, and this would otherwise be one more query for each.
    """
    due = timezone.now() - timedelta(minutes=settings.LEDGER_CHECKPOINT_MINUTES)
    known = _memory(connections[DEFAULT_DB_ALIAS]).checkpoint_at
    if known is not None and known > due:
        return
    last = Checkpoint.objects.order_by("-pk").values_list("issued_at", flat=True).first()
    if last is None or last <= due:
        checkpoint_issue()
    else:
        _remember_checkpoint(last)


def latest_checkpoint() -> Checkpoint | None:
    """The newest checkpoint signed, or None before the first. Never signs: public reads call this, and
    checkpoints are made only on the service's own schedule (checkpoint_if_due after commits, the
    `zhifa ledger checkpoint` timer), never because a visitor asked."""
    return Checkpoint.objects.order_by("-pk").first()


def inclusion_proof(index: int, size: int) -> list[bytes]:
    if not 0 <= index < size <= tree_size():
        raise ValueError(f"no entry {index} in a tree of {size}")
    return _prefetched(lambda get: merkle.inclusion_proof(index, size, get))


def consistency_proof(size1: int, size2: int) -> list[bytes]:
    if not 0 < size1 <= size2 <= tree_size():
        raise ValueError(f"no consistency proof from {size1} to {size2}")
    return _prefetched(lambda get: merkle.consistency_proof(size1, size2, get))
