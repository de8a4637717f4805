"""Conformance of zhifa.ledger.merkle against the transparency-dev/merkle RFC 6962 vectors.

The vectors live in ``data/rfc6962`` (see its README.md and NOTICE).  Every ``wantErr:
false`` case must verify and every ``wantErr: true`` case must be rejected with
ProofError.  The happy paths are also regenerated from the eight RFC 6962 test leaves,
so proof *generation* is checked against the same data.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from zhifa.ledger import merkle

DATA = Path(__file__).parent / "data" / "rfc6962"

# Counts of the vendored copy; a lost or emptied folder must not pass silently.
EXPECTED_INCLUSION_FILES = 98
EXPECTED_CONSISTENCY_FILES = 98

# RFC 6962 test leaves, as listed in data/rfc6962/README.md.
RFC6962_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
RFC6962_ROOT8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


def _files(kind: str) -> list[Path]:
    return sorted((DATA / kind).rglob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        case: dict[str, Any] = json.load(fh)
    return case


def _b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def _proof(case: dict[str, Any]) -> list[bytes]:
    # Go's encoding/json writes a nil slice as null.
    return [_b64(p) for p in case["proof"] or []]


def _params(kind: str) -> list[Any]:
    return [pytest.param(p, id=p.relative_to(DATA).as_posix()) for p in _files(kind)]


def test_vector_folder_is_complete() -> None:
    assert (DATA / "LICENSE").is_file()
    assert (DATA / "NOTICE").is_file()
    assert len(_files("inclusion")) >= EXPECTED_INCLUSION_FILES
    assert len(_files("consistency")) >= EXPECTED_CONSISTENCY_FILES
    happy = [p for p in _files("inclusion") + _files("consistency") if not _load(p)["wantErr"]]
    assert len(happy) >= 10, "vectors must contain cases that are expected to verify"


@pytest.mark.parametrize("path", _params("inclusion"))
def test_inclusion_vector(path: Path) -> None:
    case = _load(path)
    args = (_b64(case["leafHash"]), case["leafIdx"], case["treeSize"], _proof(case), _b64(case["root"]))
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize("path", _params("consistency"))
def test_consistency_vector(path: Path) -> None:
    case = _load(path)
    args = (case["size1"], case["size2"], _proof(case), _b64(case["root1"]), _b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


def test_rfc6962_root_of_eight_leaves() -> None:
    leaves = [merkle.leaf_hash(d) for d in RFC6962_LEAVES]
    assert merkle.root(leaves).hex() == RFC6962_ROOT8


def _happy(kind: str) -> list[Any]:
    # Only the happy paths built from the RFC leaves (the single-entry case is not).
    return [pytest.param(p, id=p.relative_to(DATA).as_posix()) for p in _files(kind) if p.name == "happy-path.json"]


@pytest.mark.parametrize("path", _happy("inclusion"))
def test_generated_inclusion_proof_matches_vector(path: Path) -> None:
    case = _load(path)
    leaves = [merkle.leaf_hash(d) for d in RFC6962_LEAVES[: case["treeSize"]]]
    assert leaves[case["leafIdx"]] == _b64(case["leafHash"])
    assert merkle.root(leaves) == _b64(case["root"])
    assert merkle.inclusion_proof_from_leaves(case["leafIdx"], leaves) == _proof(case)


@pytest.mark.parametrize("path", _happy("consistency"))
def test_generated_consistency_proof_matches_vector(path: Path) -> None:
    case = _load(path)
    leaves = [merkle.leaf_hash(d) for d in RFC6962_LEAVES[: case["size2"]]]
    assert merkle.root(leaves[: case["size1"]]) == _b64(case["root1"])
    assert merkle.root(leaves) == _b64(case["root2"])
    assert merkle.consistency_proof_from_leaves(case["size1"], leaves) == _proof(case)
