"""The public lookup of entries by leaf hash (ledger_leaf_index, filled after commit, plus the tail scan).

A lookup must find every committed entry at once, whether its run has been made or not; verify must
name any row of the lookup that lies. Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhifa.ledger import guard, services
from zhifa.ledger.models import Entry, LeafIndex
from zhifa.ledger.selectors import find_by_hash
from zhifa.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


def append(count: int, name: str = "lookup") -> list[Entry]:
    with transaction.atomic():
        return services.record_many([services.Act(None, "test.lookup", f"{name}:{n}", {"n": n}) for n in range(count)])


def indexed_to() -> int:
    last = LeafIndex.objects.order_by("-entry_index").values_list("entry_index", flat=True).first()
    return 0 if last is None else last + 1


def every_entry_is_found() -> None:
    for entry in Entry.objects.order_by("index"):
        assert services.leaf_indices(bytes(entry.leaf_hash)) == [entry.index]
        assert services.entry_by_leaf_hash(bytes(entry.leaf_hash)) == entry


def test_every_entry_is_found_before_during_and_after_its_run(world):
    append(40)
    assert indexed_to() == 0
    every_entry_is_found()  # all of them in the tail
    assert services.index_leaves(limit=25) == 25
    assert indexed_to() == 25
    every_entry_is_found()  # the lookup up to 25, the tail after it
    append(3, "after")
    every_entry_is_found()
    services.index_leaves()
    assert indexed_to() == services.tree_size()
    every_entry_is_found()  # all of them through the lookup
    assert services.leaf_indices(bytes(32)) == []
    assert services.leaf_indices(b"short") == []
    assert verify_ledger(check_files=False).ok


def test_runs_are_sorted_by_key_and_cover_the_entries_in_order(world):
    append(30)
    services.index_leaves()
    rows = list(LeafIndex.objects.order_by("entry_index").values_list("entry_index", "prefix"))
    hashes = dict(Entry.objects.values_list("index", "leaf_hash"))
    assert [index for index, _ in rows] == list(range(len(hashes)))
    assert all(key == services.leaf_prefix(bytes(hashes[index])) for index, key in rows)
    assert services.index_leaves() == 0  # nothing left to index


def test_a_just_recorded_entry_is_found_by_the_public_pages(client, world):
    services.index_leaves()
    (newest,) = append(1, "new")
    assert indexed_to() < services.tree_size()  # not in the lookup yet
    digest = bytes(newest.leaf_hash).hex()
    data = client.get(reverse("ledger_proof"), {"leaf_hash": digest}).json()
    assert data["index"] == newest.index
    page = client.get(reverse("ledger_check"), {"sha256": digest}).content.decode()
    assert f"已记录：第 {newest.index} 号记录" in page
    assert [found.entry.index for found in find_by_hash(digest)] == [newest.index]


@pytest.mark.django_db(transaction=True)
def test_a_commit_indexes_the_tail_once_it_reaches_the_lag(world, settings):
    settings.LEDGER_LOOKUP_LAG = 50
    start = services.tree_size()
    append(20)
    assert indexed_to() == 0 or services.tree_size() - indexed_to() < 50  # under the lag: not indexed
    before = indexed_to()
    append(60 - (services.tree_size() - before), "more")  # the tail reaches 60 >= 50
    assert indexed_to() == services.tree_size() > start
    every_entry_is_found()
    # While the tail is short, a commit asks nothing more of the database than its append.
    with CaptureQueriesContext(connection) as captured:
        append(1, "one")
    assert not any("ledger_leaf_index" in query["sql"] for query in captured.captured_queries)
    assert verify_ledger(check_files=False).ok


def test_a_failed_run_after_a_commit_is_logged_and_the_change_stands(
    world, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    """The change is committed when the lookup's run is made: its failure must not turn the change into an
    error, and the checkpoint is still looked at. The next run starts where the lookup ends."""
    settings.LEDGER_LOOKUP_LAG = 1
    signed: list[bool] = []
    monkeypatch.setattr(services, "checkpoint_if_due", lambda: signed.append(True))

    def broken(limit: int | None = None) -> int:
        raise DatabaseError("disk I/O error")

    monkeypatch.setattr(services, "index_leaves", broken)
    with caplog.at_level("ERROR", logger="zhifa.ledger.services"), django_capture_on_commit_callbacks(execute=True):
        (entry,) = append(1, "stands")  # no exception reaches the caller
    assert Entry.objects.filter(index=entry.index).exists()
    assert signed == [True]
    assert "could not be brought up to date" in caplog.text
    monkeypatch.undo()
    services.index_leaves()
    assert indexed_to() == services.tree_size()
    every_entry_is_found()


def test_the_lookup_is_append_only(world):
    append(5)
    services.index_leaves()
    for statement in ("UPDATE ledger_leaf_index SET prefix = 0", "DELETE FROM ledger_leaf_index"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert indexed_to() == services.tree_size()


@pytest.fixture
def attacked(world):
    append(12)
    services.index_leaves(limit=10)
    assert verify_ledger(check_files=False).ok
    guard.uninstall(connection)  # the attacker owns the database
    return world


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def problem():
    report = verify_ledger(check_files=False)
    assert not report.ok
    return report.problems[0]


def test_a_lying_lookup_row_is_named(attacked):
    sql("UPDATE ledger_leaf_index SET prefix = prefix + 1 WHERE entry_index = 7")
    assert problem() == "entry 7: its row in the leaf-hash lookup does not match its leaf hash"


def test_a_lookup_row_pointing_a_hash_at_another_entry_is_named(attacked):
    # Entry 3's key moved to entry 5: a lookup for 3's hash would find 5's row, compare, and miss 3.
    sql(
        "UPDATE ledger_leaf_index SET prefix = (SELECT prefix FROM ledger_leaf_index WHERE entry_index = 3) "
        "WHERE entry_index = 5"
    )
    assert problem() == "entry 5: its row in the leaf-hash lookup does not match its leaf hash"


def test_a_row_removed_from_the_middle_of_the_lookup_is_named(attacked):
    sql("DELETE FROM ledger_leaf_index WHERE entry_index = 4")
    assert problem() == "entry 4: missing from the leaf-hash lookup, which holds entry 5"


def test_a_lookup_row_for_an_entry_that_does_not_exist_is_named(attacked):
    sql("INSERT INTO ledger_leaf_index (entry_index, prefix) VALUES (%s, 0)", [services.tree_size() + 3])
    assert problem() == f"the leaf-hash lookup names entry {services.tree_size() + 3}, which does not exist"


def test_a_lookup_row_beyond_a_gap_is_named(attacked):
    size = services.tree_size()
    entry = Entry.objects.get(index=size - 1)
    sql(
        "INSERT INTO ledger_leaf_index (entry_index, prefix) VALUES (%s, %s)",
        [size - 1, services.leaf_prefix(bytes(entry.leaf_hash))],
    )
    assert problem() == f"entry 10: missing from the leaf-hash lookup, which holds entry {size - 1}"
