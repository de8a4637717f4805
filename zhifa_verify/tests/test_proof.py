"""The inclusion paths of public answers lead to the root, by RFC 9162's algorithm, for every index and size."""

from __future__ import annotations

import pytest

from zhifa_verify.proof import ProofProblem, root_from_path
from zhifa_verify.tests.builder import mth
from zhifa_verify.tree import leaf_hash


def path(index: int, data: list[bytes]) -> list[bytes]:
    """RFC 6962 PATH(m, D[n]), by its recursive definition."""
    if len(data) == 1:
        return []
    split = 1
    while split * 2 < len(data):
        split *= 2
    if index < split:
        return [*path(index, data[:split]), mth(data[split:])]
    return [*path(index - split, data[split:]), mth(data[:split])]


def test_every_path_of_every_small_tree_leads_to_its_root() -> None:
    for size in range(1, 40):
        data = [f"leaf {i}".encode() for i in range(size)]
        for index in range(size):
            assert root_from_path(leaf_hash(data[index]), index, size, path(index, data)) == mth(data)


def test_a_path_of_the_wrong_length_or_index_is_refused() -> None:
    data = [f"leaf {i}".encode() for i in range(5)]
    good = path(2, data)
    with pytest.raises(ProofProblem):
        root_from_path(leaf_hash(data[2]), 2, 5, good[:-1])
    with pytest.raises(ProofProblem):
        root_from_path(leaf_hash(data[2]), 2, 5, [*good, good[0]])
    with pytest.raises(ProofProblem):
        root_from_path(leaf_hash(data[2]), 5, 5, good)
    assert root_from_path(leaf_hash(data[3]), 2, 5, good) != mth(data)
