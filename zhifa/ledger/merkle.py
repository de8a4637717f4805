"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and proof verification.

Pure Python (standard library only) so it can be used by the database layer, by
offline verifiers and by tests alike.

Terminology used throughout:

* A *leaf hash* is ``HASH(0x00 || data)``; an interior node is ``HASH(0x01 || left || right)``.
* A *perfect subtree* ``(level, index)`` covers the ``2**level`` leaves starting at
  ``index * 2**level``; level 0 is the leaf hashes themselves.  The storage layer keeps
  only these, so proof generation asks a ``get_node(level, index)`` callback for them and
  derives the hashes of the tree's non-perfect right edge itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


class _HashObject(Protocol):
    def update(self, data: bytes, /) -> None: ...

    def digest(self) -> bytes: ...


#: ``get_node(level, index)`` returns the hash of the perfect subtree ``(level, index)``.
GetNode = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A Merkle proof, or the data it is checked against, does not verify."""


@dataclass(frozen=True)
class TreeHasher:
    """The hash function behind a tree, so SHA-256 can be swapped (e.g. for SM3).

    ``new`` is a hashlib-style constructor taking no arguments, e.g. ``hashlib.sha256``
    or ``lambda: hashlib.new("sm3")`` where OpenSSL provides SM3.
    """

    name: str
    digest_size: int
    new: Callable[[], _HashObject]

    def __post_init__(self) -> None:
        # Catch a mismatched name/size pair at configuration time, not at proof time.
        actual = len(self.new().digest())
        if actual != self.digest_size:
            raise ValueError(f"{self.name}: digest_size {self.digest_size} != actual {actual}")

    def _digest(self, *parts: bytes) -> bytes:
        h = self.new()
        for part in parts:
            h.update(part)
        return h.digest()

    def empty_root(self) -> bytes:
        """Root of the tree with no leaves: ``HASH()``."""
        return self._digest()

    def hash_leaf(self, data: bytes) -> bytes:
        """Leaf hash: ``HASH(0x00 || data)``."""
        return self._digest(b"\x00", data)

    def hash_children(self, left: bytes, right: bytes) -> bytes:
        """Interior node hash: ``HASH(0x01 || left || right)``."""
        return self._digest(b"\x01", left, right)


SHA256 = TreeHasher("sha256", 32, hashlib.sha256)
EMPTY_ROOT = SHA256.empty_root()


@dataclass(frozen=True)
class Node:
    """A perfect subtree hash at ``(level, index)``, as stored by the database layer."""

    level: int
    index: int
    hash: bytes


_sha256 = hashlib.sha256


def leaf_hash(data: bytes, *, hasher: TreeHasher = SHA256) -> bytes:
    """Return ``HASH(0x00 || data)``."""
    if hasher is SHA256:  # the common case without the hasher's indirection: one call into OpenSSL
        return _sha256(b"\x00" + data).digest()
    return hasher.hash_leaf(data)


def node_hash(left: bytes, right: bytes, *, hasher: TreeHasher = SHA256) -> bytes:
    """Return ``HASH(0x01 || left || right)``."""
    return hasher.hash_children(left, right)


def _split(n: int) -> int:
    """Largest power of two strictly smaller than ``n`` (``n >= 2``): RFC 6962's ``k``."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes], *, hasher: TreeHasher = SHA256) -> bytes:
    """Merkle Tree Hash (MTH) over already-hashed leaves.

    Hashes level by level and promotes an unpaired last node unchanged, which yields the
    same tree as RFC 6962's "largest power of two" split because perfect subtrees are
    left-aligned.  O(n) hashes, O(n) memory, no recursion.
    """
    if not leaf_hashes:
        return hasher.empty_root()
    hc = hasher.hash_children
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [hc(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def _perfect(start: int, width: int, get_node: GetNode) -> bytes:
    """Hash of the perfect subtree of ``width`` (a power of two) leaves at ``start``."""
    height = width.bit_length() - 1
    return get_node(height, start >> height)


def subtree_root(start: int, end: int, get_node: GetNode, *, hasher: TreeHasher = SHA256) -> bytes:
    """MTH of leaves ``[start, end)`` built from the perfect subtrees it decomposes into.

    The range is cut into perfect subtrees of decreasing size (one per set bit of
    ``end - start``) and folded right to left, which needs ``popcount(end - start)``
    ``get_node`` calls.  ``start`` must be a multiple of the largest power of two not
    above ``end - start``; every range used in proof generation satisfies that.
    """
    width = end - start
    if start < 0 or width < 0:
        raise ValueError(f"invalid range [{start}, {end})")
    if width == 0:
        return hasher.empty_root()
    top = 1 << (width.bit_length() - 1)
    if start % top:
        raise ValueError(f"range [{start}, {end}) is not aligned to perfect subtrees")
    pieces: list[bytes] = []
    pos = start
    bit = top
    while bit:
        if width & bit:
            pieces.append(_perfect(pos, bit, get_node))
            pos += bit
        bit >>= 1
    result = pieces.pop()
    while pieces:
        result = hasher.hash_children(pieces.pop(), result)
    return result


def inclusion_proof(index: int, size: int, get_node: GetNode, *, hasher: TreeHasher = SHA256) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree of ``size`` leaves (RFC 9162 2.1.3.1).

    Returned bottom-up, as verifiers consume it.  At most one sibling lies on the
    non-perfect right edge, so ``get_node`` is called O(log size) times.
    """
    if not 0 <= index < size:
        raise ValueError(f"need 0 <= index < size, got index={index}, size={size}")
    path: list[bytes] = []  # collected top-down, reversed at the end
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            path.append(subtree_root(mid, hi, get_node, hasher=hasher))
            hi = mid
        else:
            path.append(_perfect(lo, mid - lo, get_node))
            lo = mid
    path.reverse()
    return path


def consistency_proof(size1: int, size2: int, get_node: GetNode, *, hasher: TreeHasher = SHA256) -> list[bytes]:
    """Consistency proof from tree size ``size1`` to ``size2`` (RFC 9162 2.1.4.1).

    Equal sizes give an empty proof.  ``size1 == 0`` is refused: RFC 9162 defines proofs
    only for ``0 < size1``, and the verifier rejects them.
    """
    if not 0 < size1 <= size2:
        raise ValueError(f"need 0 < size1 <= size2, got size1={size1}, size2={size2}")
    path: list[bytes] = []  # siblings top-down, reversed at the end
    lo, hi, m = 0, size2, size1
    moved_right = False  # RFC's "b" flag is its negation
    while m != hi - lo:
        mid = lo + _split(hi - lo)
        if m <= mid - lo:
            path.append(subtree_root(mid, hi, get_node, hasher=hasher))
            hi = mid
        else:
            path.append(_perfect(lo, mid - lo, get_node))
            m -= mid - lo
            lo = mid
            moved_right = True
    if moved_right:
        # The old tree's last complete subtree, unless it is the whole old tree.
        path.append(subtree_root(lo, hi, get_node, hasher=hasher))
    path.reverse()
    return path


def _leaf_node_getter(leaf_hashes: Sequence[bytes], hasher: TreeHasher) -> GetNode:
    """``get_node`` over an in-memory list: precomputes every perfect subtree in O(n)."""
    levels: list[list[bytes]] = [list(leaf_hashes)]
    hc = hasher.hash_children
    while len(levels[-1]) > 1:
        below = levels[-1]
        levels.append([hc(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])

    def get_node(level: int, index: int) -> bytes:
        if not (0 <= level < len(levels) and 0 <= index < len(levels[level])):
            raise IndexError(f"no perfect subtree at level={level}, index={index}")
        return levels[level][index]

    return get_node


def inclusion_proof_from_leaves(
    index: int, leaf_hashes: Sequence[bytes], *, hasher: TreeHasher = SHA256
) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree made of all of ``leaf_hashes``."""
    get_node = _leaf_node_getter(leaf_hashes, hasher)
    return inclusion_proof(index, len(leaf_hashes), get_node, hasher=hasher)


def consistency_proof_from_leaves(
    size1: int, leaf_hashes: Sequence[bytes], *, hasher: TreeHasher = SHA256
) -> list[bytes]:
    """Consistency proof from size ``size1`` to the tree made of all of ``leaf_hashes``."""
    get_node = _leaf_node_getter(leaf_hashes, hasher)
    return consistency_proof(size1, len(leaf_hashes), get_node, hasher=hasher)


def root_from_peaks(peaks: Sequence[bytes], *, hasher: TreeHasher = SHA256) -> bytes:
    """Root of a tree from its peaks (perfect subtrees, largest/leftmost first)."""
    if not peaks:
        return hasher.empty_root()
    result = peaks[-1]
    for peak in reversed(peaks[:-1]):
        result = hasher.hash_children(peak, result)
    return result


def append_leaf(
    size: int, peaks: Sequence[bytes], leaf_hash: bytes, *, hasher: TreeHasher = SHA256
) -> tuple[list[bytes], list[Node]]:
    """Append ``leaf_hash`` to a tree of ``size`` leaves given by its ``peaks``.

    Returns the new peaks and the perfect subtrees completed by this append, starting
    with the leaf itself at level 0, so the caller can store them.  O(log size).
    """
    if size < 0 or len(peaks) != size.bit_count():
        raise ValueError(f"a tree of size {size} has {max(size, 0).bit_count()} peaks, got {len(peaks)}")
    new_peaks = list(peaks)
    current = leaf_hash
    level = 0
    completed = [Node(0, size, leaf_hash)]
    # Each set low bit of size is a peak of the same height waiting for a right sibling.
    while (size >> level) & 1:
        current = hasher.hash_children(new_peaks.pop(), current)
        level += 1
        completed.append(Node(level, size >> level, current))
    new_peaks.append(current)
    return new_peaks, completed


def peak_positions(size: int) -> list[tuple[int, int]]:
    """``(level, index)`` of the peaks of a tree of ``size`` leaves, leftmost first."""
    positions: list[tuple[int, int]] = []
    start = 0
    for level in reversed(range(size.bit_length())):
        if (size >> level) & 1:
            positions.append((level, start >> level))
            start += 1 << level
    return positions


@dataclass(frozen=True)
class CompactRange:
    """Immutable right-edge frontier of a tree: its size and peaks (largest first).

    This is all the state needed to append in O(log n) and to compute the root.
    """

    size: int = 0
    peaks: tuple[bytes, ...] = ()
    hasher: TreeHasher = SHA256

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.peaks) != self.size.bit_count():
            raise ValueError(f"a tree of size {self.size} cannot have {len(self.peaks)} peaks")

    def append(self, leaf_hash: bytes) -> tuple[CompactRange, list[Node]]:
        """Return the range with ``leaf_hash`` appended and the nodes that became complete."""
        peaks, completed = append_leaf(self.size, self.peaks, leaf_hash, hasher=self.hasher)
        return CompactRange(self.size + 1, tuple(peaks), self.hasher), completed

    def root(self) -> bytes:
        """Merkle Tree Hash of the whole tree."""
        return root_from_peaks(self.peaks, hasher=self.hasher)

    @classmethod
    def from_nodes(cls, size: int, get_node: GetNode, *, hasher: TreeHasher = SHA256) -> CompactRange:
        """Rebuild the frontier of a stored tree by reading its peaks with ``get_node``."""
        return cls(size, tuple(get_node(lv, i) for lv, i in peak_positions(size)), hasher)

    def peak_nodes(self) -> list[Node]:
        """The peaks with their ``(level, index)`` coordinates, leftmost first."""
        pairs = zip(peak_positions(self.size), self.peaks, strict=True)
        return [Node(level, index, peak) for (level, index), peak in pairs]


class Frontier:
    """A mutable right-edge frontier for one pass over many leaves (appends, verification), cheaper than
    CompactRange: its size and its peaks (largest first), changed in place."""

    def __init__(self, hasher: TreeHasher = SHA256, *, size: int = 0, peaks: Sequence[bytes] = ()) -> None:
        if size < 0 or len(peaks) != size.bit_count():
            raise ValueError(f"a tree of size {size} cannot have {len(peaks)} peaks")
        self.size = size
        self.peaks: list[bytes] = list(peaks)
        self.hasher = hasher

    def append(self, leaf_hash: bytes) -> list[Node]:
        """Append a leaf; return the subtrees above the leaves (level >= 1) that it completed."""
        completed: list[tuple[int, int, bytes]] = []
        self.extend((leaf_hash,), completed)
        return [Node(*node) for node in completed]

    def extend(self, leaf_hashes: Iterable[bytes], completed: list[tuple[int, int, bytes]]) -> None:
        """Append leaves in order, adding each subtree they complete above the leaves to `completed` as
        ``(level, index, hash)``.

        The hot loop of appends and of verification, written out: one hash call per completed subtree
        and plain tuples, no Node objects.
        """
        size = self.size
        pop = self.peaks.pop
        push = self.peaks.append
        add = completed.append
        if self.hasher is SHA256:
            sha256 = _sha256
            for current in leaf_hashes:
                level = 0
                # Each set low bit of size is a peak of the same height waiting for a right sibling.
                while (size >> level) & 1:
                    current = sha256(b"\x01" + pop() + current).digest()
                    level += 1
                    add((level, size >> level, current))
                push(current)
                size += 1
        else:
            hash_children = self.hasher.hash_children
            for current in leaf_hashes:
                level = 0
                while (size >> level) & 1:
                    current = hash_children(pop(), current)
                    level += 1
                    add((level, size >> level, current))
                push(current)
                size += 1
        self.size = size

    def root(self) -> bytes:
        return root_from_peaks(self.peaks, hasher=self.hasher)


def _check_hash(value: bytes, what: str, hasher: TreeHasher) -> None:
    if len(value) != hasher.digest_size:
        raise ProofError(f"{what} is {len(value)} bytes, expected {hasher.digest_size} ({hasher.name})")


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], *, hasher: TreeHasher = SHA256
) -> bytes:
    """Root implied by an inclusion proof (RFC 9162 2.1.3.2 steps 1-4 and the sn check).

    Raises ProofError if the index/size/proof shape is invalid.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not below tree size {size}")
    _check_hash(leaf_hash, "leaf hash", hasher)
    fn, sn = index, size - 1
    r = leaf_hash
    for i, p in enumerate(proof):
        if sn == 0:
            raise ProofError(f"inclusion proof too long: {len(proof)} hashes, needed {i}")
        _check_hash(p, f"proof[{i}]", hasher)
        if fn & 1 or fn == sn:
            r = hasher.hash_children(p, r)
            # Skip levels where this node is the right edge with no sibling.
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = hasher.hash_children(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"inclusion proof too short: {len(proof)} hashes")
    return r


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    root: bytes,
    *,
    hasher: TreeHasher = SHA256,
) -> None:
    """Check that ``leaf_hash`` is at ``index`` in the tree of ``size`` with ``root``.

    Returns None on success; raises ProofError otherwise.
    """
    if root_from_inclusion_proof(leaf_hash, index, size, proof, hasher=hasher) != root:
        raise ProofError("inclusion proof does not lead to the expected root")


def verify_consistency(
    size1: int,
    size2: int,
    proof: Sequence[bytes],
    root1: bytes,
    root2: bytes,
    *,
    hasher: TreeHasher = SHA256,
) -> None:
    """Check that the tree ``(size2, root2)`` extends ``(size1, root1)`` (RFC 9162 2.1.4.2).

    Returns None on success; raises ProofError otherwise.  Cases outside the RFC's
    ``0 < size1 < size2``: equal sizes need an empty proof and equal roots (and a size-0
    root must be the empty-tree root); ``size1 == 0 < size2`` is always rejected, since a
    proof from the empty tree proves nothing.
    """
    if size1 < 0 or size2 < 0:
        raise ProofError(f"negative tree size: size1={size1}, size2={size2}")
    if size1 > size2:
        raise ProofError(f"size1 ({size1}) is greater than size2 ({size2})")
    if size1 == size2:
        if proof:
            raise ProofError("sizes are equal, so the proof must be empty")
        if root1 != root2:
            raise ProofError("sizes are equal but roots differ")
        if size1 == 0 and root1 != hasher.empty_root():
            raise ProofError("root of an empty tree is not the empty-tree hash")
        return
    if size1 == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    if not proof:
        raise ProofError("consistency proof is empty")
    _check_hash(root1, "root1", hasher)
    _check_hash(root2, "root2", hasher)
    for i, p in enumerate(proof):
        _check_hash(p, f"proof[{i}]", hasher)

    path = list(proof)
    if size1 & (size1 - 1) == 0:
        # The old tree is a perfect subtree of the new one; its root is the seed.
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError(f"consistency proof too long: {len(proof)} hashes")
        if fn & 1 or fn == sn:
            fr = hasher.hash_children(c, fr)
            sr = hasher.hash_children(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = hasher.hash_children(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError(f"consistency proof too short: {len(proof)} hashes")
    if fr != root1:
        raise ProofError("consistency proof does not lead to the old root (root1)")
    if sr != root2:
        raise ProofError("consistency proof does not lead to the new root (root2)")
