"""Many writers, one record (issue 20): ledger appends per second with 1, 2 and 4 writer processes on PostgreSQL.

Starts a throwaway PostgreSQL server with PostgreSQL's own durability defaults (fsync, synchronous commit: an
acknowledged commit is on disk), migrates it, makes the test world's agencies and officers, then runs rounds in
which 1, 2 and 4 writer processes (separate Python processes, each its own connection, sharing nothing but the
database — what two gunicorn workers or two app servers on different ports are to the record) append for a fixed
time. Each writer counts the transactions that committed inside the measured window. Two kinds of write:

- `case`: a case action through `zhifa.cases.services.perform` — an officer registers a lead (案源登记): the case,
  its party, its deadline, its record and the ledger entry, in one transaction (the realistic write);
- `record`: `ledger.record()` in a transaction that also inserts one row (a party): the thinnest write, whose rate
  with many writers is the append lock's floor (the part of a transaction that holds it, commit flush included).

Rounds alternate the writer counts so that the disk's drifting flush latency falls on all alike; the table shows
each count's median rate, its ratio to one writer's and PASS/MISS against 4 writers ≥ 2 × one writer (`case`).
After the rounds `zhifa ledger verify` must pass (one gapless tree whatever the interleaving).

    .venv/bin/python bench/writers_bench.py                 # 3 rounds of 10 s per count and kind, ~4 minutes
    .venv/bin/python bench/writers_bench.py --quick         # 1 round of 4 s
    .venv/bin/python bench/writers_bench.py --kinds case --seconds 20 --rounds 5
    .venv/bin/python bench/writers_bench.py --pg-setting commit_delay=200 --pg-setting commit_siblings=2
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COUNTS = (1, 2, 4)
TARGET_RATIO = 2.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _lead(number: int, worker: int) -> dict[str, Any]:
    return {
        "domain": "forestry",
        "source": "inspection",
        "title": "滥伐林木",
        "summary": f"巡护发现林班有新伐桩（写入者{worker}，第{number}件）",
        "received_on": date(2026, 3, 2),
        "on_date": date(2026, 3, 2),
        "act_ended_on": date(2026, 2, 20),
        "party_kind": "citizen",
        "party_name": f"张某{worker}",
    }


def worker(kind: str, number: int, start: float, end: float) -> None:
    """One writer: warm up, wait for `start` (time.time()), write until `end`, print how many commits ended inside."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    import django

    django.setup()
    from django.db import transaction

    from zhifa.cases.models import Party
    from zhifa.cases.services import perform
    from zhifa.core.models import Agency, User
    from zhifa.ledger.services import record

    officer = User.objects.get(username="officer")
    branch = Agency.objects.get(name="测试管理局甲分局")

    def write(n: int) -> None:
        if kind == "case":
            perform(officer, "register_lead", _lead(n, number), agency=branch)
        else:
            with transaction.atomic(durable=True):
                party = Party.objects.create(kind="citizen", name=f"写入者{number}-{n}")
                record(actor=officer, action="bench.append", subject=party, facts={"n": n}, agency=branch)

    if os.environ.get("BENCH_PROBE"):
        from zhifa.ledger import services as ledger

        waited = [0.0]
        original = ledger._lock

        def timed(db: Any) -> None:
            t = time.perf_counter()
            original(db)
            waited[0] += time.perf_counter() - t

        ledger._lock = timed  # type: ignore[assignment]
        import atexit

        atexit.register(lambda: log(f"writer {number}: {waited[0]:.2f} s waiting for the append lock"))
    n = 0
    for _ in range(3):  # warm: connection, caches, prepared statements
        write(n)
        n += 1
    while time.time() < start:
        time.sleep(0.005)
    done = 0
    while True:
        write(n)
        n += 1
        if time.time() > end:
            break
        done += 1
    print(done, flush=True)


def run_round(kind: str, writers: int, seconds: float, env: dict[str, str]) -> float:
    start = time.time() + 6  # time for the processes to start Django and warm up
    processes = [
        subprocess.Popen(  # noqa: S603 - this very script, our arguments
            [sys.executable, __file__, "--worker", kind, str(i), repr(start), repr(start + seconds)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    total = 0
    for process in processes:
        out, _ = process.communicate(timeout=seconds + 120)
        if process.returncode != 0:
            raise SystemExit(f"a writer failed ({process.returncode})")
        total += int(out.strip())
    return total / seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", nargs=4, metavar=("KIND", "N", "START", "END"), help=argparse.SUPPRESS)
    parser.add_argument("--kinds", default="case,record")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pg-setting", action="append", default=[], help="a server setting, name=value")
    args = parser.parse_args(argv)
    if args.worker:
        kind, number, start, end = args.worker
        worker(kind, int(number), float(start), float(end))
        return 0
    if args.quick:
        args.seconds, args.rounds = 4.0, 1
    kinds = [kind for kind in args.kinds.split(",") if kind]

    from zhifa.testing.postgres import ThrowawayPostgres

    data_dir = Path(tempfile.mkdtemp(prefix="zhifa-writers-"))
    server = ThrowawayPostgres(Path(tempfile.mkdtemp(prefix="zhifa-pg-")))
    extra = dict(setting.split("=", 1) for setting in args.pg_setting)
    server.start(durable=True, settings=extra)
    env = {**os.environ, "ZHIFA_DATA_DIR": str(data_dir), "DATABASE_URL": server.url(), "ZHIFA_LOG_LEVEL": "WARNING"}
    env["DJANGO_SETTINGS_MODULE"] = "zhifa.settings"
    for name in ("ZHIFA_LEDGER_KEY_FILE", "ZHIFA_EVIDENCE_STORAGE", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    try:
        os.environ.update(env)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from zhifa.testing.factories import build_world

        build_world()
        with connection.cursor() as cursor:
            cursor.execute("SHOW fsync")
            fsync = cursor.fetchone()[0]
            cursor.execute("SHOW synchronous_commit")
            sync = cursor.fetchone()[0]
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        connection.close()
        log(f"PostgreSQL {version}, fsync={fsync}, synchronous_commit={sync} {extra or ''}")
        rates: dict[tuple[str, int], list[float]] = {}
        for round_number in range(args.rounds):
            for kind in kinds:
                for writers in COUNTS if round_number % 2 == 0 else tuple(reversed(COUNTS)):
                    rate = run_round(kind, writers, args.seconds, env)
                    rates.setdefault((kind, writers), []).append(rate)
                    log(f"  round {round_number + 1}, {kind}, {writers} writer(s): {rate:,.0f}/s")
        verify = subprocess.run(
            [sys.executable, "-m", "zhifa", "ledger", "verify", "--skip-files"], env=env, capture_output=True, text=True
        )
        print(f"\nwriters_bench: {platform.machine()}, {os.cpu_count()} CPUs, PostgreSQL {version} (fsync {fsync})")
        print(f"{args.rounds} round(s) of {args.seconds:.0f} s per writer count; median appends/s (committed)\n")
        print(f"{'write':<8}{'writers':>8}{'appends/s':>12}{'× one writer':>14}  target")
        for kind in kinds:
            one = statistics.median(rates[(kind, 1)])
            for writers in COUNTS:
                rate = statistics.median(rates[(kind, writers)])
                target = ""
                if kind == "case" and writers == 4:
                    target = "PASS" if rate >= TARGET_RATIO * one else "MISS"
                    target += f" (≥ {TARGET_RATIO:.0f}×)"
                print(f"{kind:<8}{writers:>8}{rate:>12,.0f}{rate / one:>14.2f}  {target}")
        print(f"\nzhifa ledger verify: {'passed' if verify.returncode == 0 else 'FAILED'}")
        print(verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else verify.stderr)
        return 0 if verify.returncode == 0 else 1
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
