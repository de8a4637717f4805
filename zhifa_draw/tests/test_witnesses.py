"""RFC 3797's canonical form of the witnesses' numbers, on the RFC's own worked example (section 6)."""

from __future__ import annotations

import hashlib

import pytest

from zhifa_draw.seed import SeedProblem, check_drand, derive, value_bytes
from zhifa_draw.witnesses import WitnessProblem, canonical_key, rfc3797_select, split_entry

# Nothing here reads the date: the suite runs these once, not again under a moved clock.
pytestmark = pytest.mark.dateless

RFC_KEY = "9319./2.5.8.10.12./9.18.26.34.41.45./"


def test_the_rfc_example_key_and_selection() -> None:
    # Section 6: a stock volume, then two lotteries' numbers, the second source as printed in drawing order.
    key = canonical_key([["9319"], split_entry("2 5 12 8 10"), split_entry("9, 18, 26, 34, 41, 45")])
    assert key == RFC_KEY
    # The first value RFC 3797 hashes: MD5 of 0x0000 ‖ key ‖ 0x0000, and the ten it selects from 25.
    assert hashlib.md5(b"\0\0" + key.encode() + b"\0\0", usedforsecurity=False).hexdigest() == (
        "990dd0a5692a029a98b5e01aa28f3459"
    )
    assert rfc3797_select(key, 25, 10) == [17, 7, 2, 16, 25, 23, 8, 24, 19, 13]


def test_values_are_written_as_the_rfc_says() -> None:
    assert canonical_key([["007", "12"], ["0"]]) == "7.12./0./"  # no leading zeros; an integer ends with "."
    assert canonical_key([["12.500", "3.0", "0.25"]]) == "0.253.12.5/"  # fractions: no trailing zeros, sorted
    with pytest.raises(WitnessProblem, match="not a non-negative decimal"):
        canonical_key([["-3"]])
    with pytest.raises(WitnessProblem, match="no number"):
        canonical_key([[]])


def test_seed_values_by_source() -> None:
    inputs = "ab" * 32
    assert value_bytes("witnesses", RFC_KEY) == RFC_KEY.encode()
    with pytest.raises(SeedProblem, match="digits and periods"):
        value_bytes("witnesses", "9319 2 5")
    signature = bytes(range(48))
    randomness = hashlib.sha256(signature).hexdigest()
    check_drand(randomness, signature.hex())
    with pytest.raises(SeedProblem, match="not SHA-256"):
        check_drand("00" * 32, signature.hex())
    # The source is part of the seed: the same 32 bytes from a checkpoint or from drand give different seeds.
    assert derive(inputs, "drand", randomness) != derive(inputs, "ledger_checkpoint", randomness)
