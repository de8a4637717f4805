"""record(): one entry per change, in the change's transaction; the tree it builds; the guard triggers."""

from __future__ import annotations

import gc
import hashlib
import json
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.services import user_grant_role
from zhifa.ledger import canonical, merkle, services
from zhifa.ledger.models import Checkpoint, Entry, Facts, Node
from zhifa.ledger.services import NotInTransaction, record
from zhifa.ledger.signing import Verifier, open_checkpoint
from zhifa.personnel import services as personnel
from zhifa.testing.factories import TODAY, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction():
    assert not connection.in_atomic_block
    with pytest.raises(NotInTransaction):
        record(actor=None, action="test.outside", subject="test:1", facts={})
    assert not Entry.objects.exists()


def test_each_certificate_action_appends_one_entry_with_the_state_after_it(world):
    certificate = world.officer.certificates.get()
    before = Entry.objects.count()
    personnel.certificate_suspend(actor=world.supervisor, certificate=certificate, on_date=TODAY, reason="调查")
    entry = Entry.objects.order_by("-index").first()
    assert Entry.objects.count() == before + 1
    assert entry.action == "certificate.suspended"
    assert entry.subject == f"personnel.certificate:{certificate.pk}"
    assert entry.actor == world.supervisor
    assert entry.agency == world.branch
    facts = json.loads(entry.facts.facts)
    assert facts["reason"] == "调查"
    assert facts["state"]["status"] == "suspended"
    assert facts["holder"] == "甲执法"


def test_leaf_holds_no_personal_data_only_a_commitment(world):
    entry = Entry.objects.filter(action="certificate.issued").first()
    assert "甲执法" not in entry.leaf
    assert "乙执法" not in entry.leaf
    leaf = json.loads(entry.leaf)
    assert set(leaf) == {"v", "index", "time", "action", "files", "sealed"}
    # The sealed part, which the leaf commits to by hash, holds the commitment to the facts.
    sealed = services.sealed_text(
        entry.actor_id, entry.actor_name, entry.agency_id, entry.subject, entry.commitment, []
    )
    assert leaf["sealed"] == hashlib.sha256(sealed.encode()).hexdigest()
    assert entry.commitment == services.commitment_of(bytes(entry.facts.salt), entry.facts.facts)


def test_a_refused_action_leaves_no_entry(world):
    before = Entry.objects.count()
    certificate = world.officer.certificates.get()

    def suspend_twice():
        with transaction.atomic():
            personnel.certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="一")
            personnel.certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="二")

    with pytest.raises(Refusal, match="不能暂扣"):
        suspend_twice()
    assert Entry.objects.count() == before
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_role_changes_are_recorded(world):
    security = make_user("security", world.bureau, Role.SECADMIN)  # roles are the security administrator's
    user_grant_role(actor=security, user=world.officer_user, role=Role.LEGAL_REVIEWER)
    entry = Entry.objects.order_by("-index").first()
    assert entry.action == "user.grant_role"
    assert json.loads(entry.facts.facts)["state"]["roles"] == ["legal_reviewer", "officer"]


def test_the_stored_tree_equals_an_independent_root_and_proofs_verify(world):
    size = services.tree_size()
    assert size >= 7
    leaves = [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert services.root(size) == merkle.root(leaves)
    assert Node.objects.count() == size - size.bit_count()
    checkpoint = services.checkpoint_issue()
    for index in range(size):
        proof = services.inclusion_proof(index, size)
        merkle.verify_inclusion(leaves[index], index, size, proof, bytes(checkpoint.root))
    for older in range(1, size):
        proof = services.consistency_proof(older, size)
        merkle.verify_consistency(older, size, proof, merkle.root(leaves[:older]), bytes(checkpoint.root))


def test_checkpoints_are_signed_notes_and_all_are_kept(world):
    first = services.checkpoint_issue()
    assert services.checkpoint_issue().pk == first.pk  # nothing new to sign
    personnel.officer_leave(actor=world.admin, officer=world.colleague, left_on=TODAY, reason="退休")
    second = services.checkpoint_issue()
    assert second.size > first.size
    assert Checkpoint.objects.filter(pk__in=[first.pk, second.pk]).count() == 2
    body = open_checkpoint(second.note, Verifier.parse(services.public_key_line()))
    assert (body.size, body.root) == (second.size, bytes(second.root))
    lines = second.note.split("\n")
    assert lines[0] == "zhifa.local/ledger"
    assert lines[1] == str(second.size)
    assert lines[4].startswith("— zhifa.local/ledger ")


def test_a_checkpoint_is_signed_after_a_commit_when_the_last_is_old(
    world, settings, time_machine, django_capture_on_commit_callbacks
):
    services.checkpoint_issue()
    settings.LEDGER_CHECKPOINT_MINUTES = 1
    certificate = world.officer.certificates.get()
    with django_capture_on_commit_callbacks(execute=True):
        personnel.certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="x")
    count = Checkpoint.objects.count()  # the last checkpoint is fresh: nothing new was signed
    # Checkpoint rows are insert-only, so the test ages them by moving the clock on instead.
    time_machine.move_to(timezone.now() + timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        personnel.certificate_reinstate(actor=world.admin, certificate=certificate, on_date=TODAY, reason="y")
    assert Checkpoint.objects.count() == count + 1
    assert Checkpoint.objects.order_by("-pk").first().size == services.tree_size()


def _append_queries() -> list[str]:
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        record(actor=None, action="test.one", subject="test:x", facts={})
    return [q["sql"] for q in captured.captured_queries]


def test_an_append_costs_the_same_few_queries_at_any_size(world):
    small = _append_queries()
    with transaction.atomic():
        for index in range(500):
            record(actor=None, action="test.fill", subject=f"test:{index}", facts={"n": index})
    large = _append_queries()
    # Size, peaks (entries and nodes), up to three inserts, the savepoint pair, the lock on PostgreSQL:
    # a bound that does not grow with the tree (which of them runs depends on the size's bits).
    assert len(small) <= 9
    assert len(large) <= 9
    assert sum(q.startswith('SELECT "ledger_node"') for q in large) <= 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entry SET action = 'x'",
        "DELETE FROM ledger_entry",
        "UPDATE ledger_node SET level = 9",
        "DELETE FROM ledger_checkpoint",
        "UPDATE ledger_facts SET facts = '{}'",
    ],
)
def test_the_database_refuses_changes_to_ledger_rows(world, statement):
    services.checkpoint_issue()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Entry.objects.exists()
    assert Facts.objects.exists()


def test_a_batch_in_one_transaction_looks_at_the_checkpoint_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for number in range(5):
            services.record(actor=None, action="bench", subject=f"batch:{number}", facts={"n": number})
    assert callbacks.count(services._after_commit) == 1


def test_record_many_appends_the_same_tree_as_one_by_one(world):
    from zhifa.ledger.services import Act
    from zhifa.ledger.verify import verify_ledger

    start = services.tree_size()
    with transaction.atomic():
        entries = services.record_many(
            [Act(world.admin, "bench", f"batch:{n}", {"n": n, "名": "甲"}) for n in range(300)]
        )
        services.record(actor=None, action="bench", subject="after", facts={})
    assert [entry.index for entry in entries] == list(range(start, start + 300))
    leaves = [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert services.root(len(leaves)) == merkle.root(leaves)
    for size in (start + 1, start + 64, start + 299, len(leaves)):
        proof = services.inclusion_proof(size - 1, size)
        merkle.verify_inclusion(leaves[size - 1], size - 1, size, proof, merkle.root(leaves[:size]))
    assert verify_ledger(check_files=False).ok


def test_record_many_refuses_a_missing_file_and_saves_nothing(world):
    from zhifa.ledger.services import Act

    before = services.tree_size()
    with pytest.raises(Refusal) as refused, transaction.atomic():
        services.record_many([Act(None, "bench", "a", {}), Act(None, "bench", "b", {}, files=["ab" * 32])])
    assert refused.value.field == "files"
    assert services.tree_size() == before


def test_an_append_leaves_the_cycle_collector_as_it_found_it(world):
    # record_many pauses Python's cycle collector while it builds a batch (services._collector_paused).
    assert gc.isenabled()
    with transaction.atomic():
        record(actor=None, action="test.gc", subject="test:gc", facts={"n": 1})
    assert gc.isenabled()
    with pytest.raises(canonical.NotCanonical), transaction.atomic():  # fails inside the paused part
        record(actor=None, action="test.gc", subject="test:gc", facts={"amount": 1.5})
    assert gc.isenabled()
    gc.disable()  # turned off by someone else: an append must not turn it back on
    try:
        with transaction.atomic():
            record(actor=None, action="test.gc", subject="test:gc", facts={"n": 3})
        assert not gc.isenabled()
    finally:
        gc.enable()
