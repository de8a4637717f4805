"""Checks an exported ledger bundle against docs/ledger.md and names the first problem it finds."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from zhifa_verify.note import Checkpoint, NoteError, VerifierKey, decode_base64, open_note
from zhifa_verify.tree import leaf_hash, roots_at

BUNDLE_FORMAT = "zhifa-ledger-bundle/1"
ERASE_ACTION = "ledger.erase_facts"
CHUNK = 1 << 20
MANIFEST_KEYS = frozenset({"format", "origin", "size", "public", "root", "exported_at"})
LEAF_KEYS = frozenset({"v", "index", "time", "actor", "agency", "action", "subject", "commitment", "files"})
LEAF_KEYS_V2 = frozenset({"v", "index", "time", "action", "files", "sealed"})
SEALED_KEYS = frozenset({"actor", "actor_name", "agency", "subject", "commitment", "files"})
SEALED_FILE_KEYS = frozenset({"sha256", "size", "content_type"})
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_SALT_HEX = re.compile(r"[0-9a-f]{32}")
_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
_ERASED = re.compile(r"ledger\.entry:(0|[1-9][0-9]*)")


class BundleUnreadable(Exception):
    """The bundle (or the kept checkpoint) is missing or cannot be read: nothing was verified."""


class _Problem(Exception):
    """The first thing found wrong; verify_bundle turns it into the report."""


@dataclass(frozen=True)
class Report:
    ok: bool
    problem: str | None
    size: int | None  # number of entries, once they were read
    root: str | None  # base64 root over all entries, once they were read
    # `<key name>+<key hash>` of the key in the bundle, once read: everything in the bundle is checked against
    # it, so the auditor must compare it with the key the operator published (a forger would sign with another).
    key: str | None = None


def verify_bundle(path: Path, against: Path | None = None) -> Report:
    """Verify the bundle in `path` (and a checkpoint the auditor kept, if given).

    Tampering is reported, never raised; BundleUnreadable means there was nothing readable to verify.
    """
    check = _Check(path)
    try:
        check.run(against)
    except _Problem as problem:
        return Report(ok=False, problem=str(problem), size=check.size, root=check.root, key=check.key)
    except OSError as error:  # a read that failed in a way not caught where it happened (a folder, a permission)
        where = error.filename if error.filename is not None else path
        raise BundleUnreadable(f"{where}: {error.strerror or error}") from error
    return Report(ok=True, problem=None, size=check.size, root=check.root, key=check.key)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)  # JSON true is not the number 1


def _no_floats(text: str) -> NoReturn:
    raise ValueError(f"{text} is not an integer (the format has no floats)")


def _json(text: str, what: str) -> Any:
    try:
        return json.loads(text, parse_float=_no_floats, parse_constant=_no_floats)
    except (ValueError, RecursionError) as error:
        raise _Problem(f"{what}: not valid JSON ({error})") from None


def _json_object(text: str, what: str, keys: frozenset[str]) -> dict[str, Any]:
    value = _json(text, what)
    if not isinstance(value, dict) or set(value) != keys:
        raise _Problem(f"{what}: not a JSON object with exactly the keys {', '.join(sorted(keys))}")
    return value


def _canonical(text: str, what: str) -> dict[str, Any]:
    """The object `text` holds, which must be its own canonical JSON: any other spelling was rewritten."""
    value = _json(text, what)
    if not isinstance(value, dict):
        raise _Problem(f"{what}: not a JSON object")
    if json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False) != text:
        raise _Problem(f"{what}: not in canonical JSON form, so it was rewritten")
    return value


def _utf8(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise _Problem(f"{what}: holds an unpaired surrogate, which has no UTF-8 bytes") from None


def _lines(text: str, name: str) -> list[str]:
    """The lines of a file that must be non-empty lines, each ending in a newline."""
    if not text:
        return []
    if not text.endswith("\n"):
        raise _Problem(f"{name}: the last line does not end with a newline (the file was cut or edited)")
    lines = text[:-1].split("\n")
    for number, line in enumerate(lines, 1):
        if not line or "\r" in line:
            raise _Problem(f"{name} line {number}: empty or holds a carriage return")
    return lines


def _sha256_file(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Notes:
    """The checkpoints that opened, oldest first, and what was wrong with the next one, if anything."""

    parsed: list[tuple[int, Checkpoint]] = field(default_factory=list)
    problem: str | None = None


@dataclass
class _Check:
    path: Path
    size: int | None = None
    root: str | None = None
    key: str | None = None
    public: bool = False
    leaf_hashes: list[bytes] = field(default_factory=list)
    commitments: list[str | None] = field(default_factory=list)
    files: set[str] = field(default_factory=set)
    sizes: dict[str, int] = field(default_factory=dict)  # what format-2 leaves sealed about each file
    erased: set[int] = field(default_factory=set)

    def run(self, against: Path | None) -> None:
        if not self.path.is_dir():
            raise BundleUnreadable(f"{self.path}: {'not a directory' if self.path.exists() else 'no such directory'}")
        manifest_text = self._read("manifest.json")
        if manifest_text is None:
            raise BundleUnreadable(f"{self.path}: no manifest.json, so this is not a ledger bundle")
        manifest = self._manifest(manifest_text)
        self.public = manifest["public"]
        self._entries()
        entries = len(self.leaf_hashes)
        key = self._key()
        self.key = f"{key.name}+{key.key_hash.hex()}"
        notes = self._notes(key)
        roots = roots_at(self.leaf_hashes, {checkpoint.size for _, checkpoint in notes.parsed} | {entries})
        self.size, self.root = entries, base64.b64encode(roots[entries]).decode()
        checkpoints = self._checkpoints(notes, manifest["origin"], roots)
        if manifest["size"] != entries:
            raise _Problem(f"manifest.json: says {manifest['size']} entries, entries.jsonl holds {entries}")
        if manifest["root"] != roots[entries]:
            raise _Problem(f"manifest.json: its root is not the root of the {entries} entries")
        last_number, last = checkpoints[-1]
        if last.size != entries:
            # Unsigned entries at the end could have been appended by anyone.
            raise _Problem(
                f"entries {last.size}..{entries - 1} are not covered by any signed checkpoint "
                f"(the last, checkpoint #{last_number}, signs {last.size})"
            )
        if against is not None:
            self._check_kept(against, key, manifest["origin"])
        if manifest["public"]:
            for name in ("facts.jsonl", "files"):
                if (self.path / name).exists() or (self.path / name).is_symlink():
                    raise _Problem(f"public bundle holds {name}: personal data must not be in a public bundle")
        else:
            self._facts()
            self._files()

    def _read(self, name: str) -> str | None:
        file = self.path / name
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise BundleUnreadable(f"{file}: {error.strerror or error}") from error
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _Problem(f"{name}: not UTF-8 (byte {error.start})") from None

    def _manifest(self, text: str) -> dict[str, Any]:
        manifest = _json_object(text, "manifest.json", MANIFEST_KEYS)
        if manifest["format"] != BUNDLE_FORMAT:
            raise _Problem(f"manifest.json: format {manifest['format']!r} is not {BUNDLE_FORMAT!r}")
        origin = manifest["origin"]
        if not isinstance(origin, str) or not origin or "\n" in origin:
            raise _Problem("manifest.json: origin is not a one-line string")
        if not _is_int(manifest["size"]) or manifest["size"] < 0:
            raise _Problem("manifest.json: size is not a whole number")
        if not isinstance(manifest["public"], bool):
            raise _Problem("manifest.json: public is not true or false")
        if not isinstance(manifest["exported_at"], str):
            raise _Problem("manifest.json: exported_at is not a string")
        if not isinstance(manifest["root"], str):
            raise _Problem("manifest.json: root is not a string")
        try:
            manifest["root"] = decode_base64(manifest["root"], 32, "root")
        except NoteError as error:
            raise _Problem(f"manifest.json: {error}") from None
        return manifest

    def _entries(self) -> None:
        text = self._read("entries.jsonl")
        if text is None:
            raise _Problem("entries.jsonl is missing")
        for index, line in enumerate(_lines(text, "entries.jsonl")):
            where = f"entry {index} (entries.jsonl line {index + 1})"
            wrapper = _json(line, where)
            if not isinstance(wrapper, dict) or set(wrapper) not in ({"index", "leaf"}, {"index", "leaf", "sealed"}):
                raise _Problem(f"{where}: not a JSON object with the keys index, leaf (and sealed)")
            if not _is_int(wrapper["index"]) or wrapper["index"] != index:
                raise _Problem(
                    f"{where}: numbered {wrapper['index']!r} where {index} was due "
                    "(an entry was removed, added or moved)"
                )
            if not isinstance(wrapper["leaf"], str):
                raise _Problem(f"{where}: leaf is not a string")
            leaf = _canonical(wrapper["leaf"], f"{where}: leaf")
            if leaf.get("v") == 2:
                self._leaf_v2(index, leaf, wrapper.get("sealed"), where)
            else:
                if "sealed" in wrapper:
                    raise _Problem(f"{where}: a format-1 leaf has no sealed part")
                self._leaf(index, leaf, where)
            self.leaf_hashes.append(leaf_hash(_utf8(wrapper["leaf"], where)))

    def _leaf(self, index: int, leaf: dict[str, Any], where: str) -> None:
        if set(leaf) != LEAF_KEYS:
            raise _Problem(f"{where}: the leaf's keys are not exactly {', '.join(sorted(LEAF_KEYS))}")
        if not _is_int(leaf["v"]) or leaf["v"] != 1:
            raise _Problem(f"{where}: format version {leaf['v']!r}, expected 1")
        if not _is_int(leaf["index"]) or leaf["index"] != index:
            raise _Problem(f"{where}: the leaf says index {leaf['index']!r} (an entry was moved or renumbered)")
        time = leaf["time"]
        if not isinstance(time, str) or not _TIME.fullmatch(time) or not _valid_time(time[:-1]):
            raise _Problem(f"{where}: time {time!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        for key in ("actor", "agency"):
            if leaf[key] is not None and not _is_int(leaf[key]):
                raise _Problem(f"{where}: {key} is neither an id nor null")
        for key in ("action", "subject"):
            if not isinstance(leaf[key], str) or not leaf[key]:
                raise _Problem(f"{where}: {key} is not a non-empty string")
        if not isinstance(leaf["commitment"], str) or not _SHA256_HEX.fullmatch(leaf["commitment"]):
            raise _Problem(f"{where}: commitment is not a lower-case hex SHA-256")
        files = leaf["files"]
        if not isinstance(files, list) or not all(isinstance(f, str) and _SHA256_HEX.fullmatch(f) for f in files):
            raise _Problem(f"{where}: files is not a list of lower-case hex SHA-256 digests")
        if files != sorted(set(files)):
            raise _Problem(f"{where}: files are not sorted and distinct")
        if leaf["action"] == ERASE_ACTION:
            named = _ERASED.fullmatch(leaf["subject"])
            if named is None or int(named[1]) >= index:
                raise _Problem(f"{where}: {ERASE_ACTION} of {leaf['subject']!r}, which is not an earlier entry")
            self.erased.add(int(named[1]))
        self.commitments.append(leaf["commitment"])
        self.files.update(files)

    def _leaf_v2(self, index: int, leaf: dict[str, Any], sealed_text: object, where: str) -> None:
        """A format-2 leaf: its public part, and in a full bundle its sealed part, opened and checked."""
        if set(leaf) != LEAF_KEYS_V2:
            raise _Problem(f"{where}: the leaf's keys are not exactly {', '.join(sorted(LEAF_KEYS_V2))}")
        if not _is_int(leaf["index"]) or leaf["index"] != index:
            raise _Problem(f"{where}: the leaf says index {leaf['index']!r} (an entry was moved or renumbered)")
        time = leaf["time"]
        if not isinstance(time, str) or not _TIME.fullmatch(time) or not _valid_time(time[:-1]):
            raise _Problem(f"{where}: time {time!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
        if not isinstance(leaf["action"], str) or not leaf["action"]:
            raise _Problem(f"{where}: action is not a non-empty string")
        tokens = leaf["files"]
        if not isinstance(tokens, list) or not all(isinstance(t, str) and _SHA256_HEX.fullmatch(t) for t in tokens):
            raise _Problem(f"{where}: files is not a list of lower-case hex SHA-256 digests")
        if tokens != sorted(set(tokens)):
            raise _Problem(f"{where}: files are not sorted and distinct")
        if not isinstance(leaf["sealed"], str) or not _SHA256_HEX.fullmatch(leaf["sealed"]):
            raise _Problem(f"{where}: sealed is not a lower-case hex SHA-256")
        if sealed_text is None:
            if not self.public:
                raise _Problem(f"{where}: a full bundle must open the sealed part of a format-2 leaf")
            self.commitments.append(None)
            return
        if self.public:
            raise _Problem(f"{where}: a public bundle must not open sealed parts (they name users and subjects)")
        if not isinstance(sealed_text, str):
            raise _Problem(f"{where}: sealed is not a string")
        if hashlib.sha256(_utf8(sealed_text, where)).hexdigest() != leaf["sealed"]:
            raise _Problem(f"{where}: its sealed part does not hash to the leaf's sealed value, so it was altered")
        sealed = _canonical(sealed_text, f"{where}: sealed")
        if set(sealed) != SEALED_KEYS:
            raise _Problem(f"{where}: the sealed part's keys are not exactly {', '.join(sorted(SEALED_KEYS))}")
        for key in ("actor", "agency"):
            if sealed[key] is not None and not _is_int(sealed[key]):
                raise _Problem(f"{where}: {key} is neither an id nor null")
        if not isinstance(sealed["actor_name"], str):
            raise _Problem(f"{where}: actor_name is not a string")
        if not isinstance(sealed["subject"], str) or not sealed["subject"]:
            raise _Problem(f"{where}: subject is not a non-empty string")
        if not isinstance(sealed["commitment"], str) or not _SHA256_HEX.fullmatch(sealed["commitment"]):
            raise _Problem(f"{where}: commitment is not a lower-case hex SHA-256")
        files = sealed["files"]
        if not isinstance(files, list) or not all(
            isinstance(f, dict)
            and set(f) == SEALED_FILE_KEYS
            and isinstance(f["sha256"], str)
            and _SHA256_HEX.fullmatch(f["sha256"])
            and _is_int(f["size"])
            and f["size"] >= 0
            and isinstance(f["content_type"], str)
            for f in files
        ):
            raise _Problem(f"{where}: the sealed files are not objects of sha256, size and content_type")
        digests = [f["sha256"] for f in files]
        if digests != sorted(set(digests)):
            raise _Problem(f"{where}: the sealed files are not sorted and distinct")
        if sorted(hashlib.sha256(bytes.fromhex(d)).hexdigest() for d in digests) != tokens:
            raise _Problem(f"{where}: the leaf's file tokens are not those of its sealed files")
        for f in files:
            if self.sizes.setdefault(f["sha256"], f["size"]) != f["size"]:
                raise _Problem(f"{where}: file {f['sha256']} has a size other entries do not give it")
        if leaf["action"] == ERASE_ACTION:
            named = _ERASED.fullmatch(sealed["subject"])
            if named is None or int(named[1]) >= index:
                raise _Problem(f"{where}: {ERASE_ACTION} of {sealed['subject']!r}, which is not an earlier entry")
            self.erased.add(int(named[1]))
        self.commitments.append(sealed["commitment"])
        self.files.update(digests)

    def _notes(self, key: VerifierKey) -> _Notes:
        """Open the notes in checkpoints.txt in order, up to the first one that is malformed or badly signed."""
        notes = _Notes()
        text = self._read("checkpoints.txt")
        if not text:
            notes.problem = "no signed checkpoint: checkpoints.txt is missing or empty"
            return notes
        if not text.endswith("\n"):
            notes.problem = "checkpoints.txt: does not end with a newline (the file was cut or edited)"
            return notes
        lines = text[:-1].split("\n")
        # Each note is five lines (the fourth empty) and is followed by one empty line.
        for start in range(0, len(lines), 6):
            number, group = start // 6 + 1, lines[start : start + 6]
            where = f"checkpoint #{number} (checkpoints.txt line {start + 1})"
            try:
                checkpoint = open_note("".join(line + "\n" for line in group[:5]), key)
            except NoteError as error:
                notes.problem = f"{where}: {error}"
                return notes
            if len(group) != 6 or group[5]:
                notes.problem = f"{where}: is not followed by exactly one empty line"
                return notes
            notes.parsed.append((number, checkpoint))
        return notes

    def _checkpoints(self, notes: _Notes, origin: str, roots: dict[int, bytes]) -> list[tuple[int, Checkpoint]]:
        """Check each checkpoint fully, in order, so that the problem named is the first bad checkpoint's."""
        entries = len(self.leaf_hashes)
        vouched, by = 0, 0  # entries below `vouched` gave the root that checkpoint #`by` signed
        previous: Checkpoint | None = None
        for number, checkpoint in notes.parsed:
            where = f"checkpoint #{number} (checkpoints.txt line {(number - 1) * 6 + 1})"
            size = checkpoint.size
            if checkpoint.origin != origin:
                raise _Problem(f"{where}: origin {checkpoint.origin!r} is not the bundle's {origin!r}")
            if previous is not None and size < previous.size:
                raise _Problem(
                    f"{where}: size {size} is smaller than checkpoint #{number - 1}'s {previous.size} (the log shrank)"
                )
            if size > entries:
                raise _Problem(
                    f"{where}: signs {size} entries but the bundle holds only {entries} "
                    "(entries were removed from the end)"
                )
            if roots[size] == checkpoint.root:
                vouched, by = size, number
            elif by and size == vouched:
                raise _Problem(
                    f"checkpoint #{number} (size {size}): signs another root than checkpoint #{by} "
                    "at the same size (the key signed a fork)"
                )
            else:
                since = f"entries 0..{vouched - 1} match checkpoint #{by}, so " if by else ""
                raise _Problem(
                    f"checkpoint #{number} (size {size}): its signed root is not the root of entries 0..{size - 1}; "
                    f"{since}one of entries {vouched}..{size - 1} was changed, removed or inserted"
                )
            previous = checkpoint
        if notes.problem is not None:
            raise _Problem(notes.problem)
        if not notes.parsed:
            raise _Problem("no signed checkpoint in checkpoints.txt")
        return notes.parsed

    def _key(self) -> VerifierKey:
        text = self._read("verifier-key.txt")
        if text is None:
            raise _Problem("verifier-key.txt is missing")
        if not text.endswith("\n") or "\n" in text[:-1]:
            raise _Problem("verifier-key.txt: must be exactly one line ending in a newline")
        try:
            return VerifierKey.parse(text[:-1])
        except NoteError as error:
            raise _Problem(f"verifier-key.txt: {error}") from None

    def _check_kept(self, against: Path, key: VerifierKey, origin: str) -> None:
        try:
            data = against.read_bytes()
        except OSError as error:
            raise BundleUnreadable(f"{against}: {error.strerror or error}") from error
        where = f"kept checkpoint {against.name}"
        try:
            kept = open_note(data.decode("utf-8"), key)
        except (UnicodeDecodeError, NoteError) as error:
            raise _Problem(f"{where}: {error}") from None
        if kept.origin != origin:
            raise _Problem(f"{where}: origin {kept.origin!r} is not the bundle's {origin!r}")
        entries = len(self.leaf_hashes)
        if kept.size > entries:
            raise _Problem(f"{where} (size {kept.size}): the bundle holds only {entries} entries (the log shrank)")
        if roots_at(self.leaf_hashes, {kept.size})[kept.size] != kept.root:
            raise _Problem(
                f"{where} (size {kept.size}): entries 0..{kept.size - 1} no longer give its signed root, "
                "so the log was rewritten or forked since"
            )

    def _facts(self) -> None:
        text = self._read("facts.jsonl")
        if text is None:
            raise _Problem("facts.jsonl is missing from a full (not public) bundle")
        entries = len(self.commitments)
        previous = -1
        have: set[int] = set()
        for number, line in enumerate(_lines(text, "facts.jsonl"), 1):
            where = f"facts.jsonl line {number}"
            row = _json_object(line, where, frozenset({"index", "facts", "salt"}))
            index = row["index"]
            if not _is_int(index) or not 0 <= index < entries:
                raise _Problem(f"{where}: index {index!r} names no entry")
            if index <= previous:
                raise _Problem(f"{where}: facts of entry {index} are repeated or out of order")
            previous = index
            where = f"entry {index} ({where})"
            facts, salt = row["facts"], row["salt"]
            if not isinstance(facts, str):
                raise _Problem(f"{where}: facts is not a string")
            _canonical(facts, f"{where}: facts")
            if not isinstance(salt, str) or not _SALT_HEX.fullmatch(salt):
                raise _Problem(f"{where}: salt is not 16 bytes of lower-case hex")
            commitment = hashlib.sha256(bytes.fromhex(salt) + _utf8(facts, where)).hexdigest()
            if commitment != self.commitments[index]:
                raise _Problem(f"{where}: the facts and salt do not match the commitment in the leaf")
            have.add(index)
        for index in range(entries):
            if index not in have and index not in self.erased:
                raise _Problem(f"entry {index}: its facts are missing and no later {ERASE_ACTION} entry names it")

    def _files(self) -> None:
        folder = self.path / "files"
        for digest in sorted(self.files):
            file = folder / digest
            if not file.is_file():
                raise _Problem(f"file {digest}: named by an entry but missing from files/")
            try:
                actual = _sha256_file(file)
            except OSError as error:
                raise BundleUnreadable(f"{file}: {error.strerror or error}") from error
            if actual != digest:
                raise _Problem(f"file {digest}: its content hashes to {actual}, so it was altered")
            sealed_size = self.sizes.get(digest)
            if sealed_size is not None and file.stat().st_size != sealed_size:
                raise _Problem(f"file {digest}: {file.stat().st_size} bytes where its entries sealed {sealed_size}")
        if folder.is_dir():
            for child in sorted(folder.iterdir()):
                if child.name not in self.files:
                    raise _Problem(f"files/{child.name}: not named by any entry")
        elif folder.exists():
            raise _Problem("files is not a directory")


def _valid_time(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
