"""The verifier key line and C2SP signed checkpoint notes (docs/ledger.md), parsed strictly."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space
_SIZE = re.compile(r"0|[1-9][0-9]*")  # decimal, no sign, no leading zeros
_KEY_HASH = re.compile(r"[0-9a-f]{8}")


class NoteError(ValueError):
    """A key line or note that is malformed or whose signature does not verify."""


def decode_base64(text: str, length: int, what: str) -> bytes:
    """Standard base64 of exactly `length` bytes, in the one spelling that encodes them."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as error:
        raise NoteError(f"{what} is not valid base64") from error
    # b64decode ignores stray low bits in the last character; re-encoding catches those spellings.
    if base64.b64encode(raw).decode() != text:
        raise NoteError(f"{what} is not canonical base64")
    if len(raw) != length:
        raise NoteError(f"{what} is {len(raw)} bytes, expected {length}")
    return raw


def key_hash(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def _check_name(name: str) -> None:
    if not name or "+" in name or any(char.isspace() for char in name):
        raise NoteError(f"key name {name!r} is empty or contains '+' or a space")


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_hash: bytes
    public_key: Ed25519PublicKey

    @classmethod
    def parse(cls, line: str) -> VerifierKey:
        """`<name>+<key hash, 8 hex>+<base64(0x01 ‖ public key)>`."""
        parts = line.split("+", 2)  # base64 may itself contain '+', names may not
        if len(parts) != 3:
            raise NoteError("verifier key is not <name>+<key hash>+<key>")
        name, hash_hex, encoded = parts
        _check_name(name)
        if not _KEY_HASH.fullmatch(hash_hex):
            raise NoteError(f"verifier key hash {hash_hex!r} is not 8 lower-case hex digits")
        raw = decode_base64(encoded, 33, "verifier key")
        if raw[0] != ED25519:
            raise NoteError(f"verifier key algorithm 0x{raw[0]:02x} is not Ed25519 (0x01)")
        computed = key_hash(name, raw[1:])
        if computed.hex() != hash_hex:
            raise NoteError(f"verifier key hash {hash_hex} does not match the key (which hashes to {computed.hex()})")
        try:
            public_key = Ed25519PublicKey.from_public_bytes(raw[1:])
        except ValueError as error:
            raise NoteError("verifier key is not a usable Ed25519 public key") from error
        return cls(name, computed, public_key)


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes


def open_note(note: str, key: VerifierKey) -> Checkpoint:
    """Parse one checkpoint note (five lines, each ending in a newline) and check its one signature."""
    lines = note.split("\n")
    if len(lines) != 6 or lines[5] != "":
        raise NoteError(f"a checkpoint note is 5 lines, each ending in a newline; this has {len(lines) - 1} lines")
    origin, size_text, root_text, blank, signature = lines[:5]
    if not origin:
        raise NoteError("the origin line is empty")
    if not _SIZE.fullmatch(size_text):
        raise NoteError(f"tree size {size_text!r} is not a plain decimal number")
    root = decode_base64(root_text, 32, "root hash")
    if blank:
        raise NoteError("the line after the root hash must be empty (no extension lines)")
    if not signature.startswith(SIGNATURE_PREFIX):
        raise NoteError("the signature line does not begin with an em dash and a space")
    name, space, encoded = signature[len(SIGNATURE_PREFIX) :].partition(" ")
    if not space:
        raise NoteError("the signature line is not '— <key name> <signature>'")
    if name != key.name:
        raise NoteError(f"signed by key name {name!r}, not the verifier key's {key.name!r}")
    raw = decode_base64(encoded, 68, "signature")
    if raw[:4] != key.key_hash:
        raise NoteError(f"signed by another key (key hash {raw[:4].hex()}, the verifier key's is {key.key_hash.hex()})")
    try:
        key.public_key.verify(raw[4:], "".join(line + "\n" for line in lines[:3]).encode())
    except InvalidSignature:
        raise NoteError("the Ed25519 signature does not verify") from None
    return Checkpoint(origin, int(size_text), root)
