"""A witness for a Zhifa portal (docs/verification.md, "For witness operators"): standard library and
`cryptography` only, like the rest of zhifa_verify.

    python -m zhifa_verify witness --generate-key --name NAME --key KEYFILE
    python -m zhifa_verify witness --url https://portal.example --key KEYFILE --state STATEFILE [--log-key FILE]

Each run fetches the latest checkpoint, checks the log's signature on it, checks with a consistency proof
(RFC 9162 2.1.4.2) that it extends the checkpoint this witness saw last, remembers it, cosigns it (C2SP
tlog-cosignature, cosignature/v1) and POSTs the cosigned note back. A log that shrank, forked or changed its
key is reported and never cosigned. The first run trusts the key and checkpoint it sees (or `--log-key`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from zhifa_verify.note import SIGNATURE_PREFIX, NoteError, VerifierKey, decode_base64, open_note
from zhifa_verify.tree import node_hash

COSIGNATURE_V1 = 0x04
PRIVATE_PREFIX = "PRIVATE+KEY+"
TIMEOUT = 30  # seconds for each request
MAX_ANSWER = 1 << 20


class LogMisbehaved(Exception):
    """The log showed something no honest append-only log can: a shrunk or forked tree, a changed key."""


class WitnessUnable(Exception):
    """The run could not complete (network, files, the portal refused): nothing was proved either way."""


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([COSIGNATURE_V1]) + public_key).digest()[:4]


@dataclass(frozen=True)
class WitnessSigner:
    name: str
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()

    def verifier_line(self) -> str:
        """What the portal's operator registers: `<name>+<key ID>+<base64(0x04 ‖ public key)>`."""
        encoded = base64.b64encode(bytes([COSIGNATURE_V1]) + self.public_key).decode()
        return f"{self.name}+{key_id(self.name, self.public_key).hex()}+{encoded}"

    def private_line(self) -> str:
        seed = self.private_key.private_bytes_raw()
        encoded = base64.b64encode(bytes([COSIGNATURE_V1]) + seed).decode()
        return f"{PRIVATE_PREFIX}{self.name}+{key_id(self.name, self.public_key).hex()}+{encoded}"

    @classmethod
    def parse(cls, line: str) -> WitnessSigner:
        """`PRIVATE+KEY+<name>+<key ID>+<base64(0x04 ‖ 32-byte seed)>` (the signed-note private key form)."""
        if not line.startswith(PRIVATE_PREFIX):
            raise WitnessUnable(f"the key file does not begin with {PRIVATE_PREFIX}")
        parts = line[len(PRIVATE_PREFIX) :].strip().split("+", 2)
        if len(parts) != 3:
            raise WitnessUnable("the key file is not PRIVATE+KEY+<name>+<key ID>+<key>")
        name, id_hex, encoded = parts
        try:
            raw = decode_base64(encoded, 33, "the private key")
        except NoteError as error:
            raise WitnessUnable(str(error)) from None
        if raw[0] != COSIGNATURE_V1:
            raise WitnessUnable("the private key is not a cosignature/v1 Ed25519 key (type 0x04)")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if key_id(name, signer.public_key).hex() != id_hex:
            raise WitnessUnable("the key file's key ID does not match its key")
        return signer

    def cosign(self, body: str, timestamp: int) -> str:
        """The cosignature line over a checkpoint body (its three lines with their newlines)."""
        message = f"cosignature/v1\ntime {timestamp}\n{body}".encode()
        raw = key_id(self.name, self.public_key) + timestamp.to_bytes(8, "big") + self.private_key.sign(message)
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(raw).decode()}"


def check_cosignature(line: str, body: str, name: str, public_key: bytes) -> int:
    """Check a cosignature line over `body` by the witness (`name`, key); return its timestamp."""
    if not line.startswith(SIGNATURE_PREFIX + name + " "):
        raise NoteError(f"not a signature line by {name}")
    raw = decode_base64(line[len(SIGNATURE_PREFIX + name + " ") :], 76, "cosignature")
    if raw[:4] != key_id(name, public_key):
        raise NoteError("the cosignature's key ID is not this witness's")
    timestamp = int.from_bytes(raw[4:12], "big")
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            raw[12:], f"cosignature/v1\ntime {timestamp}\n{body}".encode()
        )
    except InvalidSignature:
        raise NoteError("the cosignature does not verify") from None
    return timestamp


def verify_consistency(size1: int, size2: int, proof: list[bytes], root1: bytes, root2: bytes) -> None:
    """RFC 9162 2.1.4.2: the tree (size2, root2) extends (size1, root1); LogMisbehaved says why not."""
    if not 0 < size1 <= size2:
        raise LogMisbehaved(f"no consistency from a tree of {size1} to one of {size2}")
    if size1 == size2:
        if proof or root1 != root2:
            raise LogMisbehaved(f"two different roots for the same tree size {size1}")
        return
    path = [root1, *proof] if size1 & (size1 - 1) == 0 else list(proof)
    if not path:
        raise LogMisbehaved("the consistency proof is empty")
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for node in path[1:]:
        if sn == 0:
            raise LogMisbehaved("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(node, fr), node_hash(node, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, node)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise LogMisbehaved("the consistency proof is too short")
    if fr != root1 or sr != root2:
        raise LogMisbehaved(f"the tree of {size2} does not extend the tree of {size1} this witness saw")


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (the operator's own URL)
            return str(response.read(MAX_ANSWER).decode("utf-8"))
    except (urllib.error.URLError, OSError, UnicodeDecodeError) as error:
        raise WitnessUnable(f"GET {url}: {error}") from None


def _post(url: str, text: str) -> str:
    request = urllib.request.Request(  # noqa: S310
        url, data=text.encode(), method="POST", headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return str(response.read(MAX_ANSWER).decode("utf-8"))
    except urllib.error.HTTPError as error:
        raise WitnessUnable(
            f"the portal refused the cosignature: {error.read(4096).decode('utf-8', 'replace').strip()}"
        ) from None
    except (urllib.error.URLError, OSError) as error:
        raise WitnessUnable(f"POST {url}: {error}") from None


def _read_state(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise WitnessUnable(f"cannot read the state file {path}: {error}") from None
    if not isinstance(state, dict):
        raise WitnessUnable(f"the state file {path} does not hold a JSON object")
    return state


def _write_state(path: Path, state: dict[str, Any]) -> None:
    """Written to a new file and renamed over the old, so a crash leaves the old state or the new."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)


@dataclass(frozen=True)
class Outcome:
    size: int
    previous: int | None
    answer: str  # the cosignature lines the portal holds for the checkpoint


def run(base_url: str, signer: WitnessSigner, state_file: Path, log_key_line: str | None = None) -> Outcome:
    """One witness round: fetch, check, remember, cosign, submit."""
    base = base_url.rstrip("/")
    state = _read_state(state_file)
    fetched_key = (log_key_line or _get(f"{base}/public/ledger/key")).strip()
    if state.get("log_key") not in (None, fetched_key):
        raise LogMisbehaved(f"the log's key changed: {state['log_key']} before, now {fetched_key}")
    try:
        key = VerifierKey.parse(fetched_key)
        note = _get(f"{base}/public/ledger/checkpoint")
        checkpoint = open_note(note, key)
    except NoteError as error:
        raise LogMisbehaved(f"the latest checkpoint does not verify: {error}") from None
    if state.get("origin") not in (None, checkpoint.origin):
        raise LogMisbehaved(f"the log's origin changed from {state['origin']} to {checkpoint.origin}")
    previous = state.get("size")
    if isinstance(previous, int) and previous > 0:
        old_root = base64.b64decode(state["root"])
        if checkpoint.size < previous:
            raise LogMisbehaved(f"the log shrank from {previous} to {checkpoint.size} entries")
        if checkpoint.size == previous:
            verify_consistency(previous, previous, [], old_root, checkpoint.root)
        else:
            query = urllib.parse.urlencode({"from": previous, "to": checkpoint.size})
            try:
                answer = json.loads(_get(f"{base}/public/ledger/consistency?{query}"))
                proof = [decode_base64(node, 32, "a proof node") for node in answer["proof"]]
            except (ValueError, KeyError, TypeError, NoteError) as error:
                raise WitnessUnable(f"cannot read the consistency proof: {error}") from None
            verify_consistency(previous, checkpoint.size, proof, old_root, checkpoint.root)
    # Remembered before cosigning: what this witness has seen is what it must hold the log to next time.
    _write_state(
        state_file,
        {
            "log_key": fetched_key,
            "origin": checkpoint.origin,
            "size": checkpoint.size,
            "root": base64.b64encode(checkpoint.root).decode(),
        },
    )
    body = note.partition("\n\n")[0] + "\n"
    line = signer.cosign(body, int(time.time()))
    held = _post(f"{base}/public/ledger/cosign", note + line + "\n")
    return Outcome(checkpoint.size, previous if isinstance(previous, int) else None, held)


def generate(name: str, key_file: Path) -> WitnessSigner:
    """A new witness key in `key_file` (mode 0600, never overwritten)."""
    if not name or "+" in name or any(char.isspace() for char in name):
        raise WitnessUnable(f"witness name {name!r} is empty or contains '+' or a space")
    signer = WitnessSigner(name, Ed25519PrivateKey.generate())
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise WitnessUnable(f"{key_file} exists already; a witness key is never overwritten") from None
    except OSError as error:
        raise WitnessUnable(f"cannot create {key_file}: {error}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(signer.private_line() + "\n")
    return signer


def load(key_file: Path) -> WitnessSigner:
    try:
        return WitnessSigner.parse(key_file.read_text(encoding="utf-8").strip())
    except OSError as error:
        raise WitnessUnable(f"cannot read the key file {key_file}: {error}") from None
