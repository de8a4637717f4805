"""Signing keys and signed notes (C2SP signed-note, tlog-checkpoint). Pure Python + cryptography.

Signing sits behind the small `Signer` protocol so that an SM2 signer (国密) can replace Ed25519
without touching callers: it needs a name, an algorithm byte, its public key bytes and `sign`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
SIGNATURE_PREFIX = "— "  # an em dash and a space begin every signature line


class NoteError(ValueError):
    """A signed note that is malformed or whose signature does not verify."""


class Signer(Protocol):
    name: str
    algorithm: int

    def public_key_bytes(self) -> bytes: ...

    def sign(self, message: bytes) -> bytes: ...


def key_hash(name: str, algorithm: int, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()[:4]


def verifier_key(signer: Signer) -> str:
    """`<name>+<key hash hex>+<base64(algorithm ‖ public key)>`."""
    public = signer.public_key_bytes()
    encoded = base64.b64encode(bytes([signer.algorithm]) + public).decode()
    return f"{signer.name}+{key_hash(signer.name, signer.algorithm, public).hex()}+{encoded}"


@dataclass
class Ed25519Signer:
    name: str
    private_key: Ed25519PrivateKey
    algorithm: int = ED25519

    def public_key_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    @classmethod
    def load_or_create(cls, name: str, path: Path) -> Ed25519Signer:
        """The key in `path`, made there (mode 0600) on first use. It lives outside the database."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            pem = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
            # O_EXCL: two processes starting at once must not each make a key.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(pem)
                    handle.flush()
                    os.fsync(handle.fileno())
        return cls.from_pem(name, path.read_bytes(), str(path))

    @classmethod
    def from_pem(cls, name: str, pem: bytes, where: str) -> Ed25519Signer:
        """The key in PEM text (PKCS#8, unencrypted); `where` names its source in the error."""
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError) as error:
            raise NoteError(f"{where} does not hold a readable unencrypted PEM private key") from error
        if not isinstance(key, Ed25519PrivateKey):
            raise NoteError(f"{where} does not hold an Ed25519 private key")
        return cls(name=name, private_key=key)


@dataclass(frozen=True)
class Verifier:
    name: str
    algorithm: int
    public_key: bytes

    @classmethod
    def parse(cls, text: str) -> Verifier:
        try:
            name, hash_hex, encoded = text.strip().split("+", 2)
            raw = base64.b64decode(encoded, validate=True)
        except (ValueError, binascii.Error) as error:
            raise NoteError("malformed verifier key") from error
        if not raw or raw[0] != ED25519 or len(raw) != 33:
            raise NoteError("verifier key is not an Ed25519 key")
        if key_hash(name, raw[0], raw[1:]).hex() != hash_hex:
            raise NoteError("verifier key hash does not match the key")
        return cls(name, raw[0], raw[1:])

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def sign_checkpoint(body: CheckpointBody, signer: Signer) -> str:
    text = body.text()
    signature = signer.sign(text.encode())
    tag = key_hash(signer.name, signer.algorithm, signer.public_key_bytes())
    return f"{text}\n{SIGNATURE_PREFIX}{signer.name} {base64.b64encode(tag + signature).decode()}\n"


def open_checkpoint(note: str, verifier: Verifier) -> CheckpointBody:
    """Parse a signed checkpoint and check its signature; NoteError says what is wrong."""
    text, separator, signatures = note.partition("\n\n")
    if not separator or not text:
        raise NoteError("not a signed note: no blank line before the signatures")
    lines = text.split("\n")
    if len(lines) < 3:
        raise NoteError("checkpoint needs origin, size and root lines")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not (size_text.isascii() and size_text.isdigit()) or (size_text != "0" and size_text.startswith("0")):
        raise NoteError(f"bad tree size {size_text!r}")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error as error:
        raise NoteError("root hash is not base64") from error
    body_text = text + "\n"
    tag = key_hash(verifier.name, verifier.algorithm, verifier.public_key)
    for line in signatures.split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            continue
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            continue
        if name == verifier.name and raw[:4] == tag and verifier.verify(body_text.encode(), raw[4:]):
            return CheckpointBody(origin, int(size_text), root)
    raise NoteError("no valid signature by the ledger key")
