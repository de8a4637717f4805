"""Property tests of zhifa.ledger.merkle against a naive RFC 6962 section 2.1 reference.

The reference below follows the RFC's recursive definitions literally (MTH, PATH,
PROOF/SUBPROOF) and uses hashlib directly, so it shares no code with the module.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache, partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhifa.ledger import merkle

MAX_SIZE = 300
DATA = Path(__file__).parent / "data" / "rfc6962"


# --- naive reference (RFC 6962 section 2.1) ---------------------------------------------


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """Largest power of two strictly smaller than n (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class Ref:
    """MTH, PATH and PROOF exactly as RFC 6962 2.1 defines them, over raw leaf data."""

    def __init__(self, data: list[bytes]) -> None:
        self.data = data
        self.mth = cache(self._mth)

    def _mth(self, start: int, end: int) -> bytes:
        n = end - start
        if n == 0:
            return _sha(b"")
        if n == 1:
            return _sha(b"\x00" + self.data[start])
        k = _k(n)
        return _sha(b"\x01" + self.mth(start, start + k) + self.mth(start + k, end))

    def path(self, m: int, start: int, end: int) -> list[bytes]:
        n = end - start
        if n == 1:
            return []
        k = _k(n)
        if m < k:
            return [*self.path(m, start, start + k), self.mth(start + k, end)]
        return [*self.path(m - k, start + k, end), self.mth(start, start + k)]

    def subproof(self, m: int, start: int, end: int, b: bool) -> list[bytes]:
        n = end - start
        if m == n:
            return [] if b else [self.mth(start, end)]
        k = _k(n)
        if m <= k:
            return [*self.subproof(m, start, start + k, b), self.mth(start + k, end)]
        return [*self.subproof(m - k, start + k, end, False), self.mth(start, start + k)]

    def proof(self, m: int, n: int) -> list[bytes]:
        return self.subproof(m, 0, n, True)

    def leaf_hashes(self, n: int) -> list[bytes]:
        return [self.mth(i, i + 1) for i in range(n)]


def ref_shape(m: int, n: int) -> list[bool]:
    """Side of each audit-path sibling, bottom-up (True = right), from the RFC recursion."""
    if n == 1:
        return []
    k = _k(n)
    return [*ref_shape(m, k), True] if m < k else [*ref_shape(m - k, n - k), False]


class CountingGetNode:
    """``get_node`` over the reference that counts calls and checks they stay in the tree."""

    def __init__(self, ref: Ref, size: int) -> None:
        self.ref = ref
        self.size = size
        self.calls = 0

    def __call__(self, level: int, index: int) -> bytes:
        self.calls += 1
        start, end = index << level, (index + 1) << level
        assert level >= 0
        assert index >= 0
        assert end <= self.size, (level, index, self.size)
        return self.ref.mth(start, end)


def _log_bound(n: int) -> int:
    # Path length is <= ceil(log2 n) plus one popcount for the right-edge sibling.
    return 2 * (n.bit_length() + 2)


def _data(n: int) -> list[bytes]:
    # Distinct leaves: with duplicates, swapped siblings could hash alike.
    return [i.to_bytes(4, "big") for i in range(n)]


REF = Ref(_data(2 * MAX_SIZE + 2))

sizes = st.integers(min_value=1, max_value=MAX_SIZE)


def _flip(value: bytes, bit: int) -> bytes:
    out = bytearray(value)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# --- known answers ---------------------------------------------------------------------


def test_empty_root_known_answer() -> None:
    expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert merkle.EMPTY_ROOT.hex() == expected
    assert merkle.root([]).hex() == expected
    assert merkle.CompactRange().root().hex() == expected
    assert merkle.SHA256.digest_size == 32


def test_leaf_and_node_hash_domain_separation() -> None:
    assert merkle.leaf_hash(b"abc") == _sha(b"\x00abc")
    assert merkle.node_hash(b"l", b"r") == _sha(b"\x01lr")


def test_rfc6962_leaves_root_matches_vectors() -> None:
    leaves = [
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
    got = merkle.root([merkle.leaf_hash(d) for d in leaves])
    assert got == Ref(leaves).mth(0, 8)
    vector = DATA / "inclusion" / "1" / "happy-path.json"
    if vector.exists():
        case = json.loads(vector.read_text(encoding="utf-8"))
        assert case["treeSize"] == 8
        assert got == base64.b64decode(case["root"])
    assert got.hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


# --- roots and the appender --------------------------------------------------------------


def test_root_matches_reference_for_every_size() -> None:
    for n in range(MAX_SIZE + 1):
        assert merkle.root(REF.leaf_hashes(n)) == REF.mth(0, n), n


@given(st.lists(st.binary(max_size=16), max_size=MAX_SIZE))
def test_root_matches_reference_for_random_data(data: list[bytes]) -> None:
    assert merkle.root([merkle.leaf_hash(d) for d in data]) == Ref(data).mth(0, len(data))


def test_appender_matches_reference_at_every_step() -> None:
    rng = merkle.CompactRange()
    seen: set[tuple[int, int]] = set()
    for n in range(MAX_SIZE):
        rng, completed = rng.append(REF.mth(n, n + 1))
        assert rng.size == n + 1
        assert rng.root() == REF.mth(0, n + 1) == merkle.root_from_peaks(rng.peaks)
        assert completed[0] == merkle.Node(0, n, REF.mth(n, n + 1))
        for node in completed:
            start, end = node.index << node.level, (node.index + 1) << node.level
            assert end == n + 1  # a node completes exactly when its last leaf arrives
            assert node.hash == REF.mth(start, end)
            seen.add((node.level, node.index))
        for node in rng.peak_nodes():
            assert node.hash == REF.mth(node.index << node.level, (node.index + 1) << node.level)
        assert merkle.CompactRange.from_nodes(n + 1, CountingGetNode(REF, n + 1)) == rng
    # Over the whole run every perfect subtree is emitted exactly once.
    expected = {(lv, i) for lv in range(10) for i in range(MAX_SIZE >> lv)}
    assert seen == expected


@given(st.integers(min_value=0, max_value=MAX_SIZE), st.binary(min_size=32, max_size=32))
def test_append_leaf_function_matches_class(n: int, new_leaf: bytes) -> None:
    peaks = [node.hash for node in _range_at(n).peak_nodes()]
    new_peaks, completed = merkle.append_leaf(n, peaks, new_leaf)
    rng, completed2 = _range_at(n).append(new_leaf)
    assert tuple(new_peaks) == rng.peaks
    assert completed == completed2


def _range_at(n: int) -> merkle.CompactRange:
    rng = merkle.CompactRange()
    for i in range(n):
        rng, _ = rng.append(REF.mth(i, i + 1))
    return rng


def test_peak_positions() -> None:
    assert merkle.peak_positions(0) == []
    assert merkle.peak_positions(1) == [(0, 0)]
    assert merkle.peak_positions(7) == [(2, 0), (1, 2), (0, 6)]
    assert merkle.peak_positions(12) == [(3, 0), (2, 2)]


def test_append_rejects_wrong_peak_count() -> None:
    with pytest.raises(ValueError, match="peaks"):
        merkle.append_leaf(3, [b"x" * 32], b"y" * 32)
    with pytest.raises(ValueError, match="peaks"):
        merkle.CompactRange(2, ())


# --- inclusion proofs --------------------------------------------------------------------


def test_every_inclusion_proof_small_trees() -> None:
    for n in range(1, 65):
        root = REF.mth(0, n)
        for i in range(n):
            get_node = CountingGetNode(REF, n)
            proof = merkle.inclusion_proof(i, n, get_node)
            assert proof == REF.path(i, 0, n)
            assert get_node.calls <= _log_bound(n)
            merkle.verify_inclusion(REF.mth(i, i + 1), i, n, proof, root)


@given(st.data(), sizes)
def test_inclusion_proof_verifies(data: st.DataObject, n: int) -> None:
    i = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    get_node = CountingGetNode(REF, n)
    proof = merkle.inclusion_proof(i, n, get_node)
    assert get_node.calls <= _log_bound(n)
    assert proof == REF.path(i, 0, n)
    assert proof == merkle.inclusion_proof_from_leaves(i, REF.leaf_hashes(n))
    merkle.verify_inclusion(REF.mth(i, i + 1), i, n, proof, REF.mth(0, n))
    assert merkle.root_from_inclusion_proof(REF.mth(i, i + 1), i, n, proof) == REF.mth(0, n)


@given(st.data(), sizes)
def test_inclusion_tampering_fails(data: st.DataObject, n: int) -> None:
    i = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    leaf, root = REF.mth(i, i + 1), REF.mth(0, n)
    proof = merkle.inclusion_proof_from_leaves(i, REF.leaf_hashes(n))
    bad: list[tuple[bytes, int, int, list[bytes], bytes]] = [
        (_flip(leaf, data.draw(st.integers(0, 255))), i, n, proof, root),
        (leaf, i, n, proof, _flip(root, data.draw(st.integers(0, 255)))),
        (leaf, i, n, [*proof, proof[-1] if proof else root], root),  # too long
        (leaf, n, n, proof, root),  # index == size
        (leaf, i, 2 * n, proof, root),
        (leaf, i, 0, proof, root),
    ]
    if proof:
        k = data.draw(st.integers(0, len(proof) - 1), label="component")
        bit = data.draw(st.integers(0, 255), label="bit")
        bad.append((leaf, i, n, [*proof[:k], _flip(proof[k], bit), *proof[k + 1 :]], root))
        bad.append((leaf, i, n, proof[:-1], root))  # too short
        bad.append((leaf, i, n, [*proof[:k], proof[k][:-1], *proof[k + 1 :]], root))  # short hash
    if i < n // 2:
        bad.append((leaf, i, n // 2, proof, root))
    for args in bad:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)
    # Another index in the same tree never verifies; distinct leaves make siblings differ.
    for j in range(n):
        if j != i:
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(leaf, j, n, proof, root)


@given(st.data(), sizes)
def test_inclusion_wrong_size_fails_unless_same_path_shape(data: st.DataObject, n: int) -> None:
    # RFC 6962 proofs bind the root, not the size: a size whose audit path has the same
    # shape computes the very same root.  Every other size must be rejected.
    i = data.draw(st.integers(min_value=0, max_value=n - 1), label="index")
    leaf, root = REF.mth(i, i + 1), REF.mth(0, n)
    proof = merkle.inclusion_proof_from_leaves(i, REF.leaf_hashes(n))
    for other in range(i + 1, 2 * n + 2):
        if ref_shape(i, other) == ref_shape(i, n):
            merkle.verify_inclusion(leaf, i, other, proof, root)
        else:
            with pytest.raises(merkle.ProofError):
                merkle.verify_inclusion(leaf, i, other, proof, root)


# --- consistency proofs ------------------------------------------------------------------


def test_every_consistency_proof_small_trees() -> None:
    for n in range(1, 65):
        for m in range(1, n + 1):
            get_node = CountingGetNode(REF, n)
            proof = merkle.consistency_proof(m, n, get_node)
            assert proof == (REF.proof(m, n) if m < n else [])
            assert get_node.calls <= _log_bound(n)
            merkle.verify_consistency(m, n, proof, REF.mth(0, m), REF.mth(0, n))


@given(st.data(), sizes)
def test_consistency_proof_verifies(data: st.DataObject, n: int) -> None:
    m = data.draw(st.integers(min_value=1, max_value=n), label="size1")
    get_node = CountingGetNode(REF, n)
    proof = merkle.consistency_proof(m, n, get_node)
    assert get_node.calls <= _log_bound(n)
    assert proof == (REF.proof(m, n) if m < n else [])
    assert proof == merkle.consistency_proof_from_leaves(m, REF.leaf_hashes(n))
    merkle.verify_consistency(m, n, proof, REF.mth(0, m), REF.mth(0, n))


@given(st.data(), st.integers(min_value=2, max_value=MAX_SIZE))
def test_consistency_tampering_fails(data: st.DataObject, n: int) -> None:
    m = data.draw(st.integers(min_value=1, max_value=n - 1), label="size1")
    r1, r2 = REF.mth(0, m), REF.mth(0, n)
    proof = merkle.consistency_proof_from_leaves(m, REF.leaf_hashes(n))
    k = data.draw(st.integers(0, len(proof) - 1), label="component")
    bit = data.draw(st.integers(0, 255), label="bit")
    bad: list[tuple[int, int, list[bytes], bytes, bytes]] = [
        (m, n, [*proof[:k], _flip(proof[k], bit), *proof[k + 1 :]], r1, r2),
        (m, n, proof, _flip(r1, bit), r2),
        (m, n, proof, r1, _flip(r2, bit)),
        (m, n, proof, r2, r1),
        (m, n, proof[:-1], r1, r2),
        (m, n, proof[1:], r1, r2),
        (m, n, [*proof, proof[-1]], r1, r2),
        (m, n, [r1, *proof], r1, r2),
        (m, n, [], r1, r2),
        (n, m, proof, r2, r1),
        (0, n, proof, merkle.EMPTY_ROOT, r2),
        (m, 2 * n, proof, r1, r2),
        (m, m, proof, r1, r2),
    ]
    if m < n // 2:
        bad.append((m, n // 2, proof, r1, r2))
    for args in bad:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)
    # The old size is bound by root1: no other size1 verifies.
    for other in range(1, n + 1):
        if other != m:
            with pytest.raises(merkle.ProofError):
                merkle.verify_consistency(other, n, proof, r1, r2)


# --- edge cases, large trees, other hashers ----------------------------------------------


def test_edge_cases() -> None:
    leaf = REF.mth(0, 1)
    merkle.verify_inclusion(leaf, 0, 1, [], leaf)
    for index, size in [(0, 0), (1, 1), (-1, 1), (5, 3)]:
        with pytest.raises(merkle.ProofError, match="index"):
            merkle.verify_inclusion(leaf, index, size, [], leaf)
    with pytest.raises(merkle.ProofError, match="bytes"):
        merkle.verify_inclusion(leaf[:31], 0, 1, [], leaf[:31])
    with pytest.raises(merkle.ProofError, match="too long"):
        merkle.verify_inclusion(leaf, 0, 1, [leaf], leaf)
    with pytest.raises(merkle.ProofError, match="too short"):
        merkle.verify_inclusion(leaf, 0, 2, [], leaf)
    e = merkle.EMPTY_ROOT
    merkle.verify_consistency(0, 0, [], e, e)
    merkle.verify_consistency(5, 5, [], REF.mth(0, 5), REF.mth(0, 5))
    with pytest.raises(merkle.ProofError, match="empty tree"):
        merkle.verify_consistency(0, 1, [], e, leaf)
    with pytest.raises(merkle.ProofError, match="greater"):
        merkle.verify_consistency(2, 1, [], e, e)
    with pytest.raises(merkle.ProofError, match="negative"):
        merkle.verify_consistency(-1, 1, [], e, e)
    with pytest.raises(ValueError, match="index"):
        merkle.inclusion_proof(3, 3, CountingGetNode(REF, 3))
    with pytest.raises(ValueError, match="size1"):
        merkle.consistency_proof(0, 3, CountingGetNode(REF, 3))
    with pytest.raises(ValueError, match="size1"):
        merkle.consistency_proof(4, 3, CountingGetNode(REF, 3))
    assert issubclass(merkle.ProofError, ValueError)


def test_subtree_root() -> None:
    get_node = CountingGetNode(REF, MAX_SIZE)
    for start, end in [(0, 0), (0, 1), (0, 7), (8, 13), (128, 300), (256, 300), (2, 5)]:
        assert merkle.subtree_root(start, end, get_node) == REF.mth(start, end)
    with pytest.raises(ValueError, match="aligned"):
        merkle.subtree_root(64, 300, get_node)
    with pytest.raises(ValueError, match="invalid"):
        merkle.subtree_root(3, 1, get_node)


class FakeNodes:
    """Records requests for a huge tree without hashing it; values are arbitrary."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.calls = 0

    def __call__(self, level: int, index: int) -> bytes:
        self.calls += 1
        assert (index + 1) << level <= self.size
        return _sha(f"{level}/{index}".encode())


@pytest.mark.parametrize("n", [2**20, 10**6 + 1, 2**40 - 1, 10**12 + 12345])
def test_proof_generation_is_logarithmic_for_huge_trees(n: int) -> None:
    for i in (0, 1, n // 3, n - 2, n - 1):
        get_node = FakeNodes(n)
        proof = merkle.inclusion_proof(i, n, get_node)
        assert len(proof) == len(ref_shape(i, n))
        assert get_node.calls <= _log_bound(n)
    for m in (1, 2, n // 3, n - 1):
        get_node = FakeNodes(n)
        merkle.consistency_proof(m, n, get_node)
        assert get_node.calls <= _log_bound(n)


@pytest.mark.dateless
def test_root_of_a_million_leaves_equals_appender() -> None:
    leaves = [_sha(i.to_bytes(4, "big")) for i in range(10**6)]
    rng = merkle.CompactRange()
    for lh in leaves[:1000]:
        rng, _ = rng.append(lh)
    assert merkle.root(leaves[:1000]) == rng.root()
    assert len(merkle.root(leaves)) == 32


def _other_hasher() -> merkle.TreeHasher:
    return merkle.TreeHasher("sha3-256", 32, hashlib.sha3_256)


@settings(max_examples=25)
@given(st.data(), sizes)
def test_other_hasher_is_threaded_through(data: st.DataObject, n: int) -> None:
    h = _other_hasher()
    leaves = [h.hash_leaf(d) for d in _data(n)]
    root = merkle.root(leaves, hasher=h)
    assert root != merkle.root([merkle.leaf_hash(d) for d in _data(n)])
    i = data.draw(st.integers(0, n - 1), label="index")
    proof = merkle.inclusion_proof_from_leaves(i, leaves, hasher=h)
    merkle.verify_inclusion(leaves[i], i, n, proof, root, hasher=h)
    if n > 1:  # with one leaf the proof is empty and no hashing happens
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(leaves[i], i, n, proof, root)
    m = data.draw(st.integers(1, n), label="size1")
    cproof = merkle.consistency_proof_from_leaves(m, leaves, hasher=h)
    merkle.verify_consistency(m, n, cproof, merkle.root(leaves[:m], hasher=h), root, hasher=h)
    rng = merkle.CompactRange(hasher=h)
    for lh in leaves:
        rng, _ = rng.append(lh)
    assert rng.root() == root


def test_hasher_checks_digest_size() -> None:
    with pytest.raises(ValueError, match="digest_size"):
        merkle.TreeHasher("sha256", 20, hashlib.sha256)
    short = merkle.TreeHasher("blake2s-16", 16, partial(hashlib.blake2s, digest_size=16))
    assert len(short.empty_root()) == 16
    with pytest.raises(merkle.ProofError, match="16"):
        merkle.verify_inclusion(merkle.EMPTY_ROOT, 0, 1, [], merkle.EMPTY_ROOT, hasher=short)
