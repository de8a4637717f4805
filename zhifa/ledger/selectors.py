"""Reads of the ledger for pages and the public API."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
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


def not_yet_covered() -> str:
    return (
        f"该记录已写入，但晚于最新的签名检查点，尚未纳入其中：系统每 {settings.LEDGER_CHECKPOINT_MINUTES} 分钟内"
        "签发一次检查点，请稍后再查询包含证明。"
    )


def proof_document(entry: Entry, checkpoint: Checkpoint | None, *, file: str | None = None) -> dict[str, Any]:
    """The public answer about `entry` (docs/ledger.md, "What a public answer shows"): its leaf and an
    inclusion proof in the tree the latest checkpoint signed, checked before it is handed out.

    A format-2 leaf shows only the time, the action, its files as tokens and the hash of its sealed part: no
    user, agency or subject key and no other file's hash. `file` is the document the visitor asked about.
    An entry newer than the checkpoint gets no proof and says so (`covered` false); it is never signed
    here, on a visitor's request.
    """
    answer: dict[str, Any] = {
        "index": entry.index,
        "leaf": entry.leaf,
        "leaf_hash": bytes(entry.leaf_hash).hex(),
    }
    if file is not None:
        answer["file"] = file
    if checkpoint is None or entry.index >= checkpoint.size:
        answer.update(covered=False, message=not_yet_covered())
        return answer
    proof = services.inclusion_proof(entry.index, checkpoint.size)
    merkle.verify_inclusion(bytes(entry.leaf_hash), entry.index, checkpoint.size, proof, bytes(checkpoint.root))
    answer.update(
        covered=True,
        tree_size=checkpoint.size,
        root=base64.b64encode(bytes(checkpoint.root)).decode(),
        proof=[base64.b64encode(node).decode() for node in proof],
        checkpoint=checkpoint.note,
    )
    return answer


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
        named = digest in entry.files
        how = "文件" if named else "记录"
        proof = proof_document(entry, checkpoint, file=digest if named else None)
        found.append(Found(entry, action_label(entry.action), how, proof))
    return found
