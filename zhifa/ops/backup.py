"""`zhifa backup DEST` and `zhifa restore SRC`: the embedded default's data folder, copied while the server runs.

A backup is a folder:
- `zhifa.sqlite3`: a consistent copy of the database made with SQLite's online backup API (one step, under one
  read transaction, so writers carry on: in WAL mode a reader never blocks them);
- `evidence/sha256/ab/cd/<hex>`: every evidence file the copied database names (ledger_blob), each re-hashed
  as it is copied, so a file whose bytes no longer match its name stops the backup;
- `secret-key` and the files under `keys/` (the ledger's signing key when it lives in the data folder);
- `manifest.json`, written last: the SHA-256 of every file above, the ledger's size and root in the copy, and
  the checkpoint the backup signed just before copying (its signed note).

Restore checks the manifest's hashes, copies the files into an empty data folder, then runs the ledger's own
verification (`zhifa ledger verify`) against the manifest's signed checkpoint, and compares the restored tree's
size and root with the manifest's. Anything wrong is named, and what was copied is taken away again.

PostgreSQL and object storage are backed up with their own tools (docs/operations.md, "Backup and restore").
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.db import connections, transaction

from zhifa.ledger import blobs, merkle
from zhifa.ledger.models import node_key

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "zhifa.sqlite3"
CHUNK = 1024 * 1024
# What the settings make in a data folder on start (settings.py): a folder holding only these is empty.
MADE_ON_START = {"secret-key", "static", "tmp"}


class BackupError(Exception):
    """A backup or restore refused or stopped; the message says why, in Chinese, naming the file or entry."""


@dataclass
class RestoreReport:
    size: int
    root: bytes
    files: int


def _refuse_unless_embedded(verb: str) -> None:
    database = settings.DATABASES["default"]
    if database["ENGINE"] not in {"zhifa.core.sqlite", "django.db.backends.sqlite3"}:
        raise BackupError(
            f"数据库不是内置的 SQLite：PostgreSQL 用 pg_basebackup 与 WAL 归档{verb}"
            "（docs/operations.md「备份与恢复」）"
        )
    if not str(_evidence_backend()["BACKEND"]).endswith("FileSystemStorage"):
        raise BackupError(
            f"证据存放在对象存储中：请用存储桶的版本控制与复制{verb}证据（docs/operations.md「备份与恢复」）"
        )


def _evidence_backend() -> dict[str, Any]:
    return cast(dict[str, Any], settings.STORAGES["evidence"])


def _evidence_root() -> Path:
    return Path(_evidence_backend()["OPTIONS"]["location"])


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _copy_hashed(source: Iterator[bytes], target: Path) -> tuple[str, int]:
    """Write the chunks to `target` (made private, flushed to disk); their SHA-256 and size."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as out:
        for chunk in source:
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


def _read(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _tree_of(database: sqlite3.Connection) -> tuple[int, bytes]:
    """The ledger's size and root in a copied database, from its stored subtrees (a few rows)."""
    (last,) = database.execute('SELECT MAX("index") FROM ledger_entry').fetchone()
    size = 0 if last is None else int(last) + 1
    peaks = []
    for level, position in merkle.peak_positions(size):
        if level == 0:
            row = database.execute('SELECT leaf_hash FROM ledger_entry WHERE "index" = ?', [position]).fetchone()
        else:
            row = database.execute(
                'SELECT hash FROM ledger_node WHERE "key" = ?', [node_key(level, position)]
            ).fetchone()
        if row is None:
            raise BackupError(f"备份中止：复制的数据库缺少记录树的节点（层 {level}，位置 {position}）")
        peaks.append(bytes(row[0]))
    return size, merkle.root_from_peaks(peaks)


def backup(destination: Path) -> dict[str, Any]:
    """Copy the data folder into `destination` (absent or empty) while the server runs; return the manifest."""
    _refuse_unless_embedded("备份")
    destination = destination.expanduser().resolve()
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"备份目标 {destination} 不是空文件夹：请指定一个新的或空的文件夹")
    if destination.is_relative_to(settings.DATA_DIR):
        raise BackupError(f"备份目标 {destination} 在数据文件夹 {settings.DATA_DIR} 之内：请放在它之外")
    destination.mkdir(parents=True, exist_ok=True, mode=0o700)
    started = datetime.now(tz=UTC)

    # Sign the log as it stands, so that the copy's newest entries are covered by a signature (at most the
    # entries committed between this and the copy are not; verify still checks them against their leaves).
    from zhifa.ledger import services

    with transaction.atomic():
        signed = services.checkpoint_issue()
    note, public_key = signed.note, services.public_key_line()
    connections["default"].close()

    # The database: one backup step, so the copy is one consistent state however much is written meanwhile.
    copy_path = destination / DATABASE
    live = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=30)
    copy = sqlite3.connect(copy_path)
    try:
        live.backup(copy)
    finally:
        live.close()
    try:
        size, root = _tree_of(copy)
        blob_rows = copy.execute("SELECT sha256, size FROM ledger_blob ORDER BY sha256").fetchall()
        named: set[str] = set()
        for (files,) in copy.execute("SELECT files FROM ledger_entry WHERE files <> '[]'"):
            named.update(json.loads(files))
    finally:
        copy.close()
    _fsync(copy_path)

    # Evidence: the files the copied database knows, each re-hashed on the way. An upload that the clean-up
    # removed keeps its row but not its bytes; a file an entry names must be there.
    source = _evidence_root()
    evidence: dict[str, int] = {}
    absent: list[str] = []
    for digest, expected_size in blob_rows:
        stored = source / blobs.name_of(digest)
        if not stored.exists():
            if digest in named:
                raise BackupError(f"备份中止：记录所指的证据文件 {digest} 在证据存储中缺失")
            absent.append(digest)
            continue
        got, got_size = _copy_hashed(_read(stored), destination / "evidence" / blobs.name_of(digest))
        if got != digest:
            raise BackupError(f"备份中止：证据文件 {digest} 的内容与其 SHA-256 不符（现为 {got}）")
        if got_size != expected_size:
            raise BackupError(
                f"备份中止：证据文件 {digest} 有 {got_size} 字节，证据登记（ledger_blob）为 {expected_size}"
            )
        evidence[digest] = got_size

    others: dict[str, str] = {}
    for relative in _other_files():
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copyfile(settings.DATA_DIR / relative, target)
        _fsync(target)
        others[relative] = _sha256_file(target)

    checkpoint_size = int(note.split("\n")[1])
    manifest = {
        "format": FORMAT,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(tz=UTC).isoformat(),
        "database": {"file": DATABASE, "sha256": _sha256_file(copy_path), "bytes": copy_path.stat().st_size},
        "ledger": {
            "size": size,
            "root": base64.b64encode(root).decode(),
            "checkpoint": {"size": checkpoint_size, "note": note},
            "public_key": public_key,
        },
        "evidence": {"files": evidence, "absent": absent},
        "other_files": others,
    }
    _write_manifest(destination / MANIFEST, manifest)
    return manifest


def _other_files() -> list[str]:
    """The secret key and the files under keys/ (the signing key when kept in the data folder), relative."""
    found = []
    if (settings.DATA_DIR / "secret-key").is_file():
        found.append("secret-key")
    keys = settings.DATA_DIR / "keys"
    if keys.is_dir():
        found.extend(str(path.relative_to(settings.DATA_DIR)) for path in sorted(keys.rglob("*")) if path.is_file())
    return found


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync(partial)
    partial.rename(path)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def read_manifest(source: Path) -> dict[str, Any]:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} 不是完整的备份：缺少 {MANIFEST}（备份未完成，或不是 zhifa backup 所做）")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"备份清单 {path} 无法读取：{error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"备份清单 {path} 的格式不是本版本能恢复的（format {FORMAT}）")
    return manifest


def check_backup(source: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists is in the backup with the hash it lists; raise naming the first that is not."""
    database = source / manifest["database"]["file"]
    if not database.is_file():
        raise BackupError(f"备份不完整：缺少数据库文件 {database.name}")
    if _sha256_file(database) != manifest["database"]["sha256"]:
        raise BackupError(f"备份已被改动：数据库文件 {database.name} 的 SHA-256 与备份清单不符")
    for digest, size in manifest["evidence"]["files"].items():
        path = source / "evidence" / blobs.name_of(digest)
        if not path.is_file():
            raise BackupError(f"备份不完整：缺少证据文件 {digest}")
        if _sha256_file(path) != digest:
            raise BackupError(f"备份已被改动：证据文件 {digest} 的内容与其 SHA-256 不符")
        if path.stat().st_size != size:
            raise BackupError(f"备份已被改动：证据文件 {digest} 的大小与备份清单不符")
    for relative, digest in manifest["other_files"].items():
        path = source / relative
        if not path.is_file() or _sha256_file(path) != digest:
            raise BackupError(f"备份已被改动或不完整：文件 {relative} 与备份清单不符")


def _occupied(folder: Path) -> list[str]:
    """What in the data folder a restore would replace: everything but what the settings make on start."""
    names = []
    for path in sorted(folder.iterdir()):
        if path.name in MADE_ON_START and (path.is_file() or not any(path.iterdir())):
            continue
        names.append(path.name)
    return names


def restore(source: Path, *, force: bool = False) -> RestoreReport:
    """Restore a backup into this installation's data folder (empty unless `force`), then verify the ledger."""
    _refuse_unless_embedded("恢复")
    source = source.expanduser().resolve()
    manifest = read_manifest(source)
    data = Path(settings.DATA_DIR)
    occupied = _occupied(data)
    if occupied and not force:
        raise BackupError(
            f"数据文件夹 {data} 不是空的（已有 {'、'.join(occupied[:5])}）：恢复只写入空的数据文件夹。"
            "请设置 ZHIFA_DATA_DIR 为一个新文件夹；确要替换其中的数据，加 --force"
            "（原有内容移入 replaced-时间 文件夹，不删除）"
        )
    check_backup(source, manifest)

    connections.close_all()
    aside = None
    if occupied:
        # Nothing already recorded is ever lost: what was there is moved aside, not deleted.
        aside = data / f"replaced-{datetime.now(tz=UTC):%Y%m%dT%H%M%SZ}"
        aside.mkdir(mode=0o700)
        for name in occupied:
            (data / name).rename(aside / name)
    placed: list[Path] = []
    try:
        _place(source, manifest, data, placed)
        report = _verify_restored(manifest)
    except BaseException:
        connections.close_all()
        for path in reversed(placed):
            path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            (data / (DATABASE + suffix)).unlink(missing_ok=True)
        if aside is not None:
            for path in aside.iterdir():
                if not (data / path.name).exists():
                    path.rename(data / path.name)
        raise
    return report


def _place(source: Path, manifest: dict[str, Any], data: Path, placed: list[Path]) -> None:
    def put(relative: str, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if target.exists():
            target.unlink()  # only what the settings made on start (the fresh secret key); occupied was checked
        shutil.copyfile(source / relative, target)
        target.chmod(0o600)
        _fsync(target)
        placed.append(target)

    for suffix in ("-wal", "-shm"):
        (data / (DATABASE + suffix)).unlink(missing_ok=True)
    put(manifest["database"]["file"], Path(settings.DATABASES["default"]["NAME"]))
    evidence = _evidence_root()
    for digest in manifest["evidence"]["files"]:
        put(f"evidence/{blobs.name_of(digest)}", evidence / blobs.name_of(digest))
    for relative in manifest["other_files"]:
        put(relative, data / relative)


def _configured_key_line() -> str | None:
    """The public key of the signing key this installation is configured with, without making one."""
    from zhifa.ledger.signing import Ed25519Signer, NoteError, verifier_key

    try:
        if settings.LEDGER_KEY_PEM:
            pem, where = settings.LEDGER_KEY_PEM.encode(), "ZHIFA_LEDGER_KEY_PEM"
        else:
            pem, where = Path(settings.LEDGER_KEY_FILE).read_bytes(), str(settings.LEDGER_KEY_FILE)
        return verifier_key(Ed25519Signer.from_pem(settings.LEDGER_ORIGIN, pem, where))
    except (OSError, NoteError):
        return None


def _verify_restored(manifest: dict[str, Any]) -> RestoreReport:
    """The ledger's own verification of the restored copy, against the checkpoint signed at backup time."""
    from zhifa.ledger.verify import verify_ledger

    ledger = manifest["ledger"]
    key = _configured_key_line()
    if key != ledger["public_key"]:
        raise BackupError(
            "恢复后的签名密钥与备份时不同：请先把备份时的签名密钥放回"
            "（ZHIFA_LEDGER_KEY_FILE 或 ZHIFA_LEDGER_KEY_PEM），"
            f"备份时的公钥为 {ledger['public_key']}"
        )
    with tempfile.TemporaryDirectory() as folder:
        kept = Path(folder) / "checkpoint.txt"
        kept.write_text(ledger["checkpoint"]["note"], encoding="utf-8")
        report = verify_ledger(against=kept)
    if not report.ok:
        raise BackupError(f"恢复的数据未通过记录校验（zhifa ledger verify）：{report.problems[0]}")
    root = base64.b64decode(ledger["root"])
    if report.size != ledger["size"] or report.root != root:
        raise BackupError(
            f"恢复的记录与备份清单不符：清单为 {ledger['size']} 条、根 {ledger['root']}，"
            f"恢复得 {report.size} 条、根 {base64.b64encode(report.root).decode()}"
        )
    return RestoreReport(size=report.size, root=report.root, files=report.files_checked)
