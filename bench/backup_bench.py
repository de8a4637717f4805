"""`zhifa backup` and `zhifa restore` on a sizeable data folder, side by side with their baselines.

- backup (online, the server may write) against copying the stopped server's data folder (shutil.copytree, no fsync);
- restore (hash checks, copy, the ledger's full verification) against `zhifa ledger verify` alone on the live
  folder, which is most of what a restore does.

The data folder: `--entries` ledger entries written in bulk as bench/ledger_bench.py writes them, and `--files`
evidence files of `--file-kib` KiB, each named by an entry (so verify re-hashes every one). One run, one table;
figures in docs/performance.md ("Backup and restore").

    .venv/bin/python bench/backup_bench.py                 # 200,000 entries, 500 files of 256 KiB
    .venv/bin/python bench/backup_bench.py --quick         # 20,000 entries, 50 files
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ledger_bench import Plan, fill_ledger, setup_django


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def zhifa(data: Path, *args: str) -> float:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("ZHIFA_", "DATABASE_URL"))}
    env["ZHIFA_DATA_DIR"] = str(data)
    started = time.perf_counter()
    command = [sys.executable, "-m", "zhifa", *args]
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603 - our own command
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--entries", type=int)
    parser.add_argument("--files", type=int)
    parser.add_argument("--file-kib", type=int, default=256)
    options = parser.parse_args()
    entries = options.entries or (20_000 if options.quick else 200_000)
    files = options.files or (50 if options.quick else 500)

    base = Path(tempfile.mkdtemp(prefix="zhifa-backup-bench-"))
    live = base / "live"
    try:
        setup_django(live)
        from django.db import connection, transaction

        from zhifa.ledger import blobs, services
        from zhifa.ops.backup import backup

        fill_ledger(Plan(size=entries, single=0, batches=0, batch=0, proofs=0))
        payload = os.urandom(options.file_kib * 1024)
        acts = []
        for number in range(files):
            stored = blobs.store(io.BytesIO(number.to_bytes(4, "big") + payload), content_type="image/jpeg")
            acts.append(services.Act(None, "bench.evidence", f"bench:{number}", {"n": number}, [stored.sha256]))
        with transaction.atomic():
            services.record_many(acts)
        with transaction.atomic():
            services.checkpoint_issue()
        connection.close()
        size = sum(path.stat().st_size for path in live.rglob("*") if path.is_file())

        copied = timed(lambda: shutil.copytree(live, base / "cold-copy"))
        online = timed(lambda: backup(base / "backup"))
        verify_only = zhifa(live, "ledger", "verify")
        restore = zhifa(base / "restored", "restore", str(base / "backup"))
    finally:
        shutil.rmtree(base, ignore_errors=True)

    print(
        f"data folder: {entries + files:,} entries, {files} evidence files of {options.file_kib} KiB, "
        f"{size / 2**20:.0f} MiB"
    )
    print(f"{'measure':<44}{'zhifa':>9}  {'baseline':<40}{'baseline':>9}{'ratio':>8}")
    print(
        f"{'backup (online)':<44}{online:>8.2f}s  {'copy of the stopped folder (no fsync)':<40}{copied:>8.2f}s"
        f"{online / copied:>7.1f}×"
    )
    print(
        f"{'restore (hashes, copy, full verify)':<44}{restore:>8.2f}s  {'zhifa ledger verify alone':<40}"
        f"{verify_only:>8.2f}s{restore / verify_only:>7.1f}×"
    )


if __name__ == "__main__":
    main()
