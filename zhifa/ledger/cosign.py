"""Witness cosignatures of checkpoints (C2SP tlog-cosignature, cosignature/v1 with Ed25519). Pure: no Django.

A witness keeps the last checkpoint it saw, checks that each newer one extends it (a consistency proof), and
cosigns it. Its signature line, appended to the checkpoint note, is::

    — <witness name> base64(key ID[4] ‖ timestamp[8, big-endian] ‖ Ed25519 signature[64])

over the message ``"cosignature/v1\\ntime <timestamp>\\n" + checkpoint body`` (the body's three lines with
their newlines, without signature lines). The key ID is ``SHA-256(name ‖ "\\n" ‖ 0x04 ‖ public key)[:4]``;
a witness's verifier key is written ``<name>+<key ID, 8 hex>+<base64(0x04 ‖ public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from zhifa.ledger.signing import SIGNATURE_PREFIX, key_hash

COSIGNATURE_V1 = 0x04  # the key ID's algorithm byte for Ed25519 cosignature/v1 keys
HEADER = "cosignature/v1\n"
MAX_TIMESTAMP = 2**63 - 1
_KEY_ID = re.compile(r"[0-9a-f]{8}")


class CosignatureError(ValueError):
    """A witness key or cosignature that is malformed or does not verify; the message says which."""


def _name_ok(name: str) -> bool:
    return bool(name) and "+" not in name and not any(char.isspace() for char in name) and len(name) <= 200


@dataclass(frozen=True)
class WitnessKey:
    """A witness's verifier key: its name and Ed25519 public key."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        return key_hash(self.name, COSIGNATURE_V1, self.public_key)

    def line(self) -> str:
        encoded = base64.b64encode(bytes([COSIGNATURE_V1]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def parse(cls, text: str) -> WitnessKey:
        """`<name>+<key ID hex>+<base64(0x04 ‖ key)>`; CosignatureError names what is wrong."""
        parts = text.strip().split("+", 2)
        if len(parts) != 3:
            raise CosignatureError("见证方公钥格式应为 <名称>+<8位十六进制密钥标识>+<base64 公钥>")
        name, id_hex, encoded = parts
        if not _name_ok(name):
            raise CosignatureError(f"见证方名称“{name}”不能为空，且不能含“+”或空白，至多200个字符")
        if not _KEY_ID.fullmatch(id_hex):
            raise CosignatureError("见证方公钥的密钥标识应为8位小写十六进制数")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise CosignatureError("见证方公钥不是有效的 base64") from None
        if len(raw) != 33 or raw[0] != COSIGNATURE_V1:
            raise CosignatureError("见证方公钥应为 cosignature/v1 的 Ed25519 公钥（算法字节 0x04，32字节公钥）")
        key = cls(name, raw[1:])
        if key.key_id.hex() != id_hex:
            raise CosignatureError(f"见证方公钥的密钥标识 {id_hex} 与公钥不符（应为 {key.key_id.hex()}）")
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key)
        except ValueError:
            raise CosignatureError("见证方公钥不是可用的 Ed25519 公钥") from None
        return key


def signed_message(body: str, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: the header, the time line, and the checkpoint body (ending in a newline)."""
    if not body.endswith("\n"):
        raise CosignatureError("检查点正文应以换行结尾")
    return f"{HEADER}time {timestamp}\n{body}".encode()


@dataclass(frozen=True)
class Cosigned:
    """One cosignature line, decoded: who, when (POSIX seconds) and the Ed25519 signature."""

    name: str
    key_id: bytes
    timestamp: int
    signature: bytes

    def line(self) -> str:
        raw = self.key_id + self.timestamp.to_bytes(8, "big") + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(raw).decode()}"


def parse_line(line: str) -> Cosigned | None:
    """A signature line of the cosignature size (4 + 8 + 64 bytes) decoded, or None for any other line."""
    if not line.startswith(SIGNATURE_PREFIX):
        return None
    name, space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not space or not _name_ok(name):
        return None
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 76:
        return None
    timestamp = int.from_bytes(raw[4:12], "big")
    if timestamp > MAX_TIMESTAMP:
        return None
    return Cosigned(name, raw[:4], timestamp, raw[12:])


def cosign(body: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> Cosigned:
    """The witness's side: cosign a checkpoint body it has checked."""
    public = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(signed_message(body, timestamp))
    return Cosigned(name, key_hash(name, COSIGNATURE_V1, public), timestamp, signature)


def verify(body: str, cosigned: Cosigned, key: WitnessKey) -> None:
    """Check one cosignature of `body` by `key`; CosignatureError says why it does not verify."""
    if cosigned.name != key.name or cosigned.key_id != key.key_id:
        raise CosignatureError(f"联署签名行的名称或密钥标识与见证方“{key.name}”的公钥不符")
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(
            cosigned.signature, signed_message(body, cosigned.timestamp)
        )
    except InvalidSignature:
        raise CosignatureError(f"见证方“{key.name}”的联署签名验证不通过") from None
