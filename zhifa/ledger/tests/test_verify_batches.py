"""verify reads the ledger in batches and checks each checkpoint's root at its own size, wherever it falls."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from zhifa.ledger import services, verify
from zhifa.ledger.models import Checkpoint

pytestmark = pytest.mark.django_db


def test_checkpoints_inside_and_at_the_edges_of_batches_all_verify(monkeypatch):
    monkeypatch.setattr(verify, "BATCH", 4)
    for size in (1, 4, 5, 7, 8, 9, 13, 16, 23):
        with transaction.atomic():
            while services.tree_size() < size:
                services.record(actor=None, action="test.batch", subject=f"test:{size}", facts={"size": size})
        services.checkpoint_issue()
    assert list(Checkpoint.objects.values_list("size", flat=True)) == [1, 4, 5, 7, 8, 9, 13, 16, 23]
    report = verify.verify_ledger(check_files=False)
    assert report.ok, report.problems
    assert report.size == 23
    assert report.root == services.root(23)


def test_entries_recorded_on_a_whole_second_verify(time_machine):
    # SQLite stores such a time without its fraction; verify reads it another way than the others.
    time_machine.move_to(datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC), tick=False)
    with transaction.atomic():
        services.record(actor=None, action="test.whole", subject="test:1", facts={})
    time_machine.move_to(datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC), tick=True)
    with transaction.atomic():
        services.record(actor=None, action="test.fraction", subject="test:2", facts={})
    assert verify.verify_ledger(check_files=False).ok
