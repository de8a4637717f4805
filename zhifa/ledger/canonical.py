"""Canonical JSON (docs/ledger.md): the exact bytes that are hashed. Pure Python."""

from __future__ import annotations

import json
from typing import Any


class NotCanonical(ValueError):
    """A value that canonical JSON cannot represent (a float, a non-string key, an unknown type)."""


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


def dumps(value: Any) -> str:
    """The canonical text of `value`: sorted keys, no whitespace, UTF-8 characters unescaped."""
    _check(value, "$")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def encode(value: Any) -> bytes:
    return dumps(value).encode("utf-8")
