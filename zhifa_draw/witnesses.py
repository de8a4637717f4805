"""Numbers entered by witnesses, made canonical as RFC 3797 (Publicly Verifiable NomCom Random Selection) does.

RFC 3797 section 4 ("A Suggested Precise Algorithm"), steps 1 to 3:

1. each value is written in decimal without leading zeros, and a fraction without trailing zeros in its fractional
   part; an integer is terminated by a period ("9319."), a fraction has the period between its whole and
   fractional parts ("12.5"), and a whole part of zero is written as one zero ("0.25");
2. the values of one source are put in ascending order and concatenated, then a "/" is appended (the same lottery
   result is sometimes printed in the order drawn and sometimes sorted; the order carries no information);
3. the sources' strings are concatenated in the order the sources were announced, as ASCII:
   "9319./2.5.8.10.12./9.18.26.34.41.45./" is the RFC's own example (section 6).

Here a "source" is one witness: the numbers one named witness entered (or read out from a public draw he was
asked to bring). RFC 3797 then hashes the string with MD5, prefixed and suffixed by a two-byte big-endian
counter, once per selection (`rfc3797_select`, kept to check our canonical form against the RFC's worked example).
Zhifa's draw does not use MD5: the canonical string is the seed value, mixed into the seed with SHA-256 like the
other sources (zhifa_draw/seed.py, docs/inspections-draw.md).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from decimal import Decimal

_NUMBER = re.compile(r"\A([0-9]+)(?:\.([0-9]*))?\Z")
MAX_SOURCES = 64
MAX_VALUES = 64
MAX_DIGITS = 40


class WitnessProblem(ValueError):
    """A witness's entry is not a list of non-negative decimal numbers."""


def _value(text: str) -> tuple[Decimal, str]:
    """One value: its number (for sorting) and its RFC 3797 representation."""
    match = _NUMBER.match(text)
    if match is None:
        raise WitnessProblem(f"{text!r} is not a non-negative decimal number (digits, at most one period)")
    whole, fraction = match.group(1), match.group(2)
    if len(whole) + len(fraction or "") > MAX_DIGITS:
        raise WitnessProblem(f"{text!r} has more than {MAX_DIGITS} digits")
    whole = whole.lstrip("0") or "0"
    fraction = (fraction or "").rstrip("0")
    if fraction:
        return Decimal(f"{whole}.{fraction}"), f"{whole}.{fraction}"
    return Decimal(whole), f"{whole}."


def canonical_source(values: Sequence[str]) -> str:
    """One source's values (as typed: "02", "5", "12.50") to "2.5.12.5/"."""
    if not values:
        raise WitnessProblem("a witness entered no number")
    if len(values) > MAX_VALUES:
        raise WitnessProblem(f"a witness entered more than {MAX_VALUES} numbers")
    parsed = sorted(_value(value.strip()) for value in values)
    return "".join(text for _, text in parsed) + "/"


def canonical_key(sources: Sequence[Sequence[str]]) -> str:
    """The RFC 3797 key string of all sources, in the announced order."""
    if not sources:
        raise WitnessProblem("no witness entered anything")
    if len(sources) > MAX_SOURCES:
        raise WitnessProblem(f"more than {MAX_SOURCES} witnesses")
    return "".join(canonical_source(values) for values in sources)


def split_entry(entry: str) -> list[str]:
    """A witness's entry as typed ("2 5 12 8 10", "2,5,12") into its values."""
    return [part for part in re.split(r"[\s,，;；]+", entry) if part]


def check_key(key: str) -> str:
    """A key string as entered for a recomputation: RFC 3797's alphabet (digits, ".", "/"), ending with "/".

    The string alone cannot be parsed back into values ("2.5." is 2.5 or 2 and 5), so its canonical form is
    checked where it is made (`canonical_key`, the `witnesses` command) and the witnesses' own numbers are
    published beside it."""
    if len(key) > 4096 or re.fullmatch(r"(?:[0-9.]+/)+", key) is None:
        raise WitnessProblem("an RFC 3797 key string is digits and periods, each source ended by '/'")
    return key


def rfc3797_select(key: str, pool: int, count: int, algorithm: str = "md5") -> list[int]:
    """RFC 3797's own selection of `count` of 1..`pool`: value i = hash(i ‖ key ‖ i) with i a two-byte big-endian
    counter, read as a big-endian integer; the (value mod remaining)-th of those not yet selected is selected.
    (It has modulo bias, negligible with 128 bits; Zhifa's draw uses rejection sampling instead.)"""
    if not 0 < count <= pool <= 0xFFFF:
        raise WitnessProblem("the pool has 1 to 65,535 members and the selection at most as many")
    remaining = list(range(1, pool + 1))
    chosen: list[int] = []
    for index in range(count):
        counter = index.to_bytes(2, "big")
        digest = hashlib.new(algorithm, counter + key.encode("ascii") + counter, usedforsecurity=False).digest()
        chosen.append(remaining.pop(int.from_bytes(digest, "big") % len(remaining)))
    return chosen
