"""Entries of format 1 (recorded before format 2 sealed the actor's name and the files' size and content type).

Their leaves cannot change: they are in signed checkpoints. What the pages show beside them (the actor's
name, a file's size and content type) is pinned by one entry, `ledger.seal_legacy`, whose facts list those
values as they stood when it was recorded; `zhifa ledger seal` records it, once, after the upgrade, and verify
compares the live columns with it from then on. A change made before the seal cannot be told apart from the
original value: docs/ledger.md says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connection, transaction

from zhifa.core.models import User
from zhifa.ledger import services
from zhifa.ledger.models import Entry, Facts

SEAL_ACTION = "ledger.seal_legacy"
SEAL_SUBJECT = "ledger.legacy"
# Leaves are canonical JSON with sorted keys, so "v" is the last key: a format-1 leaf ends so.
_LEGACY_LEAF = '%"v":1}'


def _legacy_columns(upto: int) -> tuple[dict[str, str], set[str]]:
    """The actor names (non-empty) of format-1 entries below `upto`, and the files they name."""
    names: dict[str, str] = {}
    files: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT "index", actor_name, files FROM ledger_entry WHERE "index" < %s AND leaf LIKE %s ORDER BY "index"',
            [upto, _LEGACY_LEAF],
        )
        for index, name, listed in cursor.fetchall():
            if name:
                names[str(index)] = name
            if listed and listed != "[]":
                files.update(json.loads(listed) if type(listed) is str else listed)
    return names, files


def legacy_count(upto: int | None = None) -> int:
    """How many format-1 entries there are (below `upto`)."""
    with connection.cursor() as cursor:
        if upto is None:
            cursor.execute("SELECT COUNT(*) FROM ledger_entry WHERE leaf LIKE %s", [_LEGACY_LEAF])
        else:
            cursor.execute(
                'SELECT COUNT(*) FROM ledger_entry WHERE leaf LIKE %s AND "index" < %s', [_LEGACY_LEAF, upto]
            )
        return int(cursor.fetchone()[0])


@transaction.atomic(durable=True)
def legacy_seal(*, actor: User | None) -> Entry | None:
    """Record the actor names of the format-1 entries and the size and content type of their files; None
    when there is nothing (more) to seal."""
    upto = services.tree_size()  # record() writes format 2 only, so no format-1 entry can appear meanwhile
    last = latest_seal()
    if legacy_count(upto) == 0 or (last is not None and legacy_count(upto) == legacy_count(last.upto)):
        return None
    names, files = _legacy_columns(upto)
    stored = services.blob_rows(files)
    facts = {
        "upto": upto,
        "actor_names": names,
        "files": {digest: {"size": size, "content_type": kind} for digest, (size, kind) in sorted(stored.items())},
    }
    return services.record(actor=actor, action=SEAL_ACTION, subject=SEAL_SUBJECT, facts=facts)


@dataclass(frozen=True)
class Seal:
    index: int
    upto: int
    actor_names: dict[str, str]
    files: dict[str, dict[str, object]]


def seals() -> list[Seal]:
    """The legacy seals whose facts are kept, oldest first (their columns are proved by verify first)."""
    found = []
    entries = Entry.objects.filter(subject=SEAL_SUBJECT, action=SEAL_ACTION).order_by("index")
    for index in entries.values_list("index", flat=True):
        text = Facts.objects.filter(entry_id=index).values_list("facts", flat=True).first()
        if text is None:
            continue  # erased: another seal may still hold the values
        facts = json.loads(text)
        found.append(Seal(index, int(facts["upto"]), dict(facts["actor_names"]), dict(facts["files"])))
    return found


def latest_seal() -> Seal | None:
    kept = seals()
    return kept[-1] if kept else None


def check_legacy(size: int) -> tuple[str | None, int]:
    """Verify's look at format-1 entries: (the first problem or None, how many are not covered by a seal)."""
    total = legacy_count(size)
    if total == 0:
        return None, 0
    kept = seals()
    if not kept:
        return None, total
    # Every seal must agree, not only the newest: one appended later (by someone who dropped the triggers)
    # cannot overrule the values an earlier seal pinned.
    for seal in kept:
        problem = _against(seal, size)
        if problem is not None:
            return problem, 0
    return None, total - legacy_count(min(kept[-1].upto, size))


def _against(seal: Seal, size: int) -> str | None:
    names, files = _legacy_columns(min(seal.upto, size))
    for index, name in names.items():
        if seal.actor_names.get(index) != name:
            return f"entry {index}: its actor name differs from the one the legacy seal (entry {seal.index}) holds"
    for index in seal.actor_names.keys() - names.keys():
        return f"entry {index}: its actor name differs from the one the legacy seal (entry {seal.index}) holds"
    stored = services.blob_rows(files)
    for digest in sorted(files):
        sealed = seal.files.get(digest)
        row = stored.get(digest)
        if sealed is None or row is None or (sealed.get("size"), sealed.get("content_type")) != row:
            return (
                f"file {digest}: its size or content type in the evidence store (ledger_blob) differs from what "
                f"the legacy seal (entry {seal.index}) holds"
            )
    return None
