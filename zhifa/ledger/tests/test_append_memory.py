"""An append starts from what its connection remembers of the tree, and never when another writer moved on.

Each writer below is a thread with its own database connection, as a second process would be. They take
turns appending in their own transactions (on SQLite the write lock would serialise them anyway); after
every turn the stored tree must equal an independent root, and verify must pass at the end.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from zhifa.ledger import merkle, services
from zhifa.ledger.models import Checkpoint, Entry
from zhifa.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db(transaction=True)


class Writer:
    """A thread with its own connection that appends when asked to."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pool = ThreadPoolExecutor(max_workers=1)  # one thread: the same connection every time
        self.count = 0

    def append(self, times: int = 1, *, then_roll_back: bool = False) -> list[int]:
        return self.pool.submit(self._append, times, then_roll_back).result()

    def _append(self, times: int, then_roll_back: bool) -> list[int]:
        indices = []
        try:
            with transaction.atomic():
                for _ in range(times):
                    self.count += 1
                    entry = services.record(
                        actor=None, action="test.turn", subject=f"{self.name}:{self.count}", facts={"n": self.count}
                    )
                    indices.append(entry.index)
                if then_roll_back:
                    raise RuntimeError("roll back")
        except RuntimeError:
            return []
        return indices

    def close(self) -> None:
        self.pool.submit(lambda: connection.close()).result()  # the thread's own connection, looked up there
        self.pool.shutdown()


@pytest.fixture
def writers():
    made = [Writer("alice"), Writer("bob")]
    yield made
    for writer in made:
        writer.close()


@pytest.fixture
def peak_reads(monkeypatch):
    """Counts the appends that read the stored peaks instead of using their connection's memory.

    Only the writers' reads count (the checks in the main thread read the peaks too); checkpoints, which
    also read them, are left out: the last test is about them.
    """
    monkeypatch.setattr(services, "checkpoint_if_due", lambda: None)
    reads: list[int] = []
    original = services.peaks

    def counting(size: int) -> list[bytes]:
        if threading.current_thread() is not threading.main_thread():
            reads.append(size)
        return original(size)

    monkeypatch.setattr(services, "peaks", counting)
    return reads


def assert_tree_is_whole() -> None:
    leaves = [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert list(Entry.objects.order_by("index").values_list("index", flat=True)) == list(range(len(leaves)))
    assert services.root(len(leaves)) == merkle.root(leaves)


def test_a_connection_appending_alone_reads_the_peaks_once(writers, peak_reads):
    alice, _ = writers
    assert alice.append() == [0]
    assert alice.append(3) == [1, 2, 3]
    assert alice.append() == [4]
    assert peak_reads == []  # an empty tree has no peaks; after that alice's own memory was right each time
    assert_tree_is_whole()


def test_turns_of_two_connections_each_read_what_the_other_appended(writers, peak_reads):
    alice, bob = writers
    expected_reads = []
    size = 0
    for writer, times in [(alice, 3), (bob, 2), (alice, 1), (alice, 2), (bob, 5), (alice, 1), (bob, 1)]:
        before = len(peak_reads)
        assert writer.append(times) == list(range(size, size + times))
        size += times
        assert_tree_is_whole()
        expected_reads.append(len(peak_reads) - before)
    # Reads the stored peaks after the other one wrote, not when it wrote last itself (nor on the empty tree).
    assert expected_reads == [0, 1, 1, 0, 1, 1, 1]
    report = verify_ledger(check_files=False)
    assert report.ok, report.problems
    assert report.size == size


def test_a_rolled_back_append_is_not_remembered_as_the_tree(writers, peak_reads):
    alice, bob = writers
    alice.append(2)
    # alice appends index 2 and rolls back; bob then appends his own entry at index 2. Same size as alice
    # remembers, but another leaf: she must not build on her memory.
    assert alice.append(then_roll_back=True) == []
    assert bob.append() == [2]
    assert alice.append() == [3]
    assert len(peak_reads) == 2  # bob (alice wrote before him), then alice (her memory is of a rolled back leaf)
    assert_tree_is_whole()
    # Rolled back with nobody writing after: the tree is one shorter than alice remembers.
    assert alice.append(then_roll_back=True) == []
    assert alice.append() == [4]
    assert len(peak_reads) == 3
    assert_tree_is_whole()
    assert verify_ledger(check_files=False).ok


def test_the_checkpoint_table_is_read_only_when_a_checkpoint_may_be_due(
    writers, settings, time_machine, django_assert_num_queries
):
    settings.LEDGER_CHECKPOINT_MINUTES = 10
    alice, _ = writers
    alice.append()
    services.checkpoint_if_due()  # no checkpoint yet: reads the table and signs one
    assert Checkpoint.objects.count() == 1
    with django_assert_num_queries(0):
        services.checkpoint_if_due()  # this connection knows the newest checkpoint is fresh
    time_machine.move_to(timezone.now() + timedelta(minutes=11))
    alice.append()
    services.checkpoint_if_due()  # may be due: reads the table, signs
    assert Checkpoint.objects.count() == 2
    assert Checkpoint.objects.order_by("-pk").first().size == services.tree_size() == 2
