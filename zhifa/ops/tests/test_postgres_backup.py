"""PostgreSQL's backup procedure (docs/operations.md, "Backup and restore"): a base backup of the running server
with its WAL, started as a second server, and the ledger verified there against a checkpoint kept before.

Runs on the PostgreSQL pass only, against the pass's throwaway server (zhifa/testing/postgres.py).
"""

from __future__ import annotations

import io
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from zhifa.ledger import blobs, services
from zhifa.personnel import services as personnel
from zhifa.testing.factories import TODAY
from zhifa.testing.postgres import server_bindir

pytestmark = [pytest.mark.postgres, pytest.mark.dateless]


def tool(owner: str, name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """One of PostgreSQL's programs, run as the throwaway server's owner (PostgreSQL refuses root)."""
    prefix = ["runuser", "-u", owner, "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, str(server_bindir() / name), *args], check=check, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db(transaction=True)
def test_a_base_backup_starts_as_a_server_whose_ledger_verifies(world, settings, tmp_path):
    data = tmp_path / "data"  # the data folder of the process that verifies: the key and the evidence
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(data / "evidence")},
        },
    }
    photo = blobs.store(io.BytesIO(b"\x89PNG photo of the stumps"), content_type="image/png")
    with transaction.atomic():
        personnel.certificate_suspend(
            actor=world.admin,
            certificate=world.officer.certificates.get(),
            on_date=TODAY,
            reason="调查",
            files=[photo.sha256],
        )
    with transaction.atomic():
        kept = services.checkpoint_issue()
    (tmp_path / "kept-checkpoint.txt").write_text(kept.note, encoding="utf-8")

    socket_dir = Path(connection.settings_dict["HOST"])  # the throwaway server's folder and socket
    owner = pwd.getpwuid(socket_dir.stat().st_uid).pw_name
    restored = Path(tempfile.mkdtemp(prefix="zhifa-pg-restored-"))
    shutil.chown(restored, user=owner)
    restored.chmod(0o700)
    try:
        # The base backup, WAL streamed beside it so that it starts consistent by itself; then its manifest checked.
        # A fast checkpoint: the default waits for a spread one (minutes); --no-sync only because this is a test.
        target = str(restored / "data")
        tool(
            owner,
            "pg_basebackup",
            "-h",
            str(socket_dir),
            "-U",
            "zhifa",
            "-D",
            target,
            "-X",
            "stream",
            "-c",
            "fast",
            "--no-sync",
        )
        tool(owner, "pg_verifybackup", str(restored / "data"))
        # After the backup the primary goes on; the restored server holds what was committed before it.
        with transaction.atomic():
            services.record(actor=None, action="ops.after_backup", subject="ops:after", facts={})
        options = f"-k {restored} -c listen_addresses=''"
        tool(owner, "pg_ctl", "-D", str(restored / "data"), "-l", str(restored / "log"), "-o", options, "-w", "start")
        env = {name: value for name, value in os.environ.items() if not name.startswith(("ZHIFA_", "DJANGO_ALLOW"))}
        env.update(
            ZHIFA_DATA_DIR=str(data),
            ZHIFA_LEDGER_KEY_FILE=str(django_settings.LEDGER_KEY_FILE),
            DATABASE_URL=f"postgres://zhifa@{str(restored).replace('/', '%2F')}/{connection.settings_dict['NAME']}",
        )
        verified = subprocess.run(
            [sys.executable, "-m", "zhifa", "ledger", "verify", "--against", str(tmp_path / "kept-checkpoint.txt")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert verified.returncode == 0, verified.stderr
        assert verified.stdout.startswith(f"完整 intact: {kept.size} entries, 1 files")
    finally:
        tool(owner, "pg_ctl", "-D", str(restored / "data"), "-m", "immediate", "stop", check=False)
        shutil.rmtree(restored, ignore_errors=True)
