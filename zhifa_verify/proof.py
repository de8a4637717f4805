"""Checks one public answer of `/public/ledger/proof` or the check page (docs/ledger.md, "What a public answer
shows"): the document is named by the entry's leaf, the leaf is in the tree, the tree is signed by the key."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from zhifa_verify.note import NoteError, VerifierKey, decode_base64, open_note
from zhifa_verify.tree import leaf_hash, node_hash


class ProofProblem(ValueError):
    """The answer does not prove what it says; the message names the step that failed."""


@dataclass(frozen=True)
class Proved:
    index: int
    time: str
    action: str
    tree_size: int
    file: str | None  # the document's SHA-256, when the answer says the leaf names it


def root_from_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes:
    """RFC 9162 2.1.3.2: the root an inclusion path leads to from `leaf` at `index` in a tree of `size`."""
    if not 0 <= index < size:
        raise ProofProblem(f"index {index} is outside a tree of {size}")
    fn, sn, node = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            raise ProofProblem("the inclusion path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofProblem("the inclusion path is shorter than the tree is deep")
    return node


def verify_answer(answer: dict[str, Any], key: VerifierKey, sha256: str | None = None) -> Proved:
    """Check a public answer against the published verifier key, and (given) that it is about document `sha256`."""
    if answer.get("covered") is not True:
        raise ProofProblem("the answer carries no proof (the entry is not yet covered by a signed checkpoint)")
    leaf_text = answer.get("leaf")
    if not isinstance(leaf_text, str):
        raise ProofProblem("the answer has no leaf")
    leaf = json.loads(leaf_text)
    if json.dumps(leaf, sort_keys=True, separators=(",", ":"), ensure_ascii=False) != leaf_text:
        raise ProofProblem("the leaf is not in canonical JSON form")
    if sha256 is not None:
        digest = sha256.strip().lower()
        # A format-2 leaf names a file by the SHA-256 of its digest; a format-1 leaf by the digest itself.
        named = hashlib.sha256(bytes.fromhex(digest)).hexdigest() if leaf.get("v") == 2 else digest
        if named not in leaf.get("files", []):
            raise ProofProblem(f"the leaf does not name the document {digest}")
    try:
        note = open_note(str(answer.get("checkpoint")), key)
        path = [decode_base64(node, 32, "a path node") for node in answer.get("proof", [])]
    except NoteError as error:
        raise ProofProblem(str(error)) from None
    index = leaf.get("index")
    if not isinstance(index, int) or index != answer.get("index"):
        raise ProofProblem("the leaf's index is not the answer's")
    if root_from_path(leaf_hash(leaf_text.encode()), index, note.size, path) != note.root:
        raise ProofProblem("the inclusion path does not lead to the signed root")
    return Proved(index, str(leaf.get("time")), str(leaf.get("action")), note.size, sha256)
