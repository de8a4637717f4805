"""Writes ledger bundles per docs/ledger.md for the tests, independently of the verifier's own code."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ORIGIN = "zhifa.local/ledger"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 MTH, recursively and by the book, as a cross-check for the verifier's one-pass roots."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:split]) + mth(leaves[split:])).digest()


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_hash(name: str, key: Ed25519PrivateKey) -> bytes:
    return hashlib.sha256(name.encode() + b"\n\x01" + public_bytes(key)).digest()[:4]


def key_line(name: str, key: Ed25519PrivateKey) -> str:
    encoded = base64.b64encode(b"\x01" + public_bytes(key)).decode()
    return f"{name}+{key_hash(name, key).hex()}+{encoded}"


def sign_note(key: Ed25519PrivateKey, origin: str, size: int, root: bytes, name: str = ORIGIN) -> str:
    body = f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"
    signature = base64.b64encode(key_hash(name, key) + key.sign(body.encode())).decode()
    return f"{body}\n\u2014 {name} {signature}\n"


@dataclass
class Builder:
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    origin: str = ORIGIN
    leaves: list[str] = field(default_factory=list)
    facts: dict[int, tuple[str, str]] = field(default_factory=dict)  # index -> (facts text, salt hex)
    blobs: dict[str, bytes] = field(default_factory=dict)
    checkpoint_sizes: list[int] = field(default_factory=list)

    def add(
        self,
        action: str = "personnel.certificate.issue",
        subject: str = "personnel.certificate:1",
        facts: dict[str, Any] | None = None,
        files: tuple[bytes, ...] = (),
    ) -> int:
        index = len(self.leaves)
        facts_text = canonical(facts if facts is not None else {"name": "甲执法", "number": index})
        salt = os.urandom(16)
        digests = sorted({hashlib.sha256(content).hexdigest() for content in files})
        for content in files:
            self.blobs[hashlib.sha256(content).hexdigest()] = content
        leaf = {
            "v": 1,
            "index": index,
            "time": f"2025-03-01T08:{index // 60 % 60:02d}:{index % 60:02d}.123456Z",
            "actor": 7 if index % 2 else None,
            "agency": 3,
            "action": action,
            "subject": subject,
            "commitment": hashlib.sha256(salt + facts_text.encode()).hexdigest(),
            "files": digests,
        }
        self.leaves.append(canonical(leaf))
        self.facts[index] = (facts_text, salt.hex())
        return index

    def erase(self, index: int) -> int:
        """Record a lawful erasure of entry `index`'s facts and drop them, as the ledger would."""
        del self.facts[index]
        return self.add(action="ledger.erase_facts", subject=f"ledger.entry:{index}", facts={"reason": "依法删除"})

    def checkpoint(self) -> None:
        self.checkpoint_sizes.append(len(self.leaves))

    def root(self, size: int | None = None) -> bytes:
        leaves = self.leaves if size is None else self.leaves[:size]
        return mth([leaf.encode() for leaf in leaves])

    def note(self, size: int, key: Ed25519PrivateKey | None = None, root: bytes | None = None) -> str:
        return sign_note(key or self.key, self.origin, size, root if root is not None else self.root(size))

    def write(self, target: Path, *, public: bool = False) -> Path:
        """Write the bundle as the export does, signing the current size last when not yet signed."""
        target.mkdir(parents=True)
        size = len(self.leaves)
        if not self.checkpoint_sizes or self.checkpoint_sizes[-1] != size:
            self.checkpoint()
        with (target / "entries.jsonl").open("w", encoding="utf-8") as out:
            for index, leaf in enumerate(self.leaves):
                out.write(json.dumps({"index": index, "leaf": leaf}, ensure_ascii=False) + "\n")
        (target / "checkpoints.txt").write_text(
            "".join(self.note(size) + "\n" for size in self.checkpoint_sizes), encoding="utf-8"
        )
        (target / "verifier-key.txt").write_text(key_line(ORIGIN, self.key) + "\n", encoding="utf-8")
        if not public:
            with (target / "facts.jsonl").open("w", encoding="utf-8") as out:
                for index, (facts, salt) in sorted(self.facts.items()):
                    out.write(json.dumps({"index": index, "facts": facts, "salt": salt}, ensure_ascii=False) + "\n")
            if self.blobs:
                (target / "files").mkdir()
                for digest, content in self.blobs.items():
                    (target / "files" / digest).write_bytes(content)
        manifest = {
            "format": "zhifa-ledger-bundle/1",
            "origin": self.origin,
            "size": size,
            "public": public,
            "root": base64.b64encode(self.root()).decode(),
            "exported_at": "2025-03-02T10:00:00Z",
        }
        (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return target


def standard() -> Builder:
    """Twelve entries, two with files, checkpoints signed at 4 and 9 (and 12 when written)."""
    builder = Builder()
    for _ in range(4):
        builder.add()
    builder.checkpoint()
    builder.add(subject="cases.case:5", files=(b"photo of the scene", b"\x00\x01" * 700_000))
    for _ in range(4):
        builder.add()
    builder.checkpoint()
    builder.add(action="certificate.revoke", subject="personnel.certificate:2", files=(b"revocation order",))
    builder.add()
    builder.add()
    return builder


def read_lines(file: Path) -> list[str]:
    return file.read_text(encoding="utf-8").splitlines(keepends=True)


def write_lines(file: Path, lines: list[str]) -> None:
    file.write_text("".join(lines), encoding="utf-8")
