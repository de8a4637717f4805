"""The one-pass roots agree with RFC 6962's published vectors and with the recursive definition."""

from __future__ import annotations

import hashlib

from zhifa_verify.tests.builder import mth
from zhifa_verify.tree import EMPTY_ROOT, leaf_hash, roots_at

# RFC 6962's reference inputs and the roots of their first 1..8 leaves (certificate-transparency tests).
RFC6962_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
RFC6962_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_rfc6962_vectors() -> None:
    leaves = [leaf_hash(bytes.fromhex(data)) for data in RFC6962_LEAVES]
    roots = roots_at(leaves, range(9))
    assert roots[0] == EMPTY_ROOT == hashlib.sha256(b"").digest()
    assert [roots[size].hex() for size in range(1, 9)] == RFC6962_ROOTS


def test_every_prefix_matches_the_recursive_definition() -> None:
    data = [f"leaf {i}".encode() for i in range(70)]
    roots = roots_at([leaf_hash(item) for item in data], range(71))
    assert all(roots[size] == mth(data[:size]) for size in range(71))


def test_sizes_beyond_the_leaves_are_left_out() -> None:
    assert set(roots_at([leaf_hash(b"x")], {1, 2})) == {1}


def test_a_hundred_thousand_leaves_give_the_reference_root() -> None:
    # How fast is measured in bench/, not asserted here.
    leaves = [leaf_hash(str(i).encode()) for i in range(100_000)]
    roots = roots_at(leaves, range(0, 100_001, 1000))
    assert roots[100_000] == mth([str(i).encode() for i in range(100_000)])
