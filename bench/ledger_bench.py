"""Ledger benchmark: Zhifa's Merkle log beside pymerkle 7 and bare hashlib/sqlite3, on the same data, in one run.

    .venv/bin/python bench/ledger_bench.py [--quick] [--size N] [--profile DIR]

What it measures (see bench/README.md and docs/performance.md):

(a) appends per second, one transaction each and batched, for `ledger.services.record()` against
    pymerkle 7's `SqliteTree` and a bare hashlib + sqlite3 loop with the same durability settings, and
    against bare sqlite3 writing record()'s own rows into the ledger's tables (the schema's floor);
(b) inclusion and consistency proofs per second at N/10 and N entries (default N = 10**6), against
    pymerkle at the same sizes, and a projection to 10 N;
(c) full verification (`verify_ledger`) in leaves per second against a bare hashlib loop.

Everything runs in a fresh ZHIFA_DATA_DIR (SQLite, WAL, synchronous=FULL, BEGIN IMMEDIATE: Zhifa's own
settings), removed at the end unless --keep is given. The tree of N entries is written with bulk inserts
computed by `merkle.Frontier` (record() would take an hour or more at 10**6) and then checked: its stored root
against `merkle.root` over every leaf hash, pymerkle's root over the same leaf bytes, and verify_ledger.

pymerkle is GPL-3.0-or-later: it is a bench-only dependency (`pip install -e '.[bench]'`), never imported by zhifa.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import hashlib
import os
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

SEED = 20261123
ACTIONS = ("case.opened", "case.evidence_added", "penalty.decided", "penalty.served", "case.closed")


@dataclass(frozen=True)
class Plan:
    """How much to do. `--quick` is a smoke run; the default is the full run behind docs/performance.md."""

    size: int
    single: int  # appends, one transaction each
    batches: int  # batched appends: this many transactions ...
    batch: int  # ... of this many record() calls each
    proofs: int  # proofs per kind and size
    fill_chunk: int = 50_000
    rounds: int = 10  # the single appends are made in this many rounds, taking turns with the baselines


@dataclass(frozen=True)
class Row:
    measure: str
    zhifa: float
    baseline_name: str
    baseline: float
    target: str
    passed: bool | None  # None: no target, shown for comparison only


_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def power_label(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"10^{exponent}" if n == 10**exponent else f"{n:,}"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.system()} {platform.release()}"
    )


class Profiler:
    """With --profile DIR, each Zhifa measurement also runs under cProfile (slower) and is dumped to DIR."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.profiles: dict[str, cProfile.Profile] = {}
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        if self.directory is None:
            yield
            return
        # A section entered again (the rounds of single appends) adds to the same profile.
        profile = self.profiles.setdefault(name, cProfile.Profile())
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            profile.dump_stats(str(self.directory / f"{name}.prof"))


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


# --------------------------------------------------------------------------------------------- setup


def setup_django(data_dir: Path) -> None:
    os.environ["ZHIFA_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhifa.settings"
    os.environ.setdefault("ZHIFA_LOG_LEVEL", "WARNING")
    for name in ("DATABASE_URL", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_EVIDENCE_STORAGE"):
        os.environ.pop(name, None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def open_durable(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with Zhifa's durability settings; transactions are managed by hand."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    return con


# --------------------------------------------------------------------------------------- filling


@dataclass
class Filled:
    leaves: list[bytes]  # leaf data exactly as hashed
    hashes: list[bytes]  # RFC 6962 leaf hashes


ENTRY_SQL = (
    'INSERT INTO ledger_entry ("index", recorded_at, actor_id, actor_name, agency_id, action, subject, '
    "commitment, files, leaf, leaf_hash) VALUES (?, ?, NULL, '', NULL, ?, ?, ?, ?, ?, ?)"
)
FACTS_SQL = "INSERT INTO ledger_facts (entry_id, facts, salt) VALUES (?, ?, ?)"
NODE_SQL = 'INSERT INTO ledger_node ("key", level, position, hash) VALUES (?, ?, ?, ?)'
LOOKUP_SQL = "INSERT INTO ledger_leaf_index (entry_index, prefix) VALUES (?, ?)"


def lookup_rows(first: int, hashes: Sequence[bytes]) -> list[tuple[int, int]]:
    """The leaf-hash lookup's rows for entries first, first+1, ..., in the order a run inserts them (by key)."""
    from zhifa.ledger.services import leaf_prefix

    return sorted(((first + n, leaf_prefix(h)) for n, h in enumerate(hashes)), key=lambda row: row[1])


@dataclass
class Rows:
    """Rows for the ledger's tables, exactly as record() would write them, for raw sqlite3 inserts."""

    entries: list[tuple[Any, ...]]
    facts: list[tuple[Any, ...]]
    nodes: list[list[tuple[int, int, int, bytes]]]  # per entry: the subtrees it completes, as rows
    leaves: list[bytes]
    hashes: list[bytes]


def ledger_rows(start: int, stop: int, tree: Any, cases: int, *, growing: bool = False) -> Rows:
    """The entries [start, stop) on top of the `merkle.Frontier` `tree` (which they extend), with their facts
    and nodes. The leaf is `services.leaf_data()` of the entry, the commitment covers its facts and salt.
    Subjects repeat (ten entries per case on average), as a case collects several entries over its life:
    scattered over `cases` cases, or, with `growing`, ten in a row per subject as the appends measured
    beside them make theirs (so that both write the `subject` index in the same pattern)."""
    from django.db import connection

    from zhifa.ledger import canonical, merkle, services
    from zhifa.ledger.models import Entry, node_key

    time_field = Entry._meta.get_field("recorded_at")
    files_db = Entry._meta.get_field("files").get_db_prep_save([], connection)
    base = datetime(2026, 1, 5, 1, 30, tzinfo=UTC)
    rows = Rows([], [], [], [], [])
    for index in range(start, stop):
        case = (index * 7919) % cases
        facts_text = canonical.dumps(
            {"amount_fen": (index * 7127) % 5_000_000, "case": case, "note": "现场检查，当事人在场", "seq": index}
        )
        salt = hashlib.sha256(b"bench-salt" + index.to_bytes(8, "big")).digest()[:16]
        entry = Entry(
            index=index,
            recorded_at=base + timedelta(seconds=index * 13, microseconds=index % 999_983),
            actor=None,
            agency=None,
            action=ACTIONS[index % len(ACTIONS)],
            subject=f"bench.floor:{index // 10}" if growing else f"bench.case:{case}",
            commitment=services.commitment_of(salt, facts_text),
            files=[],
        )
        leaf = services.leaf_data(entry).encode()
        leaf_hash = merkle.leaf_hash(leaf)
        completed: list[tuple[int, int, bytes]] = []
        tree.extend([leaf_hash], completed)
        rows.entries.append(
            (
                index,
                time_field.get_db_prep_save(entry.recorded_at, connection),
                entry.action,
                entry.subject,
                entry.commitment,
                files_db,
                leaf.decode(),
                leaf_hash,
            )
        )
        rows.facts.append((index, facts_text, salt))
        rows.nodes.append([(node_key(level, position), level, position, value) for level, position, value in completed])
        rows.leaves.append(leaf)
        rows.hashes.append(leaf_hash)
    return rows


def fill_ledger(plan: Plan) -> Filled:
    """Write `plan.size` entries, their facts, their subtree nodes (`ledger_rows`) and their rows in the
    leaf-hash lookup with bulk inserts."""
    from django.db import connection, transaction

    from zhifa.ledger import merkle

    cases = max(1, plan.size // 10)
    tree = merkle.Frontier()
    filled = Filled([], [])
    for start in range(0, plan.size, plan.fill_chunk):
        rows = ledger_rows(start, min(start + plan.fill_chunk, plan.size), tree, cases)
        with transaction.atomic():
            raw = connection.connection
            raw.executemany(ENTRY_SQL, rows.entries)
            raw.executemany(FACTS_SQL, rows.facts)
            raw.executemany(NODE_SQL, [node for nodes in rows.nodes for node in nodes])
            raw.executemany(LOOKUP_SQL, lookup_rows(start, rows.hashes))  # as the after-commit runs leave it
        filled.leaves.extend(rows.leaves)
        filled.hashes.extend(rows.hashes)
        if start and start % (plan.fill_chunk * 4) == 0:
            log(f"  filled {start:,} / {plan.size:,}")
    connection.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return filled


def check_fill(plan: Plan, filled: Filled, rng: random.Random) -> bytes:
    """The stored tree must be the tree of the leaves: roots at the full size and at sampled sizes."""
    from zhifa.ledger import merkle, services
    from zhifa.ledger.models import Entry

    if services.tree_size() != plan.size:
        raise SystemExit(f"fill: tree_size() is {services.tree_size()}, expected {plan.size}")
    full_root = merkle.root(filled.hashes)
    if services.root(plan.size) != full_root:
        raise SystemExit("fill: services.root(size) differs from merkle.root over all leaf hashes")
    for size in sorted({1, 2, 3, plan.size // 10, plan.size - 1, *(rng.randrange(1, plan.size) for _ in range(3))}):
        if size > 0 and services.root(size) != merkle.root(filled.hashes[:size]):
            raise SystemExit(f"fill: services.root({size}) differs from merkle.root over its leaf hashes")
    for index in (0, plan.size // 2, plan.size - 1):
        entry = Entry.objects.get(index=index)
        if services.leaf_data(entry) != entry.leaf or entry.leaf.encode() != filled.leaves[index]:
            raise SystemExit(f"fill: entry {index} does not rebuild to its leaf")
    return full_root


def fill_pymerkle(path: Path, filled: Filled) -> Any:
    from pymerkle import SqliteTree  # type: ignore[import-untyped]

    tree = SqliteTree(str(path))
    # pymerkle's own defaults are a rollback journal; give it Zhifa's WAL + FULL so commits cost the same.
    tree.con.execute("PRAGMA journal_mode=WAL")
    tree.con.execute("PRAGMA synchronous=FULL")
    tree.append_entries(filled.leaves)
    tree.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return tree


# ---------------------------------------------------------------------------------------- proofs


@dataclass(frozen=True)
class ProofTimes:
    size: int
    zhifa_inclusion: float  # seconds per proof
    zhifa_consistency: float
    pymerkle_inclusion: float  # warm: its subroot cache primed by a first pass over the same queries
    pymerkle_consistency: float
    pymerkle_inclusion_cold: float
    pymerkle_consistency_cold: float
    reads_inclusion: float  # stored nodes read per proof (get_node calls), on average
    reads_consistency: float


def node_reads(kind: str, size: int, queries: Sequence[int]) -> float:
    """Average number of get_node calls (stored rows read) per proof, counted with a dummy store."""
    from zhifa.ledger import merkle

    count = 0

    def get_node(level: int, position: int) -> bytes:
        nonlocal count
        count += 1
        return bytes(32)

    for query in queries:
        if kind == "inclusion":
            merkle.inclusion_proof(query, size, get_node)
        else:
            merkle.consistency_proof(query, size, get_node)
    return count / len(queries)


def measure_proofs(
    size: int, plan: Plan, filled: Filled, tree: Any, rng: random.Random, profiler: Profiler
) -> ProofTimes:
    from zhifa.ledger import merkle, services

    label = power_label(size)
    indices = [rng.randrange(size) for _ in range(plan.proofs)]
    olds = [rng.randrange(1, size) for _ in range(plan.proofs)]
    root = services.root(size)

    def zhifa_inclusion() -> None:
        for index in indices:
            services.inclusion_proof(index, size)

    def zhifa_consistency() -> None:
        for old in olds:
            services.consistency_proof(old, size)

    def pymerkle_inclusion() -> None:
        for index in indices:
            tree.prove_inclusion(index + 1, size)

    def pymerkle_consistency() -> None:
        for old in olds:
            tree.prove_consistency(old, size)

    # Correctness first, untimed: Zhifa's proofs verify, and pymerkle's paths are the same hashes.
    for index in indices[:50]:
        proof = services.inclusion_proof(index, size)
        merkle.verify_inclusion(filled.hashes[index], index, size, proof, root)
        if list(tree.prove_inclusion(index + 1, size).path[1:]) != proof:
            raise SystemExit(f"proofs: pymerkle's inclusion path for {index} at {size} differs from Zhifa's")
    for old in olds[:20]:
        proof = services.consistency_proof(old, size)
        merkle.verify_consistency(old, size, proof, services.root(old), root)

    log(f"  proofs at {label}: Zhifa")
    with profiler.section(f"proof_inclusion_{size}"):
        zi = timed(zhifa_inclusion)
    with profiler.section(f"proof_consistency_{size}"):
        zc = timed(zhifa_consistency)
    log(f"  proofs at {label}: pymerkle (cold pass, then warm)")
    tree.cache_clear()
    pi_cold = timed(pymerkle_inclusion)
    pi = timed(pymerkle_inclusion)
    tree.cache_clear()
    pc_cold = timed(pymerkle_consistency)
    pc = timed(pymerkle_consistency)
    n = plan.proofs
    return ProofTimes(
        size=size,
        zhifa_inclusion=zi / n,
        zhifa_consistency=zc / n,
        pymerkle_inclusion=pi / n,
        pymerkle_consistency=pc / n,
        pymerkle_inclusion_cold=pi_cold / n,
        pymerkle_consistency_cold=pc_cold / n,
        reads_inclusion=node_reads("inclusion", size, indices),
        reads_consistency=node_reads("consistency", size, olds),
    )


def projected_reads(kind: str, size: int, rng: random.Random, samples: int = 2000) -> float:
    if kind == "inclusion":
        return node_reads(kind, size, [rng.randrange(size) for _ in range(samples)])
    return node_reads(kind, size, [rng.randrange(1, size) for _ in range(samples)])


# -------------------------------------------------------------------------------------- verifying


def bare_verify(leaves: Sequence[bytes]) -> bytes:
    """The floor: SHA-256(0x00 || leaf) for every leaf, then the root level by level, nothing else."""
    sha256 = hashlib.sha256
    level = [sha256(b"\x00" + leaf).digest() for leaf in leaves]
    while len(level) > 1:
        paired = [sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def verify_tree_part(leaves: Sequence[bytes], batch: int = 2000) -> bytes:
    """verify_ledger's leaf-hash-and-root step (verify.py: merkle.leaf_hash per leaf, then Frontier.extend
    per batch, the completed subtrees collected for comparison), in memory."""
    from zhifa.ledger import merkle

    leaf_hash = merkle.leaf_hash
    tree = merkle.Frontier()
    completed: list[tuple[int, int, bytes]] = []
    for start in range(0, len(leaves), batch):
        tree.extend([leaf_hash(leaf) for leaf in leaves[start : start + batch]], completed)
        completed.clear()
    return tree.root()


def merkle_in_memory(leaves: Sequence[bytes]) -> bytes:
    from zhifa.ledger import merkle

    return merkle.root([merkle.leaf_hash(leaf) for leaf in leaves])


# --------------------------------------------------------------------------------------- appending


@dataclass(frozen=True)
class AppendTimes:
    zhifa_single: float  # appends per second
    zhifa_batched: float
    pymerkle_single: float
    pymerkle_batched: float
    bare_single: float
    bare_batched: float
    rows_single: float  # record()'s rows written by bare sqlite3 into the ledger's tables, lookup runs included
    rows_batched: float
    commit_single: float  # Zhifa's appends/s counting only the transactions, without the lookup's runs
    commit_batched: float
    index_single: float  # seconds the lookup's runs took for the entries of each phase
    index_batched: float


def _raw_connection() -> Any:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection  # Django's own sqlite3 connection: WAL, synchronous=FULL, autocommit here


def floor_rows(count: int, plan: Plan) -> tuple[Rows, Any]:
    """The rows record() would write for the next `count` entries (`ledger_rows`, subjects growing as the
    measured appends' do), and the tree they will make."""
    from zhifa.ledger import merkle, services

    size = services.tree_size()
    tree = merkle.Frontier(size=size, peaks=services.peaks(size))
    return ledger_rows(size, size + count, tree, max(1, plan.size // 10), growing=True), tree


def write_floor_single(rows: Rows) -> None:
    """SQLite alone writing exactly the rows record() writes — an entry with its indexes, its facts, the
    subtrees it completes — into the ledger's own tables, one durable transaction per entry, with no Python
    beyond building the rows beforehand: the floor for this schema, whatever code writes it. The entries
    are valid appends, so the ledger stays whole; their rows in the leaf-hash lookup are left to the runs
    made after the rounds."""
    raw = _raw_connection()
    for entry, facts, nodes in zip(rows.entries, rows.facts, rows.nodes, strict=True):
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(ENTRY_SQL, entry)
        raw.execute(FACTS_SQL, facts)
        raw.executemany(NODE_SQL, nodes)
        raw.execute("COMMIT")


def check_floor(tree: Any) -> None:
    from zhifa.ledger import services

    if services.tree_size() != tree.size or services.root(tree.size) != tree.root():
        raise SystemExit("appends: the rows written by bare sqlite3 did not make the expected tree")


def measure_floor_batched(plan: Plan) -> float:
    """The floor (`write_floor_single`) for batches: one transaction per batch, then the entries' rows in
    the leaf-hash lookup in the runs the system makes (`lookup_runs`)."""
    from zhifa.ledger import services

    total = plan.batches * plan.batch
    size = services.tree_size()
    rows, tree = floor_rows(total, plan)
    runs = lookup_runs(size, rows.hashes)
    raw = _raw_connection()

    def write_batched() -> None:
        for start in range(0, total, plan.batch):
            stop = start + plan.batch
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(ENTRY_SQL, rows.entries[start:stop])
            raw.executemany(FACTS_SQL, rows.facts[start:stop])
            raw.executemany(NODE_SQL, [node for nodes in rows.nodes[start:stop] for node in nodes])
            raw.execute("COMMIT")
        for run in runs:
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(LOOKUP_SQL, run)
            raw.execute("COMMIT")

    seconds = timed(write_batched)
    check_floor(tree)
    if services.index_leaves() != 0:
        raise SystemExit("appends: the lookup rows written by bare sqlite3 did not cover their entries")
    return total / seconds


def lookup_runs(first: int, hashes: Sequence[bytes]) -> list[list[tuple[int, int]]]:
    """The lookup rows for entries first, ... in the runs `services.index_leaves(limit=LEDGER_LOOKUP_LAG)`
    makes when it catches up on them: LEDGER_LOOKUP_LAG entries each, the last one shorter."""
    from django.conf import settings

    lag = settings.LEDGER_LOOKUP_LAG
    return [lookup_rows(first + start, hashes[start : start + lag]) for start in range(0, len(hashes), lag)]


def catch_up() -> float:
    """Seconds `services.index_leaves` takes to put every entry not yet in the leaf-hash lookup into it, in
    runs of LEDGER_LOOKUP_LAG entries (the most the system lets wait before a commit makes a run)."""
    from django.conf import settings

    from zhifa.ledger import services

    start = time.perf_counter()
    while services.index_leaves(limit=settings.LEDGER_LOOKUP_LAG):
        pass
    return time.perf_counter() - start


@contextmanager
def lookup_runs_held() -> Iterator[None]:
    """Hold back the runs the commits would make, so that they can be timed apart (`catch_up`)."""
    from django.conf import settings

    lag = settings.LEDGER_LOOKUP_LAG
    settings.LEDGER_LOOKUP_LAG = 10**15
    try:
        yield
    finally:
        settings.LEDGER_LOOKUP_LAG = lag


def measure_appends(plan: Plan, tree: Any, bare_path: Path, profiler: Profiler) -> AppendTimes:
    """Append on top of the filled tree: Zhifa first, then the same leaf bytes to pymerkle and bare sqlite3."""
    from django.db import transaction

    from zhifa.ledger import services
    from zhifa.ledger.models import Entry

    counter = iter(range(10**12))

    def one_act() -> services.Act:
        seq = next(counter)
        return services.Act(
            actor=None,
            action=ACTIONS[seq % len(ACTIONS)],
            subject=f"bench.append:{seq // 10}",
            facts={"amount_fen": seq * 7127 % 5_000_000, "note": "现场检查，当事人在场", "seq": seq},
        )

    def one_record() -> None:
        act = one_act()
        services.record(actor=act.actor, action=act.action, subject=act.subject, facts=act.facts)

    with transaction.atomic():  # warm-up: first query plans, the signing key, the on_commit checkpoint check
        one_record()
    first = services.tree_size()
    tree.append_entry(Entry.objects.get(index=first - 1).leaf.encode())  # pymerkle keeps the same tree

    def zhifa_single(count: int) -> None:
        for _ in range(count):
            with transaction.atomic():
                one_record()

    def zhifa_batched() -> None:
        # A bulk change records its acts with record_many: one read of the frontier, one INSERT per table.
        for _ in range(plan.batches):
            acts = [one_act() for _ in range(plan.batch)]
            with transaction.atomic():
                services.record_many(acts)

    def leaves_from(index: int) -> list[bytes]:
        rows = Entry.objects.filter(index__gte=index).order_by("index").values_list("leaf", flat=True)
        return [leaf.encode() for leaf in rows]

    bare = open_durable(bare_path)
    bare.execute("CREATE TABLE leaf (idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL, hash BLOB NOT NULL)")
    position = iter(range(10**12))

    def insert(leaf: bytes) -> None:
        bare.execute(
            "INSERT INTO leaf (idx, leaf, hash) VALUES (?, ?, ?)",
            (next(position), leaf, hashlib.sha256(b"\x00" + leaf).digest()),
        )

    def bare_single(leaves: Sequence[bytes]) -> None:
        for leaf in leaves:
            bare.execute("BEGIN IMMEDIATE")
            insert(leaf)
            bare.execute("COMMIT")

    def pymerkle_single(leaves: Sequence[bytes]) -> None:
        for leaf in leaves:
            tree.append_entry(leaf)

    # One transaction per append is bound by the disk's durable commits, whose rate drifts from second to
    # second on this machine: Zhifa, the schema's floor (its rows by bare sqlite3), pymerkle and bare
    # sqlite3 therefore take turns, a round of appends each, so that all of them see the same disk. The
    # lookup's runs are held back during the rounds and timed after them (`catch_up`) for Zhifa's entries
    # and the floor's together, half charged to each (they are as many); the rates the targets are judged
    # on include them, and Zhifa's transactions alone are shown too.
    catch_up()
    per_round = plan.single // plan.rounds
    log(f"  appends: {plan.rounds} rounds of {per_round:,} transactions of one: Zhifa, floor, pymerkle, bare")
    z_single = f_single = p_single = b_single = 0.0
    with lookup_runs_held():
        for _ in range(plan.rounds):
            start = services.tree_size()
            with profiler.section("append_single"):
                z_single += timed(lambda: zhifa_single(per_round))
            leaves = leaves_from(start)
            floor, floor_tree = floor_rows(per_round, plan)
            f_single += timed(lambda: write_floor_single(floor))  # noqa: B023 - called at once, in this round
            check_floor(floor_tree)
            p_single += timed(lambda: pymerkle_single(leaves))  # noqa: B023
            tree.append_entries(floor.leaves)  # untimed: pymerkle keeps the ledger's tree
            b_single += timed(lambda: bare_single(leaves))  # noqa: B023
    with profiler.section("append_single_lookup"):
        i_single = catch_up() / 2
    middle = services.tree_size()
    log(f"  appends: Zhifa record_many(), {plan.batches} transactions of {plan.batch:,}")
    with profiler.section("append_batched"), lookup_runs_held():
        z_batched = timed(zhifa_batched)
    with profiler.section("append_batched_lookup"):
        i_batched = catch_up()
    last = services.tree_size()
    single_total = plan.rounds * per_round
    if (middle - first, last - middle) != (2 * single_total, plan.batches * plan.batch):
        raise SystemExit("appends: record()/record_many() did not append one entry per act")
    batched_leaves = leaves_from(middle)
    chunks = [batched_leaves[i : i + plan.batch] for i in range(0, len(batched_leaves), plan.batch)]

    log("  appends: pymerkle append_entries, bare hashlib + sqlite3 batched")

    def pymerkle_batched() -> None:
        for chunk in chunks:
            tree.append_entries(chunk)

    def bare_batched() -> None:
        for chunk in chunks:
            bare.execute("BEGIN IMMEDIATE")
            for leaf in chunk:
                insert(leaf)
            bare.execute("COMMIT")

    p_batched = timed(pymerkle_batched)
    # Same leaves, same hashes, same tree: pymerkle's root must now be the ledger's.
    if tree.get_root() != services.root(last):
        raise SystemExit("appends: pymerkle's root differs from the ledger's after the same appends")
    b_batched = timed(bare_batched)
    bare.close()
    log("  appends: record()'s rows by bare sqlite3 into the ledger's tables")
    rows_batched = measure_floor_batched(plan)
    batched_total = plan.batches * plan.batch
    return AppendTimes(
        zhifa_single=single_total / (z_single + i_single),
        zhifa_batched=batched_total / (z_batched + i_batched),
        pymerkle_single=single_total / p_single,
        pymerkle_batched=batched_total / p_batched,
        bare_single=single_total / b_single,
        bare_batched=batched_total / b_batched,
        rows_single=single_total / (f_single + i_single),
        rows_batched=rows_batched,
        commit_single=single_total / z_single,
        commit_batched=batched_total / z_batched,
        index_single=i_single,
        index_batched=i_batched,
    )


# ------------------------------------------------------------------------------------------ report


def render(rows: Sequence[Row]) -> str:
    def rate(value: float) -> str:
        return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"

    header = ("measure", "zhifa", "baseline", "baseline value", "ratio", "target", "result")
    body = [
        (
            row.measure,
            rate(row.zhifa),
            row.baseline_name,
            rate(row.baseline),
            f"{row.zhifa / row.baseline:.2f}",
            row.target,
            {True: "PASS", False: "MISS", None: "info"}[row.passed],
        )
        for row in rows
    ]
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]
    numeric = {1, 3, 4}

    def line(cells: Sequence[str]) -> str:
        padded = [cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i]) for i, cell in enumerate(cells)]
        return "| " + " | ".join(padded) + " |"

    separator = "|" + "|".join(("-" * (w + 1) + ":") if i in numeric else "-" * (w + 2) for i, w in enumerate(widths))
    return "\n".join([line(header), separator + "|", *(line(cells) for cells in body)])


def proof_rows(times: ProofTimes, projected: bool = False) -> list[Row]:
    label = power_label(times.size) + (" (projected)" if projected else "")
    rows = []
    for kind, zhifa, theirs, reads in (
        ("inclusion", times.zhifa_inclusion, times.pymerkle_inclusion, times.reads_inclusion),
        ("consistency", times.zhifa_consistency, times.pymerkle_consistency, times.reads_consistency),
    ):
        rows.append(
            Row(
                f"{kind} proofs/s at {label}, {reads:.1f} node reads, {zhifa * 1000:.3f} ms each",
                1 / zhifa,
                "pymerkle 7, warm cache",
                1 / theirs,
                ">= 1,000/s (< 1 ms)",
                zhifa < 0.001,
            )
        )
    return rows


def project(times: ProofTimes, size: int, rng: random.Random) -> ProofTimes:
    """Proof cost is one indexed row read per node (+ one for tree_size()): scale the measured time by reads."""
    inclusion = projected_reads("inclusion", size, rng)
    consistency = projected_reads("consistency", size, rng)
    scale_i = (inclusion + 1) / (times.reads_inclusion + 1)
    scale_c = (consistency + 1) / (times.reads_consistency + 1)
    return ProofTimes(
        size=size,
        zhifa_inclusion=times.zhifa_inclusion * scale_i,
        zhifa_consistency=times.zhifa_consistency * scale_c,
        pymerkle_inclusion=times.pymerkle_inclusion * scale_i,
        pymerkle_consistency=times.pymerkle_consistency * scale_c,
        pymerkle_inclusion_cold=times.pymerkle_inclusion_cold * scale_i,
        pymerkle_consistency_cold=times.pymerkle_consistency_cold * scale_c,
        reads_inclusion=inclusion,
        reads_consistency=consistency,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke run: 10^4 entries and fewer repetitions")
    parser.add_argument("--size", type=int, help="entries in the tree for proofs and verify (default 10^6)")
    parser.add_argument("--profile", type=Path, metavar="DIR", help="also run Zhifa's parts under cProfile into DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args(argv)
    if args.quick:
        plan = Plan(size=10**4, single=300, batches=5, batch=200, proofs=300, fill_chunk=5_000, rounds=3)
    else:
        plan = Plan(size=10**6, single=3_000, batches=20, batch=1_000, proofs=2_000)
    if args.size is not None:
        if args.size < 100:
            parser.error("--size must be at least 100")
        plan = dataclasses.replace(plan, size=args.size)
    profiler = Profiler(args.profile)
    rng = random.Random(SEED)  # noqa: S311 - reproducible choice of proof queries, not cryptography

    data_dir = Path(tempfile.mkdtemp(prefix="zhifa-bench-"))
    started = time.perf_counter()
    try:
        log(f"data in {data_dir}; {machine()}")
        setup_django(data_dir)

        from django.conf import settings

        from zhifa.ledger import services
        from zhifa.ledger.verify import verify_ledger

        log(f"filling the ledger with {plan.size:,} entries (bulk inserts computed with merkle.Frontier)")
        start = time.perf_counter()
        filled = fill_ledger(plan)
        fill_seconds = time.perf_counter() - start
        full_root = check_fill(plan, filled, rng)
        services.checkpoint_issue()
        log(f"  filled and checked in {fill_seconds:.0f} s; root {full_root.hex()}")

        log("filling pymerkle's SqliteTree with the same leaf bytes")
        tree = fill_pymerkle(data_dir / "pymerkle.sqlite3", filled)
        if tree.get_root(plan.size) != full_root:
            raise SystemExit("pymerkle's root over the same leaves differs from the ledger's")

        log("proofs")
        small = measure_proofs(plan.size // 10, plan, filled, tree, rng, profiler)
        large = measure_proofs(plan.size, plan, filled, tree, rng, profiler)
        further = project(large, plan.size * 10, rng)

        log("verify: verify_ledger over the whole ledger")
        with profiler.section("verify"):
            start = time.perf_counter()
            report = verify_ledger(check_files=False)
            verify_seconds = time.perf_counter() - start
        if not report.ok or report.size != plan.size or report.root != full_root:
            raise SystemExit(f"verify_ledger failed on the benchmark ledger: {report.problems}")
        log("verify: bare hashlib loop, and merkle.leaf_hash + merkle.root, over the same leaf bytes")
        start = time.perf_counter()
        bare_root = bare_verify(filled.leaves)
        bare_seconds = time.perf_counter() - start
        start = time.perf_counter()
        part_root = verify_tree_part(filled.leaves)
        part_seconds = time.perf_counter() - start
        start = time.perf_counter()
        memory_root = merkle_in_memory(filled.leaves)
        memory_seconds = time.perf_counter() - start
        if full_root != bare_root or full_root != part_root or full_root != memory_root:
            raise SystemExit("verify: the bare loop's root differs from the ledger's")

        log("appends")
        appends = measure_appends(plan, tree, data_dir / "bare.sqlite3", profiler)
        tree.close()

        batch = f"{plan.batch:,}/txn"
        single_ratio = appends.zhifa_single / appends.bare_single
        rows = [
            Row(
                "appends/s, 1 txn each",
                appends.zhifa_single,
                "bare sqlite3",
                appends.bare_single,
                "ratio >= 0.5",
                single_ratio >= 0.5,
            ),
            Row(
                "appends/s, 1 txn each",
                appends.zhifa_single,
                "pymerkle 7 append_entry",
                appends.pymerkle_single,
                "-",
                None,
            ),
            Row(
                "appends/s, 1 txn each",
                appends.zhifa_single,
                "its rows by bare sqlite3",
                appends.rows_single,
                "-",
                None,
            ),
            Row(
                "same, its transactions alone (lookup runs apart)",
                appends.commit_single,
                "bare sqlite3",
                appends.bare_single,
                "-",
                None,
            ),
            Row(
                f"appends/s, batched {batch} (record_many)",
                appends.zhifa_batched,
                "bare sqlite3",
                appends.bare_batched,
                ">= 20,000/s",
                appends.zhifa_batched >= 20_000,
            ),
            Row(
                f"appends/s, batched {batch} (record_many)",
                appends.zhifa_batched,
                "pymerkle 7 append_entries",
                appends.pymerkle_batched,
                "-",
                None,
            ),
            Row(
                f"appends/s, batched {batch} (record_many)",
                appends.zhifa_batched,
                "its rows by bare sqlite3",
                appends.rows_batched,
                "-",
                None,
            ),
            Row(
                "same, its transactions alone (lookup runs apart)",
                appends.commit_batched,
                "bare sqlite3",
                appends.bare_batched,
                "-",
                None,
            ),
        ]
        rows += proof_rows(small) + proof_rows(large) + proof_rows(further, projected=True)
        rows += [
            Row(
                f"verify_ledger leaves/s at {power_label(plan.size)}",
                plan.size / verify_seconds,
                "bare hashlib loop",
                plan.size / bare_seconds,
                "ratio >= 0.5",
                bare_seconds / verify_seconds >= 0.5,
            ),
            Row(
                "its hash-and-root step: leaf_hash + Frontier.extend",
                plan.size / part_seconds,
                "bare hashlib loop",
                plan.size / bare_seconds,
                "ratio >= 0.5",
                bare_seconds / part_seconds >= 0.5,
            ),
            Row(
                "merkle.leaf_hash + merkle.root leaves/s",
                plan.size / memory_seconds,
                "bare hashlib loop",
                plan.size / bare_seconds,
                "-",
                None,
            ),
        ]
        print()
        print(f"Zhifa ledger benchmark, {time.strftime('%Y-%m-%d')}, {machine()}")
        print(
            f"tree of {plan.size:,} entries (filled in {fill_seconds:.0f} s); appends on top of it; "
            f"{plan.proofs:,} random proofs per kind and size"
        )
        print()
        print(render(rows))
        print()
        for times in (small, large):
            print(
                f"pymerkle cold first pass at {power_label(times.size)} (empty subroot cache): "
                f"inclusion {times.pymerkle_inclusion_cold * 1000:.3f} ms, "
                f"consistency {times.pymerkle_consistency_cold * 1000:.3f} ms per proof"
            )
        print(
            f"projection to {power_label(further.size)}: measured time at {power_label(large.size)} x "
            f"(node reads + 1) at {power_label(further.size)} / (node reads + 1) at {power_label(large.size)}; "
            f"measured growth {power_label(small.size)} -> {power_label(large.size)}: inclusion "
            f"x{large.zhifa_inclusion / small.zhifa_inclusion:.2f} (reads x"
            f"{(large.reads_inclusion + 1) / (small.reads_inclusion + 1):.2f}), consistency "
            f"x{large.zhifa_consistency / small.zhifa_consistency:.2f} (reads x"
            f"{(large.reads_consistency + 1) / (small.reads_consistency + 1):.2f})"
        )
        print(
            f"appends include the leaf-hash lookup's runs (sorted, {settings.LEDGER_LOOKUP_LAG:,} entries each, "
            f"made after commit): {appends.index_single:.2f} s for the {plan.single:,} single appends (half of "
            f"the runs over theirs and the floor's), "
            f"{appends.index_batched:.2f} s for the {plan.batches * plan.batch:,} batched; without them "
            f"{appends.commit_single:,.0f}/s and {appends.commit_batched:,.0f}/s"
        )
        print(
            f"one txn each: {plan.rounds} rounds of {plan.single // plan.rounds:,} appends, Zhifa, its rows by bare "
            f"sqlite3, pymerkle and bare sqlite3 taking turns"
        )
        print(
            f"record()'s rows (entry, facts, nodes; lookup rows in the same runs) by bare sqlite3 into the "
            f"ledger's tables: {appends.rows_single:,.0f}/s one txn each "
            f"({appends.rows_single / appends.bare_single:.2f} of bare sqlite3's one-row commits), "
            f"{appends.rows_batched:,.0f}/s batched"
        )
        print(
            f"verify_ledger {verify_seconds:.1f} s, bare loop {bare_seconds:.1f} s, hash-and-root step "
            f"{part_seconds:.1f} s, merkle.root {memory_seconds:.1f} s"
        )
        print(f"total {time.perf_counter() - started:.0f} s")
    finally:
        if args.keep:
            log(f"kept {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
