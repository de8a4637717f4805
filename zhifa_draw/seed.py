"""The seed: the inputs' hash mixed with a public value that did not exist when the inputs were published.

    seed = SHA-256( "zhifa-draw/1 seed" 0x00 ‖ inputs hash (32 bytes) ‖ source name 0x00 ‖ value bytes )

The value's bytes, by source (the announcement in the inputs names the source and which value):

- ``ledger_checkpoint``: the 32 bytes of the root hash of the first signed checkpoint of the ledger whose tree
  size is at least the announced ``tree_size`` (entered as 64 hex digits, or as the base64 that the checkpoint
  note and `python -m zhifa_verify` print);
- ``drand``: the 32 bytes of the ``randomness`` of the announced round of the announced drand chain (64 hex
  digits); drand defines it as SHA-256 of the round's BLS signature, which `check_drand` checks when the
  signature is given too;
- ``witnesses``: the ASCII bytes of the RFC 3797 key string of the witnesses' numbers (zhifa_draw/witnesses.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from zhifa_draw.witnesses import WitnessProblem, check_key

SOURCES = ("ledger_checkpoint", "drand", "witnesses")
LABEL = b"zhifa-draw/1 seed\x00"


class SeedProblem(ValueError):
    """The seed value is not of the form its source gives."""


def _hash32(text: str, what: str) -> bytes:
    text = text.strip()
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        return bytes.fromhex(text)
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise SeedProblem(f"{what} is 32 bytes: 64 hex digits (or 44 characters of base64)")
    return raw


def value_bytes(source: str, value: str) -> bytes:
    """The bytes of a seed value as entered, checked against its source's form."""
    if source == "ledger_checkpoint":
        return _hash32(value, "a checkpoint's root hash")
    if source == "drand":
        return _hash32(value, "a drand round's randomness")
    if source == "witnesses":
        try:
            return check_key(value.strip()).encode("ascii")
        except WitnessProblem as error:
            raise SeedProblem(str(error)) from error
    raise SeedProblem(f"unknown seed source {source!r} (one of {', '.join(SOURCES)})")


def normalised(source: str, value: str) -> str:
    """The value as the result records it: lowercase hex for hashes, the key string for witnesses."""
    raw = value_bytes(source, value)
    return raw.decode("ascii") if source == "witnesses" else raw.hex()


def derive(inputs_sha256: str, source: str, value: str) -> bytes:
    """The 32-byte seed of a draw."""
    inputs = bytes.fromhex(inputs_sha256)
    if len(inputs) != 32:
        raise SeedProblem("the inputs' hash is 64 hex digits")
    return hashlib.sha256(LABEL + inputs + source.encode("ascii") + b"\x00" + value_bytes(source, value)).digest()


def check_drand(randomness: str, signature_hex: str) -> None:
    """drand's randomness is SHA-256 of the round's signature. This checks that relation only; the signature
    itself (BLS on BLS12-381) is checked against the chain's public key with drand's own client, since no
    maintained pure-Python verifier exists (docs/inspections-draw.md)."""
    try:
        signature = bytes.fromhex(signature_hex.strip())
    except ValueError as error:
        raise SeedProblem("the drand signature is hex") from error
    if hashlib.sha256(signature).digest() != value_bytes("drand", randomness):
        raise SeedProblem("the drand randomness is not SHA-256 of the given signature")
