"""RFC 6962 Merkle tree hashing: the roots of a list of leaf hashes at chosen sizes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def roots_at(leaves: Sequence[bytes], sizes: Iterable[int]) -> dict[int, bytes]:
    """The tree root over `leaves[:size]` for each wanted size (sizes beyond the leaves are skipped).

    One pass keeping the perfect subtrees along the right edge (the "peaks"): appending a leaf merges
    equal-height peaks, and folding the peaks right to left gives MTH, since RFC 6962 splits every
    range at its largest power of two, which is exactly the leftmost peak.
    """
    wanted = set(sizes)
    roots = {0: EMPTY_ROOT} if 0 in wanted else {}
    peaks: list[bytes] = []
    for position, leaf in enumerate(leaves):
        node = leaf
        # Each trailing 1 bit of the old size is a full peak of the same height to merge with.
        carry = position
        while carry & 1:
            node = node_hash(peaks.pop(), node)
            carry >>= 1
        peaks.append(node)
        if position + 1 in wanted:
            root = peaks[-1]
            for peak in reversed(peaks[:-1]):
                root = node_hash(peak, root)
            roots[position + 1] = root
    return roots
