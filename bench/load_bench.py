"""The province's mix against the production web server, beside Django's development server on the same data.

Against a database that already holds the dataset (PostgreSQL at DATABASE_URL — e.g. one filled by the scale
generator, docs/performance.md says how), in a data folder whose evidence and ledger key go with it:

1. the load plan (bench/load/plan.py: logins, cases, tokens — it changes the database: a throwaway one only);
2. gunicorn with zhifa/gunicorn.conf.py (gthread workers), then locust from a second process for the run's time
   with the mix of bench/load/locustfile.py; then the same users against `zhifa runserver --noreload` (the
   baseline, Django's development server, one process) for the same time;
3. `zhifa ledger verify` after both.

Prints, per kind of request and in all, requests/s, p50 and p99 (ms) and failures for each server, the case actions
recorded per second, the page reads per second, and the targets: ≥ 100 actions/s, ≥ 300 reads/s, p99 < 300 ms, no
error (issue 20).

    DATABASE_URL=postgres://… ZHIFA_DATA_DIR=… .venv/bin/python bench/load_bench.py --seconds 300 --users 200
    … bench/load_bench.py --seconds 60 --users 40 --wait 0   # closed loop: each user asks again at once
    .venv/bin/python bench/load_bench.py --scale 1000000 --seconds 300   # a throwaway PostgreSQL, filled first
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from zhifa.stack.supervisor import free_port

ROOT = Path(__file__).resolve().parent.parent
WRITES = {"写：记录证据"}
TARGETS = {"actions_per_s": 100.0, "reads_per_s": 300.0, "p99_ms": 300.0}


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback, our own server
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url}")


def locust_command(host: str, users: int, spawn_rate: int, seconds: int, csv_prefix: Path) -> list[str]:
    """locust, headless, with the province's mix, against `host`, writing its statistics to `csv_prefix`_*.csv."""
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "load" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(csv_prefix),
        "--only-summary",
    ]


def run_locust(env: dict[str, str], port: int, args: argparse.Namespace, out: Path) -> dict[str, dict[str, str]]:
    host = f"http://127.0.0.1:{port}"
    command = locust_command(host, args.users, max(1, args.users // 10), args.seconds, out)
    subprocess.run(command, cwd=ROOT, env=env, check=False, capture_output=True, timeout=args.seconds + 300)  # noqa: S603
    with Path(f"{out}_stats.csv").open(encoding="utf-8") as table:
        return {row["Name"]: row for row in csv.DictReader(table)}


def summary(rows: dict[str, dict[str, str]], seconds: float) -> dict[str, float]:
    total = rows["Aggregated"]
    actions = sum(int(row["Request Count"]) for name, row in rows.items() if name in WRITES)
    reads = sum(
        int(row["Request Count"])
        for name, row in rows.items()
        if name != "Aggregated" and row["Type"] == "GET" and not name.startswith("登录")
    )
    return {
        "requests_per_s": float(total["Requests/s"]),
        # Answered without error: a saturated server that refuses connections answers its failures fast.
        "ok_per_s": (int(total["Request Count"]) - int(total["Failure Count"])) / seconds,
        "actions_per_s": actions / seconds,
        "reads_per_s": reads / seconds,
        "p50_ms": float(total["50%"] or 0),
        "p99_ms": float(total["99%"] or 0),
        "failures": float(total["Failure Count"]),
    }


def print_table(label: str, rows: dict[str, dict[str, str]]) -> None:
    print(f"\n{label}")
    print(f"{'kind':<16}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, row in sorted(rows.items(), key=lambda item: item[0] == "Aggregated"):
        print(
            f"{name:<16}{row['Request Count']:>10}{float(row['Requests/s']):>9.1f}{row['50%']:>9}{row['99%']:>9}"
            f"{row['Failure Count']:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--wait", type=float, default=-1, help="seconds between a user's requests (-1: 0.5–2)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-verify", action="store_true", help="a repeated run: no `ledger verify` after")
    parser.add_argument("--scale", type=int, default=0, help="start a durable throwaway PostgreSQL with N cases")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="zhifa-load-"))
    server = None
    if args.scale:
        from zhifa.testing.postgres import ThrowawayPostgres

        server = ThrowawayPostgres(Path(tempfile.mkdtemp(prefix="zhifa-pg-")))
        server.start(durable=True)
        os.environ.update(DATABASE_URL=server.url(), ZHIFA_DATA_DIR=str(work / "data"), ZHIFA_LOG_LEVEL="WARNING")
        started = time.monotonic()
        for command in (["migrate", "--noinput"], ["demo", "--scale", str(args.scale)]):
            subprocess.run([sys.executable, "-m", "zhifa", *command], cwd=ROOT, check=True, capture_output=True)  # noqa: S603
        print(f"{args.scale} cases generated in {time.monotonic() - started:.0f} s")
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL: the database with the dataset (a throwaway one: the plan changes it)")
    try:
        run(args, work)
    finally:
        if server is not None:
            server.stop()


def run(args: argparse.Namespace, work: Path) -> None:
    plan = work / "plan.json"
    env = {**os.environ, "ZHIFA_LOAD_PLAN": str(plan), "ZHIFA_LOGIN_RATE_LIMIT": "100000"}
    if args.wait >= 0:
        env["ZHIFA_LOAD_WAIT"] = str(args.wait)
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.load.plan", "--out", str(plan), "--writers", "50", "--readers", "100"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    results: dict[str, dict[str, float]] = {}
    servers = {
        "gunicorn": [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "zhifa" / "gunicorn.conf.py")],
        "runserver": [sys.executable, "-m", "zhifa", "runserver", "--noreload"],
    }
    for name, command in servers.items():
        if name == "runserver" and args.skip_baseline:
            continue
        port = free_port()
        server_env = {**env, "ZHIFA_WEB_BIND": f"127.0.0.1:{port}"}
        full = [*command, "zhifa.wsgi:application"] if name == "gunicorn" else [*command, f"127.0.0.1:{port}"]
        server = subprocess.Popen(full, cwd=ROOT, env=server_env, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)  # noqa: S603
        try:
            wait_for(f"http://127.0.0.1:{port}/healthz", server)
            rows = run_locust(env, port, args, work / name)
        finally:
            server.terminate()
            server.wait(timeout=60)
        print_table(name, rows)
        results[name] = summary(rows, args.seconds)
    verified = True
    if not args.skip_verify:
        verify = subprocess.run(
            [sys.executable, "-m", "zhifa", "ledger", "verify"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        print("\nledger verify:", (verify.stdout or verify.stderr).strip().splitlines()[-1])
        verified = verify.returncode == 0
    production = results["gunicorn"]
    print("\n" + json.dumps(results, indent=2))
    if "runserver" in results and results["runserver"]["ok_per_s"]:
        ratio = production["ok_per_s"] / results["runserver"]["ok_per_s"]
        print(f"requests answered without error per second, gunicorn ÷ runserver: {ratio:.2f}×")
    verdict = (
        production["actions_per_s"] >= TARGETS["actions_per_s"]
        and production["reads_per_s"] >= TARGETS["reads_per_s"]
        and production["p99_ms"] < TARGETS["p99_ms"]
        and production["failures"] == 0
        and verified
    )
    print(
        f"{'PASS' if verdict else 'MISS'}: {production['actions_per_s']:.1f} actions/s (≥ 100), "
        f"{production['reads_per_s']:.1f} reads/s (≥ 300), p99 {production['p99_ms']:.0f} ms (< 300), "
        f"{production['failures']:.0f} errors"
    )


if __name__ == "__main__":
    main()
