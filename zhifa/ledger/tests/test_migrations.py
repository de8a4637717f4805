"""The ledger's schema migrations keep a recorded ledger whole, both ways (0004 remakes tables on SQLite)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from zhifa.ledger import services
from zhifa.ledger.models import node_key
from zhifa.ledger.services import record
from zhifa.ledger.verify import verify_ledger

BEFORE_NARROW_KEYS = ("ledger", "0003_leaf_index")


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def _nodes() -> set[tuple[int, int, bytes]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT level, position, hash FROM ledger_node")
        return {(level, position, bytes(value)) for level, position, value in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_narrow_keys_keeps_the_ledger_both_ways():
    with transaction.atomic():
        for number in range(37):
            record(actor=None, action="test.migrate", subject=f"test:{number % 5}", facts={"n": number})
    services.index_leaves(limit=20)  # part of the lookup indexed, the rest in its tail
    services.checkpoint_issue()
    size = services.tree_size()
    root, nodes = services.root(size), _nodes()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("ledger")[0]

    _migrate(BEFORE_NARROW_KEYS)
    assert _nodes() == nodes  # the same subtrees, back in the table keyed by id
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ledger_entry")
        assert cursor.fetchone()[0] == size

    _migrate(latest)
    assert _nodes() == nodes
    with connection.cursor() as cursor:
        cursor.execute('SELECT "key", level, position FROM ledger_node')
        assert all(key == node_key(level, position) for key, level, position in cursor.fetchall())
    assert services.root(size) == root
    report = verify_ledger(check_files=False)
    assert report.ok, report.problems
    assert services.leaf_indices(services.get_node(0, 30)) == [30]  # a lookup through the tail still finds it
    # The guard is back on every table the migration remade.
    for statement in (
        "UPDATE ledger_entry SET action = 'x'",
        "UPDATE ledger_facts SET facts = '{}'",  # facts may be erased (DELETE), never edited
        "UPDATE ledger_node SET level = 9",
        "DELETE FROM ledger_leaf_index",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
