"""Entries recorded in format 1, before format 2 sealed the actor's name and the files' size and content type,
still verify beside new ones; `zhifa ledger seal` pins what the pages show beside them, and verify checks it."""

from __future__ import annotations

import io
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from zhifa.ledger import blobs, canonical, guard, legacy, merkle, services
from zhifa.ledger.models import Entry, EntryFile, Facts, Node, node_key
from zhifa.ledger.verify import verify_ledger

pytestmark = pytest.mark.django_db


def append_format_1(count: int, *, actor=None, files=()) -> None:
    """Entries written as record() wrote them before format 2 (the leaf of services.leaf_text, version 1)."""
    with transaction.atomic():
        size = services.tree_size()
        tree = merkle.Frontier(size=size, peaks=services.peaks(size) if size else ())
        now = timezone.now()
        hashes = []
        for index in range(size, size + count):
            facts, salt = canonical.dumps({"n": index}), os.urandom(16)
            commitment = services.commitment_of(salt, facts)
            names = sorted(files)
            actor_id = None if actor is None else actor.pk
            leaf = services.leaf_text(
                index, services.leaf_time(now), actor_id, None, "test.old", f"test:{index}", commitment, names
            )
            leaf_hash = merkle.leaf_hash(leaf.encode())
            Entry.objects.create(
                index=index,
                recorded_at=now,
                actor_id=actor_id,
                actor_name="" if actor is None else actor.get_full_name(),
                action="test.old",
                subject=f"test:{index}",
                commitment=commitment,
                files=names,
                leaf=leaf,
                leaf_hash=leaf_hash,
            )
            Facts.objects.create(entry_id=index, facts=facts, salt=salt)
            EntryFile.objects.bulk_create(EntryFile(entry_id=index, sha256=digest) for digest in names)
            hashes.append(leaf_hash)
        completed: list[tuple[int, int, bytes]] = []
        tree.extend(hashes, completed)
        Node.objects.bulk_create(
            Node(key=node_key(level, position), level=level, position=position, hash=value)
            for level, position, value in completed
        )


@pytest.fixture
def mixed(world):
    """Three format-1 entries by the admin, one naming a photo; then format-2 entries; a checkpoint."""
    world.photo = blobs.store(io.BytesIO(b"an old photo"), content_type="image/jpeg").sha256
    world.first = services.tree_size()  # the world's own entries come first (format 2)
    append_format_1(2, actor=world.admin)
    append_format_1(1, actor=world.admin, files=[world.photo])
    with transaction.atomic():
        services.record(actor=world.admin, action="test.new", subject="test:new", facts={})
    services.checkpoint_issue()
    return world


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify_output() -> str:
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    return out.getvalue()


def test_format_1_entries_verify_beside_format_2_entries(mixed):
    versions = [services.leaf_version(leaf) for leaf in Entry.objects.order_by("index").values_list("leaf", flat=True)]
    first = mixed.first
    assert versions[first : first + 4] == [1, 1, 1, 2]
    assert versions[-1] == 2
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.legacy_unsealed == 3
    assert "3 entries of format 1 are not covered by a legacy seal" in verify_output()


def test_a_format_1_file_of_another_size_is_caught_by_the_stored_file(mixed):
    guard.uninstall(connection)
    sql("UPDATE ledger_blob SET size = 3 WHERE sha256 = %s", [mixed.photo])
    report = verify_ledger()
    assert report.problems == [
        f"file {mixed.photo}: the evidence store (ledger_blob) says 3 bytes, the stored file has 12"
    ]


def test_the_seal_pins_format_1_actor_names_and_file_types(mixed):
    out = StringIO()
    call_command("ledger", "seal", stdout=out)
    assert "已封存 sealed" in out.getvalue()
    services.checkpoint_issue()
    report = verify_ledger()
    assert report.ok, report.problems
    assert report.legacy_unsealed == 0
    assert legacy.legacy_seal(actor=None) is None  # nothing more to seal
    guard.uninstall(connection)
    sql('UPDATE ledger_entry SET actor_name = %s WHERE "index" = %s', ["某领导", mixed.first + 1])
    seal = services.tree_size() - 1
    assert verify_ledger().problems == [
        f"entry {mixed.first + 1}: its actor name differs from the one the legacy seal (entry {seal}) holds"
    ]


def test_the_seal_catches_a_format_1_files_content_type_changed_after_it(mixed):
    legacy.legacy_seal(actor=None)
    guard.uninstall(connection)
    sql("UPDATE ledger_blob SET content_type = 'video/mp4' WHERE sha256 = %s", [mixed.photo])
    (problem,) = verify_ledger().problems
    assert problem.startswith(f"file {mixed.photo}: its size or content type in the evidence store (ledger_blob)")


def test_a_seal_appended_later_cannot_overrule_the_first(mixed):
    first_seal = legacy.legacy_seal(actor=None)
    services.checkpoint_issue()
    guard.uninstall(connection)
    sql('UPDATE ledger_entry SET actor_name = %s WHERE "index" = %s', ["某领导", mixed.first + 1])
    # Someone with the database appends a seal of his own that agrees with the edited name.
    upto = services.tree_size()
    names, files = legacy._legacy_columns(upto)
    stored = services.blob_rows(files)
    facts = {
        "upto": upto,
        "actor_names": names,
        "files": {digest: {"size": size, "content_type": kind} for digest, (size, kind) in sorted(stored.items())},
    }
    with transaction.atomic():
        services.record(actor=None, action=legacy.SEAL_ACTION, subject=legacy.SEAL_SUBJECT, facts=facts)
    assert verify_ledger().problems == [
        f"entry {mixed.first + 1}: its actor name differs from the one the legacy seal (entry {first_seal.index}) holds"
    ]
