"""Canonical JSON (docs/ledger.md): the exact bytes that are hashed. Pure Python.

`dumps` has two paths that give the same text: a hand-built one for the common flat object of strings,
integers, booleans and nulls (most facts), and the strict one for everything else, which checks the
value and hands it to the standard library's encoder. (Leaves are written key by key the same way, by
`services.leaf_text`.) test_canonical.py proves both equal to the strict path with generated values;
the strict path is the definition.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any


class NotCanonical(ValueError):
    """A value that canonical JSON cannot represent (a float, a non-string key, an unknown type)."""


# One encoder for every call: json.dumps with these arguments builds the same encoder each time.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)

#: The JSON text of a string, exactly as the strict path writes it (UTF-8 characters unescaped).
string = encode_basestring


def _check(value: Any, path: str) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        raise NotCanonical(f"{path}: floats are not allowed (write amounts in fen, as integers)")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise NotCanonical(f"{path}: key {key!r} is not a string")
            _check(item, f"{path}.{key}")
        return
    raise NotCanonical(f"{path}: {type(value).__name__} is not a JSON value")


def strict_dumps(value: Any) -> str:
    """The canonical text by definition: check the value, then the standard library's encoder."""
    _check(value, "$")
    return _ENCODER.encode(value)


def scalar(value: str | int | bool | None) -> str:
    """The JSON text of a string, an integer, a boolean or null: only for values of exactly those types."""
    if type(value) is str:
        return encode_basestring(value)
    if type(value) is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    return "true" if value else "false"


def _flat(value: dict[Any, Any]) -> str | None:
    """The canonical text of a flat object of strings, integers, booleans and nulls; None for anything else.

    Exact types only: a subclass (an IntEnum, a TextChoices member) is left to the strict path.
    """
    try:
        keys = sorted(value)
    except TypeError:  # keys of different types: the strict path names the bad one
        return None
    parts = []
    for key in keys:
        if type(key) is not str:
            return None
        item = value[key]
        kind = type(item)
        if kind is str:
            text = encode_basestring(item)
        elif kind is int:
            text = int.__repr__(item)
        elif item is None:
            text = "null"
        elif kind is bool:
            text = "true" if item else "false"
        else:
            return None
        parts.append(encode_basestring(key) + ":" + text)
    return "{" + ",".join(parts) + "}"


def dumps(value: Any) -> str:
    """The canonical text of `value`: sorted keys, no whitespace, UTF-8 characters unescaped."""
    if type(value) is dict:
        text = _flat(value)
        if text is not None:
            return text
    return strict_dumps(value)


def encode(value: Any) -> bytes:
    return dumps(value).encode("utf-8")
