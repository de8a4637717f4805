"""A good bundle verifies; every kind of tampering is reported with the place where it shows."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zhifa_verify import BundleUnreadable, verify_bundle
from zhifa_verify.tests.builder import Builder, canonical, read_lines, standard, write_lines


def problem(path: Path, against: Path | None = None) -> str:
    report = verify_bundle(path, against)
    assert not report.ok
    assert report.problem is not None
    return report.problem


def leaf_of(line: str) -> dict[str, object]:
    leaf = json.loads(json.loads(line)["leaf"])
    assert isinstance(leaf, dict)
    return leaf


def entry_line(leaf: dict[str, object], index: int | None = None) -> str:
    number = leaf["index"] if index is None else index
    return json.dumps({"index": number, "leaf": canonical(leaf)}, ensure_ascii=False) + "\n"


def renumbered(lines: list[str]) -> list[str]:
    """What a careful forger writes: every index made to fit again."""
    out = []
    for position, line in enumerate(lines):
        leaf = leaf_of(line)
        leaf["index"] = position
        out.append(entry_line(leaf))
    return out


@pytest.fixture
def builder() -> Builder:
    return standard()


@pytest.fixture
def bundle(builder: Builder, tmp_path: Path) -> Path:
    return builder.write(tmp_path / "bundle")


def test_a_good_full_bundle_verifies(builder: Builder, bundle: Path) -> None:
    report = verify_bundle(bundle)
    assert report.ok, report.problem
    assert report.problem is None
    assert report.size == 12
    assert report.root == base64.b64encode(builder.root()).decode()


def test_a_good_public_bundle_verifies(builder: Builder, tmp_path: Path) -> None:
    path = builder.write(tmp_path / "public", public=True)
    assert not (path / "facts.jsonl").exists()
    report = verify_bundle(path)
    assert report.ok, report.problem
    assert report.size == 12


def test_an_empty_log_with_its_checkpoint_verifies(tmp_path: Path) -> None:
    report = verify_bundle(Builder().write(tmp_path / "empty"))
    assert report.ok, report.problem
    assert report.size == 0


def test_a_byte_edited_in_a_leaf_is_placed_between_checkpoints(bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    lines = read_lines(entries)
    assert "08:00:06" in lines[6]
    lines[6] = lines[6].replace("08:00:06", "08:00:07")
    write_lines(entries, lines)
    assert problem(bundle) == (
        "checkpoint #2 (size 9): its signed root is not the root of entries 0..8; "
        "entries 0..3 match checkpoint #1, so one of entries 4..8 was changed, removed or inserted"
    )


def test_a_byte_edited_in_a_leaf_commitment_is_caught(bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    lines = read_lines(entries)
    commitment = str(leaf_of(lines[10])["commitment"])
    flipped = ("1" if commitment[0] == "0" else "0") + commitment[1:]
    write_lines(entries, [*lines[:10], lines[10].replace(commitment, flipped), *lines[11:]])
    assert problem(bundle).startswith("checkpoint #3 (size 12):")
    assert "one of entries 9..11" in problem(bundle)


def test_an_entry_deleted(bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    lines = read_lines(entries)
    del lines[5]
    write_lines(entries, lines)
    assert problem(bundle).startswith("entry 5 (entries.jsonl line 6): numbered 6 where 5 was due")
    write_lines(entries, renumbered(lines))
    assert problem(bundle).startswith("checkpoint #2 (size 9)")


def test_an_entry_inserted(bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    lines = read_lines(entries)
    forged = leaf_of(lines[2])
    forged["index"], forged["action"] = 3, "certificate.issue"
    lines.insert(3, entry_line(forged))
    write_lines(entries, lines)
    assert problem(bundle).startswith("entry 4 (entries.jsonl line 5): numbered 3 where 4 was due")
    write_lines(entries, renumbered(lines))
    assert problem(bundle).startswith("checkpoint #1 (size 4): its signed root is not the root of entries 0..3")


def test_an_entry_appended_without_a_signature(builder: Builder, bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    lines = read_lines(entries)
    extra = leaf_of(lines[11])
    extra["index"] = 12
    write_lines(entries, [*lines, entry_line(extra)])
    assert problem(bundle) == "manifest.json: says 12 entries, entries.jsonl holds 13"
    # Also rewriting the manifest only moves the failure: no checkpoint signs entry 12.
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    builder.leaves.append(canonical(extra))
    manifest.update(size=13, root=base64.b64encode(builder.root()).decode())
    (bundle / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert problem(bundle) == (
        "entries 12..12 are not covered by any signed checkpoint (the last, checkpoint #3, signs 12)"
    )


def test_two_entries_swapped(bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    lines = read_lines(entries)
    lines[2], lines[3] = lines[3], lines[2]
    write_lines(entries, lines)
    assert problem(bundle).startswith("entry 2 (entries.jsonl line 3): numbered 3 where 2 was due")
    write_lines(entries, renumbered(lines))
    assert problem(bundle).startswith("checkpoint #1 (size 4)")
    # Swapping only the leaves, keeping the line numbers, is caught by the index inside the leaf.
    lines = read_lines(entries)
    first, second = leaf_of(lines[6]), leaf_of(lines[7])
    lines[6], lines[7] = entry_line(second, 6), entry_line(first, 7)
    write_lines(entries, lines)
    assert problem(bundle).startswith("entry 6 (entries.jsonl line 7): the leaf says index 7")


def test_the_tail_truncated(builder: Builder, bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    write_lines(entries, read_lines(entries)[:10])
    expected = (
        "checkpoint #3 (checkpoints.txt line 13): signs 12 entries but the bundle holds only 10 "
        "(entries were removed from the end)"
    )
    assert problem(bundle) == expected
    # A manifest made to match the shorter log does not help.
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(size=10, root=base64.b64encode(builder.root(10)).decode())
    (bundle / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert problem(bundle) == expected


def replace_note(bundle: Path, number: int, note: str) -> None:
    notes = (bundle / "checkpoints.txt").read_text(encoding="utf-8").split("\n\n\u2014")
    text = (bundle / "checkpoints.txt").read_text(encoding="utf-8")
    blocks = [block + "\n" for block in text.split("\n\n") if block]  # origin lines, then signature lines
    assert len(notes) - 1 == len(blocks) // 2
    pairs = [blocks[i] + "\n" + blocks[i + 1] for i in range(0, len(blocks), 2)]
    pairs[number - 1] = note
    (bundle / "checkpoints.txt").write_text("".join(pair + "\n" for pair in pairs), encoding="utf-8")


def test_a_checkpoint_signed_by_another_key(builder: Builder, bundle: Path) -> None:
    replace_note(bundle, 2, builder.note(9, key=Ed25519PrivateKey.generate()))
    assert problem(bundle).startswith("checkpoint #2 (checkpoints.txt line 7): signed by another key (key hash")


def test_a_checkpoint_whose_root_was_changed(builder: Builder, bundle: Path) -> None:
    forged_root = hashlib.sha256(b"another history").digest()
    note = builder.note(9)
    real, forged = base64.b64encode(builder.root(9)).decode(), base64.b64encode(forged_root).decode()
    replace_note(bundle, 2, note.replace(real, forged))
    assert problem(bundle) == "checkpoint #2 (checkpoints.txt line 7): the Ed25519 signature does not verify"
    # Signed by the real key (a stolen key, or a fork), it still does not match the entries.
    replace_note(bundle, 2, builder.note(9, root=forged_root))
    assert problem(bundle).startswith("checkpoint #2 (size 9): its signed root is not the root of entries 0..8")


def test_checkpoints_out_of_order_or_badly_separated(builder: Builder, bundle: Path) -> None:
    checkpoints = bundle / "checkpoints.txt"
    good = checkpoints.read_text(encoding="utf-8")
    checkpoints.write_text(builder.note(9) + "\n" + builder.note(4) + "\n", encoding="utf-8")
    assert problem(bundle) == (
        "checkpoint #2 (checkpoints.txt line 7): size 4 is smaller than checkpoint #1's 9 (the log shrank)"
    )
    checkpoints.write_text(good.replace("\n\n" + builder.origin, "\n" + builder.origin, 1), encoding="utf-8")
    assert problem(bundle).startswith("checkpoint #1 (checkpoints.txt line 1): is not followed by exactly one empty")
    # Without its last character the file still ends in a newline (the signature line's); what is gone is
    # the empty line after the last note, and the verifier names that note.
    checkpoints.write_text(good[:-1], encoding="utf-8")
    assert problem(bundle) == "checkpoint #3 (checkpoints.txt line 13): is not followed by exactly one empty line"
    checkpoints.write_text(good[:-2], encoding="utf-8")
    assert problem(bundle) == "checkpoints.txt: does not end with a newline (the file was cut or edited)"
    # A bad note after good ones is still found, and named by its own number.
    checkpoints.write_text(good + good.split("\n\n", 1)[0] + "\n\n", encoding="utf-8")
    assert problem(bundle).startswith("checkpoint #4 (checkpoints.txt line 19): a checkpoint note is 5 lines")


@pytest.mark.parametrize("content", [None, ""])
def test_no_checkpoint_at_all(bundle: Path, content: str | None) -> None:
    if content is None:
        (bundle / "checkpoints.txt").unlink()
    else:
        (bundle / "checkpoints.txt").write_text(content, encoding="utf-8")
    assert problem(bundle).startswith("no signed checkpoint")


def test_a_facts_line_edited(bundle: Path) -> None:
    facts = bundle / "facts.jsonl"
    lines = read_lines(facts)
    assert "甲执法" in lines[3]
    lines[3] = lines[3].replace("甲执法", "乙执法")
    write_lines(facts, lines)
    assert problem(bundle) == (
        "entry 3 (facts.jsonl line 4): the facts and salt do not match the commitment in the leaf"
    )


def test_non_canonical_facts(bundle: Path) -> None:
    facts = bundle / "facts.jsonl"
    lines = read_lines(facts)
    row = json.loads(lines[3])
    row["facts"] = json.dumps(json.loads(row["facts"]), ensure_ascii=False, sort_keys=True)
    lines[3] = json.dumps(row, ensure_ascii=False) + "\n"
    write_lines(facts, lines)
    assert problem(bundle) == "entry 3 (facts.jsonl line 4): facts: not in canonical JSON form, so it was rewritten"


def test_facts_missing_without_and_with_an_erasure(builder: Builder, tmp_path: Path) -> None:
    path = builder.write(tmp_path / "missing")
    lines = read_lines(path / "facts.jsonl")
    write_lines(path / "facts.jsonl", lines[:3] + lines[4:])
    assert problem(path) == "entry 3: its facts are missing and no later ledger.erase_facts entry names it"
    builder.erase(3)
    report = verify_bundle(builder.write(tmp_path / "erased"))
    assert report.ok, report.problem
    assert report.size == 13


def test_an_erasure_must_come_after_the_entry_it_names(tmp_path: Path) -> None:
    builder = Builder()
    builder.add(action="ledger.erase_facts", subject="ledger.entry:1")
    builder.add()
    assert "ledger.erase_facts of 'ledger.entry:1', which is not an earlier entry" in problem(
        builder.write(tmp_path / "b")
    )


def test_a_file_byte_flipped(builder: Builder, bundle: Path) -> None:
    digest = hashlib.sha256(b"\x00\x01" * 700_000).hexdigest()  # spans two 1 MiB chunks
    file = bundle / "files" / digest
    content = bytearray(file.read_bytes())
    content[1_200_000] ^= 0x01
    file.write_bytes(bytes(content))
    assert problem(bundle) == (
        f"file {digest}: its content hashes to {hashlib.sha256(content).hexdigest()}, so it was altered"
    )


def test_a_file_missing_or_extra(bundle: Path) -> None:
    digest = hashlib.sha256(b"revocation order").hexdigest()
    (bundle / "files" / digest).unlink()
    assert problem(bundle) == f"file {digest}: named by an entry but missing from files/"
    (bundle / "files" / digest).write_bytes(b"revocation order")
    (bundle / "files" / "notes.txt").write_text("stray", encoding="utf-8")
    assert problem(bundle) == "files/notes.txt: not named by any entry"


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda leaf: json.dumps(leaf, sort_keys=True, ensure_ascii=False),  # spaces after separators
        # keys unsorted (reversed: the parsed leaf is already in sorted order, so dumping it as is changes nothing)
        lambda leaf: json.dumps(dict(reversed(leaf.items())), separators=(",", ":"), ensure_ascii=False),
        lambda leaf: json.dumps(leaf, sort_keys=True, separators=(",", ":")),  # non-ASCII escaped
    ],
)
def test_a_non_canonical_leaf(tmp_path: Path, rewrite: Callable[[dict[str, object]], str]) -> None:
    builder = standard()
    builder.add(subject="cases.case:案-7")
    path = builder.write(tmp_path / "b")
    lines = read_lines(path / "entries.jsonl")
    rewritten = rewrite(leaf_of(lines[12]))
    assert rewritten != builder.leaves[12]  # the rewrite must really change the bytes
    assert json.loads(rewritten) == json.loads(builder.leaves[12])  # ... but not the values
    lines[12] = json.dumps({"index": 12, "leaf": rewritten}, ensure_ascii=False) + "\n"
    write_lines(path / "entries.jsonl", lines)
    assert problem(path) == "entry 12 (entries.jsonl line 13): leaf: not in canonical JSON form, so it was rewritten"


def test_floats_and_booleans_are_not_integers(bundle: Path) -> None:
    entries = bundle / "entries.jsonl"
    lines = read_lines(entries)
    assert '\\"agency\\":3,' in lines[1]
    write_lines(entries, [lines[0], lines[1].replace('\\"agency\\":3,', '\\"agency\\":3.0,'), *lines[2:]])
    assert "entry 1 (entries.jsonl line 2): leaf: not valid JSON (3.0 is not an integer" in problem(bundle)
    write_lines(entries, [lines[0], lines[1].replace('\\"agency\\":3,', '\\"agency\\":true,'), *lines[2:]])
    assert problem(bundle) == "entry 1 (entries.jsonl line 2): agency is neither an id nor null"


def test_the_manifest_must_match(builder: Builder, bundle: Path) -> None:
    manifest_file = bundle / "manifest.json"
    good = json.loads(manifest_file.read_text(encoding="utf-8"))
    changes: list[tuple[dict[str, object], str]] = [
        ({"root": base64.b64encode(builder.root(11)).decode()}, "manifest.json: its root is not the root of the 12"),
        ({"size": 11}, "manifest.json: says 11 entries, entries.jsonl holds 12"),
        ({"origin": "elsewhere/ledger"}, "checkpoint #1 (checkpoints.txt line 1): origin 'zhifa.local/ledger' is not"),
        ({"format": "zhifa-ledger-bundle/2"}, "manifest.json: format"),
        ({"public": "no"}, "manifest.json: public is not true or false"),
        ({"extra": 1}, "manifest.json: not a JSON object with exactly the keys"),
    ]
    for change, expected in changes:
        manifest_file.write_text(json.dumps({**good, **change}), encoding="utf-8")
        assert problem(bundle).startswith(expected)


def test_a_public_bundle_must_hold_no_personal_data(builder: Builder, tmp_path: Path) -> None:
    path = builder.write(tmp_path / "public", public=True)
    (path / "facts.jsonl").write_text("", encoding="utf-8")
    assert problem(path) == "public bundle holds facts.jsonl: personal data must not be in a public bundle"
    (path / "facts.jsonl").unlink()
    (path / "files").mkdir()
    assert problem(path) == "public bundle holds files: personal data must not be in a public bundle"


def test_the_verifier_key_file_is_checked(bundle: Path) -> None:
    key_file = bundle / "verifier-key.txt"
    line = key_file.read_text(encoding="utf-8")
    key_file.write_text(line + line, encoding="utf-8")
    assert problem(bundle) == "verifier-key.txt: must be exactly one line ending in a newline"
    name, _, encoded = line.rstrip("\n").split("+", 2)
    key_file.write_text(f"{name}+{'f' * 8}+{encoded}\n", encoding="utf-8")
    assert problem(bundle).startswith("verifier-key.txt: verifier key hash ffffffff does not match the key")


def test_against_an_older_checkpoint(builder: Builder, bundle: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    for size in (4, 9, 12):
        kept.write_text(builder.note(size), encoding="utf-8")
        report = verify_bundle(bundle, kept)
        assert report.ok, report.problem


def test_against_a_forked_checkpoint(builder: Builder, bundle: Path, tmp_path: Path) -> None:
    fork = standard()
    fork.key = builder.key  # the same key signed a different history
    kept = tmp_path / "kept.txt"
    kept.write_text(fork.note(9), encoding="utf-8")
    assert problem(bundle, kept) == (
        "kept checkpoint kept.txt (size 9): entries 0..8 no longer give its signed root, "
        "so the log was rewritten or forked since"
    )
    kept.write_text(builder.note(9, key=Ed25519PrivateKey.generate()), encoding="utf-8")
    assert problem(bundle, kept).startswith("kept checkpoint kept.txt: signed by another key")
    kept.write_text(builder.note(12) + "\n", encoding="utf-8")
    assert problem(bundle, kept).startswith("kept checkpoint kept.txt: a checkpoint note is 5 lines")


def test_against_a_checkpoint_from_a_longer_log(builder: Builder, bundle: Path, tmp_path: Path) -> None:
    """The auditor kept a checkpoint of 13 entries; a bundle of 12 means the log was cut back since."""
    builder.add()
    kept = tmp_path / "kept.txt"
    kept.write_text(builder.note(13), encoding="utf-8")
    expected = "kept checkpoint kept.txt (size 13): the bundle holds only 12 entries (the log shrank)"
    assert problem(bundle, kept) == expected


def test_against_a_kept_checkpoint_that_is_missing_or_not_utf8(bundle: Path, tmp_path: Path) -> None:
    with pytest.raises(BundleUnreadable, match=r"nothing\.txt"):
        verify_bundle(bundle, tmp_path / "nothing.txt")
    kept = tmp_path / "kept.txt"
    kept.write_bytes(b"\xff\xfe")
    assert problem(bundle, kept).startswith("kept checkpoint kept.txt: 'utf-8' codec can't decode")


def test_unreadable_bundles_raise(tmp_path: Path, bundle: Path) -> None:
    with pytest.raises(BundleUnreadable, match="no such directory"):
        verify_bundle(tmp_path / "nowhere")
    with pytest.raises(BundleUnreadable, match="not a directory"):
        verify_bundle(bundle / "manifest.json")
    (bundle / "manifest.json").unlink()
    with pytest.raises(BundleUnreadable, match=r"no manifest\.json"):
        verify_bundle(bundle)


@pytest.mark.dateless
def test_a_hundred_thousand_entries_verify(tmp_path: Path) -> None:
    # The verifier's speed is measured in bench/ against a baseline; here only that a large log verifies whole.
    builder = Builder()
    for index in range(100_000):
        builder.add(facts={"n": index})
        if index % 20_000 == 0:
            builder.checkpoint()
    path = builder.write(tmp_path / "big")
    report = verify_bundle(path)
    assert report.ok, report.problem
    assert report.size == 100_000
