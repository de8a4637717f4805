"""How long `zhifa demo --scale N` takes (issue 20): a fresh database of each kind, migrated, then the generator.

SQLite with Zhifa's settings (WAL, synchronous=FULL); PostgreSQL started with its own durability defaults (fsync,
synchronous commit). Prints the time, the rates and, with `--verify`, how long `zhifa ledger verify` then takes.

    .venv/bin/python bench/scale_bench.py --db sqlite --cases 100000
    .venv/bin/python bench/scale_bench.py --db postgres --cases 1000000 --verify
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--verify", action="store_true")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="zhifa-scale-"))
    os.environ.update(ZHIFA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="zhifa.settings", ZHIFA_LOG_LEVEL="WARNING")
    for name in ("DATABASE_URL", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_EVIDENCE_STORAGE"):
        os.environ.pop(name, None)
    server = None
    if args.db == "postgres":
        from zhifa.testing.postgres import ThrowawayPostgres

        server = ThrowawayPostgres(Path(tempfile.mkdtemp(prefix="zhifa-pg-")))
        server.start(durable=True)
        os.environ["DATABASE_URL"] = server.url()
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from zhifa.testing.scale import generate

        call_command("migrate", verbosity=0)
        made = generate(args.cases, today=date(2026, 11, 23))
        seconds = made["seconds"]
        print(
            f"scale_bench: {args.db}, {args.cases:,} cases → {made['entries']:,} entries, "
            f"{made['publications']:,} publications, {made['users']:,} logins: {seconds:.0f} s "
            f"({args.cases / seconds:,.0f} cases/s, {made['entries'] / seconds:,.0f} entries/s)"
        )
        if args.verify:
            from zhifa.ledger.verify import verify_ledger

            started = time.monotonic()
            report = verify_ledger(check_files=False)
            print(f"verify: {'passed' if report.ok else report.problems}, {time.monotonic() - started:.0f} s")
            return 0 if report.ok else 1
        return 0
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
