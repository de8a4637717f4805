"""An attacker with full database access (triggers dropped) changes the ledger; verify names the place.

Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL.
"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import DataError, connection, transaction

from zhifa.core.choices import Role
from zhifa.core.services import user_grant_role
from zhifa.ledger import blobs, guard, merkle, services
from zhifa.ledger.models import Blob, Checkpoint, Entry
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
    # Two evidence files: a photo named by entries 10 and 11, a video named by entry 11 only.
    world.photo = blobs.store(io.BytesIO(b"photo of the felled trees"), content_type="image/jpeg").sha256
    world.video = blobs.store(io.BytesIO(b"body camera video, much longer"), content_type="video/mp4").sha256
    with transaction.atomic():
        officer = world.officer_user  # who attaches evidence reads case files (never the system administrator)
        services.record(actor=officer, action="test.photo", subject="test:1", facts={}, files=[world.photo])
        services.record(
            actor=officer, action="test.video", subject="test:1", facts={}, files=[world.video, world.photo]
        )
    services.checkpoint_issue()
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.size == services.tree_size() == 12
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
        sql("DELETE FROM ledger_entry_file WHERE entry_id = %s", [index])
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


# ------------------------------------------------------------------ what the pages show beside the leaf


def test_editing_the_actor_name_the_timeline_shows(ledger):
    sql('UPDATE ledger_entry SET actor_name = %s WHERE "index" = 7', ["某领导"])
    assert problem() == (
        "entry 7: its sealed columns (actor, actor_name, agency, subject, commitment) no longer match its recorded leaf"
    )


def test_editing_a_row_of_the_document_hash_lookup(ledger):
    # The public check page would deny the genuine photo and answer for a forged document instead.
    sql("UPDATE ledger_entry_file SET sha256 = %s WHERE entry_id = 10", ["ab" * 32])
    assert problem().startswith("entry 10: the document-hash lookup (ledger_entry_file)")


def test_deleting_a_row_of_the_document_hash_lookup(ledger):
    sql("DELETE FROM ledger_entry_file WHERE entry_id = 11 AND sha256 = %s", [ledger.video])
    assert problem() == f"entry 11: the document-hash lookup (ledger_entry_file) lacks its file {ledger.video}"


def test_moving_a_row_of_the_document_hash_lookup_to_another_entry(ledger):
    # The check page would name entry 3 as the one that recorded the video.
    sql("UPDATE ledger_entry_file SET entry_id = 3 WHERE entry_id = 11 AND sha256 = %s", [ledger.video])
    assert problem() == (
        f"entry 3: the document-hash lookup (ledger_entry_file) names file {ledger.video}, "
        "which its leaf does not (or names it twice)"
    )


def test_swapping_rows_of_the_document_hash_lookup_between_entries(ledger):
    sql("UPDATE ledger_entry_file SET entry_id = 100 WHERE entry_id = 10")
    sql("UPDATE ledger_entry_file SET entry_id = 10 WHERE entry_id = 11")
    sql("UPDATE ledger_entry_file SET entry_id = 11 WHERE entry_id = 100")
    assert problem().startswith("entry 10: the document-hash lookup (ledger_entry_file) names file")


def test_inserting_a_row_in_the_document_hash_lookup(ledger):
    sql("INSERT INTO ledger_entry_file (entry_id, sha256) VALUES (5, %s)", ["cd" * 32])
    assert problem() == (
        f"entry 5: the document-hash lookup (ledger_entry_file) names file {'cd' * 32}, "
        "which its leaf does not (or names it twice)"
    )


def test_swapping_the_size_of_two_evidence_files(ledger):
    sizes = dict(Blob.objects.values_list("sha256", "size"))
    sql("UPDATE ledger_blob SET size = %s WHERE sha256 = %s", [sizes[ledger.video], ledger.photo])
    sql("UPDATE ledger_blob SET size = %s WHERE sha256 = %s", [sizes[ledger.photo], ledger.video])
    message = problem()
    assert message.startswith("entry 10: its sealed columns")
    assert f"ledger_blob: {ledger.photo}" in message


def test_swapping_the_content_type_of_two_evidence_files(ledger):
    # The photo would pass the guard that asks for a sound-and-picture record of a seizure.
    sql("UPDATE ledger_blob SET content_type = 'video/mp4' WHERE sha256 = %s", [ledger.photo])
    sql("UPDATE ledger_blob SET content_type = 'image/jpeg' WHERE sha256 = %s", [ledger.video])
    message = problem()
    assert message.startswith("entry 10: its sealed columns")
    assert "size or content type of its files in the evidence store" in message


def test_deleting_the_evidence_store_row_of_a_file(ledger):
    sql("DELETE FROM ledger_blob WHERE sha256 = %s", [ledger.video])
    assert problem() == f"entry 11: its file {ledger.video} has no row in the evidence store (ledger_blob)"


def test_a_document_hash_row_naming_an_entry_that_does_not_exist(ledger):
    sql("INSERT INTO ledger_entry_file (entry_id, sha256) VALUES (500, %s)", ["ef" * 32])
    message = problem()
    sql("DELETE FROM ledger_entry_file WHERE entry_id = 500")  # the test database checks its keys at the end
    assert message == "the document-hash lookup (ledger_entry_file) names entry 500, which does not exist"


def test_moving_a_checkpoints_issue_time_before_what_it_signs(ledger):
    last = Checkpoint.objects.order_by("-pk").first()
    first_entry = Entry.objects.get(index=0)
    Checkpoint.objects.filter(pk=last.pk).update(issued_at=first_entry.recorded_at - timedelta(days=1))
    assert problem() == f"checkpoint #{last.pk}: its issue time is before the last entry it signs was recorded"


def test_moving_a_checkpoints_issue_time_behind_the_previous_one(ledger):
    first, second = Checkpoint.objects.order_by("pk")[:2]
    Checkpoint.objects.filter(pk=first.pk).update(issued_at=second.issued_at + timedelta(seconds=1))
    assert problem() == f"checkpoint #{second.pk}: its issue time is before the previous checkpoint's"
