"""Verifier key lines and checkpoint notes are parsed strictly: every deviation is refused."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zhifa_verify.note import NoteError, VerifierKey, open_note
from zhifa_verify.tests.builder import ORIGIN, key_line, public_bytes, sign_note

KEY = Ed25519PrivateKey.generate()
ROOT = bytes(range(32))


def verifier() -> VerifierKey:
    return VerifierKey.parse(key_line(ORIGIN, KEY))


def test_a_good_note_opens() -> None:
    checkpoint = open_note(sign_note(KEY, ORIGIN, 12, ROOT), verifier())
    assert (checkpoint.origin, checkpoint.size, checkpoint.root) == (ORIGIN, 12, ROOT)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda note: note + "\n", "5 lines"),
        (lambda note: note[:-1], "5 lines"),
        (lambda note: note.replace("\n\n", "\nextension\n\n"), "5 lines"),
        (lambda note: note + "\u2014 other AAAA\n", "5 lines"),
        (lambda note: note.replace("\u2014 ", "- "), "em dash"),
        (lambda note: note.replace("\n12\n", "\n012\n"), "plain decimal"),
        (lambda note: note.replace("\n12\n", "\n+12\n"), "plain decimal"),
        (lambda note: note.replace("\n12\n", "\n13\n"), "does not verify"),
        (lambda note: note.replace(f"{ORIGIN}\n", "zhifa.local/other\n", 1), "does not verify"),
        (lambda note: note.replace(base64.b64encode(ROOT).decode(), base64.b64encode(ROOT[:31]).decode()), "31 bytes"),
        (lambda note: note.replace(f"\u2014 {ORIGIN} ", "\u2014 other.name "), "key name"),
        (lambda note: note.replace(f"\u2014 {ORIGIN} ", f"\u2014 {ORIGIN}  "), "not valid base64"),
    ],
)
def test_malformed_notes_are_refused(edit: Callable[[str], str], message: str) -> None:
    with pytest.raises(NoteError, match=message):
        open_note(edit(sign_note(KEY, ORIGIN, 12, ROOT)), verifier())


def test_a_signature_by_another_key_is_named_as_such() -> None:
    with pytest.raises(NoteError, match="another key"):
        open_note(sign_note(Ed25519PrivateKey.generate(), ORIGIN, 12, ROOT), verifier())


def test_non_canonical_base64_is_refused() -> None:
    note = sign_note(KEY, ORIGIN, 12, ROOT)
    signature = note.rsplit(" ", 1)[1].rstrip("\n")
    body = signature.rstrip("=")
    # The last character before the padding carries unused low bits; setting one keeps the bytes the same.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    tweaked = body[:-1] + alphabet[alphabet.index(body[-1]) | 1] + signature[len(body) :]
    assert tweaked != signature
    assert base64.b64decode(tweaked) == base64.b64decode(signature)
    with pytest.raises(NoteError, match="canonical"):
        open_note(note.replace(signature, tweaked), verifier())


def test_key_lines_are_checked() -> None:
    line = key_line(ORIGIN, KEY)
    name, hash_hex, encoded = line.split("+", 2)
    assert VerifierKey.parse(line).name == ORIGIN
    wrong_algorithm = base64.b64encode(b"\x02" + public_bytes(KEY)).decode()
    with pytest.raises(NoteError, match="algorithm 0x02"):
        VerifierKey.parse(f"{name}+{hash_hex}+{wrong_algorithm}")
    with pytest.raises(NoteError, match="does not match"):
        VerifierKey.parse(f"{name}+{'0' * 8}+{encoded}")
    # The true hash in upper case (one hex letter at least, so that it really differs) is refused too.
    lettered = line
    while lettered.split("+")[1].isdigit():
        lettered = key_line(ORIGIN, Ed25519PrivateKey.generate())
    lettered_name, lettered_hash, lettered_key = lettered.split("+", 2)
    with pytest.raises(NoteError, match="8 lower-case hex"):
        VerifierKey.parse(f"{lettered_name}+{lettered_hash.upper()}+{lettered_key}")
    short = base64.b64encode(b"\x01" + bytes(31)).decode()
    with pytest.raises(NoteError, match="32 bytes, expected 33"):
        VerifierKey.parse(f"{name}+{hash_hex}+{short}")
    with pytest.raises(NoteError, match="<name>"):
        VerifierKey.parse("just-a-name")
