"""The restore drill: back up a data folder while a writer keeps recording cases, restore it, verify it.

The embedded default only (SQLite and a local folder): PostgreSQL's own procedure is in docs/operations.md. The
writer and the commands run as processes of their own, each with its own data folder, as on a server.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from zhifa.ops.backup import BackupError, restore

pytestmark = pytest.mark.dateless  # the writer fixes its own clock; nothing else reads the date
BEFORE_BACKUP = 3  # cases the writer records before the backup starts


def environment(data: Path) -> dict[str, str]:
    strip = ("ZHIFA_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {name: value for name, value in os.environ.items() if not name.startswith(strip)}
    env["ZHIFA_DATA_DIR"] = str(data)
    return env


def zhifa(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zhifa", *args], env=environment(data), capture_output=True, text=True, timeout=120
    )


def acknowledgement(writer: subprocess.Popen[str]) -> tuple[int, str]:
    assert writer.stdout is not None
    line = writer.stdout.readline()
    if not line:
        writer.wait(timeout=30)
        raise AssertionError(f"the writer stopped: {writer.stderr.read() if writer.stderr else ''}")
    index, leaf_hash = line.split()
    return int(index), leaf_hash


@pytest.fixture(scope="module")
def drill(migrated_data_folder, tmp_path_factory):
    """A live data folder, a backup made while its writer kept writing, and what the writer had acknowledged."""
    base = tmp_path_factory.mktemp("drill")
    live = migrated_data_folder(base / "live")
    writer = subprocess.Popen(
        [sys.executable, "-m", "zhifa.testing.backup_writer"],
        env=environment(live),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        committed = dict(acknowledgement(writer) for _ in range(BEFORE_BACKUP))
        made = zhifa(live, "backup", str(base / "backup"))
        assert made.returncode == 0, made.stderr
        manifest = json.loads((base / "backup" / "manifest.json").read_text(encoding="utf-8"))
        # The writer was never stopped: it goes on past what the backup copied.
        while acknowledgement(writer)[0] < manifest["ledger"]["size"]:
            pass
    finally:
        writer.kill()
        writer.wait(timeout=30)
    return base, committed, manifest


def test_a_backup_made_under_writes_restores_whole_and_verifies(drill):
    base, committed, manifest = drill
    restored = base / "restored"  # a new data folder, as on a replacement server
    result = zhifa(restored, "restore", str(base / "backup"))
    assert result.returncode == 0, result.stderr
    assert "恢复完成，记录完整" in result.stdout
    verified = zhifa(restored, "ledger", "verify")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"完整 intact: {manifest['ledger']['size']} entries")
    assert manifest["ledger"]["root"] in verified.stdout

    database = sqlite3.connect(restored / "zhifa.sqlite3")
    try:
        kept = {
            index: bytes(leaf_hash).hex()
            for index, leaf_hash in database.execute('SELECT "index", leaf_hash FROM ledger_entry')
        }
        cases = database.execute("SELECT COUNT(*) FROM cases_case").fetchone()[0]
        named = {
            digest for (files,) in database.execute("SELECT files FROM ledger_entry") for digest in json.loads(files)
        }
    finally:
        database.close()
    assert all(kept.get(index) == leaf_hash for index, leaf_hash in committed.items())
    assert cases >= BEFORE_BACKUP
    files = [path for path in (restored / "evidence").rglob("*") if path.is_file()]
    assert named <= {path.name for path in files}
    assert all(hashlib.sha256(path.read_bytes()).hexdigest() == path.name for path in files)

    again = zhifa(restored, "restore", str(base / "backup"))
    assert again.returncode == 1
    assert "不是空的" in again.stderr
    assert "--force" in again.stderr


def test_a_changed_entry_is_refused_by_the_ledger_and_nothing_is_left(drill):
    base, _, manifest = drill
    tampered = base / "tampered-entry"
    shutil.copytree(base / "backup", tampered)
    database = sqlite3.connect(tampered / "zhifa.sqlite3")
    try:
        for (trigger,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            database.execute(f"DROP TRIGGER {trigger}")
        database.execute("UPDATE ledger_entry SET subject = 'case:999' WHERE \"index\" = 5")
        database.commit()
    finally:
        database.close()
    # Whoever changed it also rewrote the manifest's hash of the database: the ledger still finds the entry.
    manifest["database"]["sha256"] = hashlib.sha256((tampered / "zhifa.sqlite3").read_bytes()).hexdigest()
    (tampered / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    target = base / "restored-from-tampered"
    result = zhifa(target, "restore", str(tampered))
    assert result.returncode == 1
    assert "未通过记录校验" in result.stderr
    assert "entry 5:" in result.stderr
    assert not (target / "zhifa.sqlite3").exists()
    assert not [path for path in (target / "evidence").rglob("*") if path.is_file()]


def test_a_changed_evidence_byte_is_refused_before_anything_is_copied(drill, settings, tmp_path):
    base, _, manifest = drill
    tampered = tmp_path / "tampered-evidence"
    shutil.copytree(base / "backup", tampered)
    digest = next(iter(manifest["evidence"]["files"]))
    path = next((tampered / "evidence").rglob(digest))
    data = bytearray(path.read_bytes())
    data[7] ^= 0x01
    path.write_bytes(bytes(data))
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    with pytest.raises(BackupError, match=f"证据文件 {digest} 的内容与其 SHA-256 不符"):
        restore(tampered)
    assert not any(settings.DATA_DIR.iterdir())


def test_a_data_folder_that_holds_data_is_refused_without_force(settings, tmp_path):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "manifest.json").write_text(json.dumps({"format": 1}), encoding="utf-8")
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "evidence").mkdir(parents=True)
    (settings.DATA_DIR / "zhifa.sqlite3").write_bytes(b"live")
    with pytest.raises(BackupError, match=r"数据文件夹 .* 不是空的（已有 evidence、zhifa.sqlite3）.*--force"):
        restore(backup)
    assert (settings.DATA_DIR / "zhifa.sqlite3").read_bytes() == b"live"
