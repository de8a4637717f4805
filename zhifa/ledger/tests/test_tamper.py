"""An attacker with full database access (triggers dropped) changes the ledger; verify names the place.

Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import DataError, connection, transaction

from zhifa.core.choices import Role
from zhifa.core.services import user_grant_role
from zhifa.ledger import guard, merkle, services
from zhifa.ledger.models import Checkpoint, Entry
from zhifa.ledger.signing import CheckpointBody, Ed25519Signer, sign_checkpoint
from zhifa.ledger.verify import verify_ledger
from zhifa.personnel import services as personnel
from zhifa.testing.factories import TODAY, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world):
    certificate = world.officer.certificates.get()
    personnel.certificate_suspend(actor=world.admin, certificate=certificate, on_date=TODAY, reason="调查")
    services.checkpoint_issue()
    personnel.certificate_reinstate(actor=world.admin, certificate=certificate, on_date=TODAY, reason="结束")
    security = make_user("security", world.bureau, Role.SECADMIN)  # roles are the security administrator's
    user_grant_role(actor=security, user=world.officer_user, role=Role.LEGAL_REVIEWER)
    services.checkpoint_issue()
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.size == services.tree_size() == 10
    guard.uninstall(connection)  # the attacker owns the database
    return world


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def problem():
    report = verify_ledger()
    assert not report.ok
    return report.problems[0]


def test_untouched_ledger_verifies(ledger):
    assert verify_ledger().ok


def test_editing_a_byte_of_an_entry(ledger):
    sql('UPDATE ledger_entry SET action = %s WHERE "index" = 3', ["certificate.issueD"])
    assert problem().startswith("entry 3:")


def test_rewriting_an_entry_consistently_still_breaks_the_tree(ledger):
    entry = Entry.objects.filter(action="certificate.issued").first()
    leaf = entry.leaf.replace('"action":"certificate.issued"', '"action":"certificate.revoked"')
    assert leaf != entry.leaf
    sql(
        'UPDATE ledger_entry SET action = %s, leaf = %s, leaf_hash = %s WHERE "index" = %s',
        ["certificate.revoked", leaf, merkle.leaf_hash(leaf.encode()), entry.index],
    )
    assert "subtree node" in problem() or "checkpoint" in problem()


def test_deleting_an_entry(ledger):
    sql("DELETE FROM ledger_facts WHERE entry_id = 4")
    sql('DELETE FROM ledger_entry WHERE "index" = 4')
    assert problem() == "entry 4 is missing (the next entry is 5)"


def test_inserting_an_entry_in_the_middle(ledger):
    # Make room at 5 by moving the tail up one, then put a forged entry there.
    size = services.tree_size()
    for index in reversed(range(5, size)):
        sql("UPDATE ledger_facts SET entry_id = %s WHERE entry_id = %s", [index + 1000, index])
        sql('UPDATE ledger_entry SET "index" = %s WHERE "index" = %s', [index + 1, index])
        sql("UPDATE ledger_facts SET entry_id = %s WHERE entry_id = %s", [index + 1, index + 1000])
    forged = Entry.objects.get(index=6)
    sql(
        'INSERT INTO ledger_entry ("index", recorded_at, actor_id, actor_name, agency_id, action, subject, '
        "commitment, files, leaf, leaf_hash) SELECT 5, recorded_at, actor_id, actor_name, agency_id, action, "
        'subject, commitment, files, leaf, leaf_hash FROM ledger_entry WHERE "index" = 6'
    )
    assert forged.index == 6
    # The copy at 5 is self-consistent; the genuine entry pushed to 6 still says it is number 5.
    assert problem().startswith("entry 6:")


def test_swapping_two_entries(ledger):
    sql('UPDATE ledger_entry SET "index" = 100 WHERE "index" = 2')
    sql('UPDATE ledger_entry SET "index" = 2 WHERE "index" = 3')
    sql('UPDATE ledger_entry SET "index" = 3 WHERE "index" = 100')
    assert problem().startswith("entry 2:")


def test_truncating_the_tail(ledger):
    size = services.tree_size()
    for index in (size - 1, size - 2):
        sql("DELETE FROM ledger_facts WHERE entry_id = %s", [index])
        sql('DELETE FROM ledger_entry WHERE "index" = %s', [index])
    sql("DELETE FROM ledger_node WHERE position * power(2, level) + power(2, level) > %s", [size - 2])
    message = problem()
    assert f"signed {size} entries; only {size - 2} remain" in message


def test_replacing_a_checkpoint(ledger):
    last = Checkpoint.objects.order_by("-pk").first()
    forger = Ed25519Signer(name="zhifa.local/ledger", private_key=Ed25519PrivateKey.generate())
    note = sign_checkpoint(CheckpointBody("zhifa.local/ledger", last.size, bytes(last.root)), forger)
    sql("UPDATE ledger_checkpoint SET note = %s WHERE id = %s", [note, last.pk])
    assert problem() == f"checkpoint #{last.pk}: no valid signature by the ledger key"


def test_editing_facts(ledger):
    sql("UPDATE ledger_facts SET facts = replace(facts, '调查', '无事') WHERE entry_id = 7")
    assert problem() == "entry 7: its facts do not match the commitment in the leaf"


def test_erasing_facts_without_recording_it(ledger):
    sql("DELETE FROM ledger_facts WHERE entry_id = 8")
    assert problem() == "entry 8: its facts were removed without a recorded erasure"


def test_changing_a_live_row_behind_the_services_back(ledger):
    certificate = ledger.officer.certificates.get()
    sql("UPDATE personnel_certificate SET status = 'revoked', status_reason = 'x' WHERE id = %s", [certificate.pk])
    assert problem().startswith(f"personnel.certificate:{certificate.pk}: the live row differs")


def test_moving_an_entrys_time_by_a_microsecond(ledger):
    entry = Entry.objects.get(index=5)
    later = entry.recorded_at.replace(microsecond=(entry.recorded_at.microsecond + 1) % 1_000_000)
    Entry.objects.filter(index=5).update(recorded_at=later)
    assert problem() == "entry 5: its columns no longer match its recorded leaf"


def test_an_entrys_time_that_is_no_time_at_all(ledger):
    if connection.vendor != "sqlite":
        # PostgreSQL's timestamp column itself refuses text that is no time: nothing to verify.
        with pytest.raises(DataError), transaction.atomic():
            sql('UPDATE ledger_entry SET recorded_at = %s WHERE "index" = 6', ["garbage"])
        assert verify_ledger().ok
        return
    sql('UPDATE ledger_entry SET recorded_at = %s WHERE "index" = 6', ["garbage"])
    assert problem() == "entry 6: its columns no longer match its recorded leaf"
