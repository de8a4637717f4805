"""Reads of the ledger for pages and the public API."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from zhifa.ledger import merkle, services
from zhifa.ledger.labels import action_label
from zhifa.ledger.models import Checkpoint, Entry, EntryFile

HEX64 = re.compile(r"^[0-9a-f]{64}$")


def entries_about(subjects: list[str]) -> QuerySet[Entry]:
    """Entries whose subject is one of `subjects` (keys like "personnel.certificate:4"), oldest first."""
    return Entry.objects.filter(subject__in=subjects).order_by("index")


@dataclass
class Found:
    entry: Entry
    label: str
    how: str
    proof: dict[str, Any]


def proof_document(entry: Entry, checkpoint: Checkpoint) -> dict[str, Any]:
    """An inclusion proof of `entry` in the tree a checkpoint signed, checked before it is handed out."""
    proof = services.inclusion_proof(entry.index, checkpoint.size)
    merkle.verify_inclusion(bytes(entry.leaf_hash), entry.index, checkpoint.size, proof, bytes(checkpoint.root))
    return {
        "index": entry.index,
        "leaf": entry.leaf,
        "leaf_hash": bytes(entry.leaf_hash).hex(),
        "tree_size": checkpoint.size,
        "root": base64.b64encode(bytes(checkpoint.root)).decode(),
        "proof": [base64.b64encode(node).decode() for node in proof],
        "checkpoint": checkpoint.note,
    }


def find_by_hash(digest: str) -> list[Found]:
    """Entries that name a file with this SHA-256, or whose leaf hash it is, with proofs; [] when none."""
    digest = digest.strip().lower()
    if not HEX64.match(digest):
        return []
    checkpoint = services.latest_checkpoint()
    indices = set(EntryFile.objects.filter(sha256=digest).values_list("entry_id", flat=True))
    indices.update(services.leaf_indices(bytes.fromhex(digest)))
    found = []
    for entry in Entry.objects.filter(index__in=indices).order_by("index"):
        if entry.index >= checkpoint.size:
            checkpoint = services.checkpoint_issue()
        how = "文件" if digest in entry.files else "记录"
        found.append(Found(entry, action_label(entry.action), how, proof_document(entry, checkpoint)))
    return found
