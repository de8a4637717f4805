"""Canonical JSON: the one byte string a document has, so that its SHA-256 names it.

UTF-8, keys sorted (by code point, as Python's `sort_keys` does), no spaces (`,` and `:` only), characters other
than ASCII written as themselves (not `\\uXXXX`), integers only. A float anywhere is refused: JSON numbers with a
fraction or an exponent print differently in different languages, integers do not. Ratios are therefore basis
points (1/10,000: 3 % = 300).

A published file must *be* its canonical form (`canonical_document`): then its SHA-256 is what `sha256sum` prints,
and a duplicate key, a float or a different spacing cannot make two readers see two documents under one hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


class NotCanonical(ValueError):
    """The bytes are not a canonical JSON document (or not JSON at all)."""


def _refuse_float(text: str) -> float:
    raise NotCanonical(f"a number with a fraction or exponent ({text}): only integers are allowed")


def _refuse_constant(text: str) -> float:
    raise NotCanonical(f"{text} is not JSON")


def canonical(value: Any) -> bytes:
    """The canonical bytes of a JSON value made of dicts with str keys, lists, str, int, bool and None.

    NaN and Infinity are refused here; a float is refused by `parse`, and by the draw, which checks the type of
    every value of the inputs document."""
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise NotCanonical(str(error)) from error
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse(data: bytes) -> Any:
    """JSON bytes to a value, refusing floats, NaN and Infinity (integers only)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotCanonical(f"not UTF-8: {error}") from error
    try:
        return json.loads(text, parse_float=_refuse_float, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise NotCanonical(f"not JSON: {error}") from error


def canonical_document(data: bytes) -> Any:
    """Parse `data` and check that it is byte for byte its own canonical form; return the value."""
    value = parse(data)
    if canonical(value) != data:
        raise NotCanonical(
            "the file is not in canonical form (keys sorted, no spaces, no trailing newline, UTF-8 characters "
            "as themselves, no duplicate keys): `python -m zhifa_draw hash FILE --write CANONICAL` writes it"
        )
    return value
