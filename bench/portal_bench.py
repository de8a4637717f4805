"""The public portal's pages under 50 concurrent readers, beside a baseline served by the same server in the same run.

Fills a fresh temporary ZHIFA_DATA_DIR (SQLite, Zhifa's own settings) with the demo (`zhifa migrate`, `zhifa laws
load`, `zhifa demo`: the agencies, officers, lists, benchmarks and cases a visitor would see), starts a real server
in a second process (`runserver --noreload`: one process, one thread per connection — the demo's server; or
gunicorn with `--server gunicorn` where it is installed), and from this process sends the requests of N readers at
once, each asking again as soon as it has its answer (closed loop, no think
time: the hardest case for the server). Targets, taken in turns so that every target sees the same load:

- baseline: /healthz (the whole middleware stack, no template, no query) and a static file (app.css, WhiteNoise);
- the portal's home (/) for a visitor, and an agency's before-enforcement page (/public/agencies/<id>/).

Prints p50/p95/p99 and throughput of each, the pages' p99 over the baseline's, and PASS/MISS against 50 ms at p99.

    .venv/bin/python bench/portal_bench.py                 # 50 readers, 2,000 requests per target
    .venv/bin/python bench/portal_bench.py --quick         # 10 readers, 300 requests per target
    .venv/bin/python bench/portal_bench.py --readers 1     # the pages' own cost, without queueing
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "zhifa.manage", *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


def start_server(env: dict[str, str], port: int, server: str) -> subprocess.Popen[bytes]:
    if server == "gunicorn":
        workers = str(os.cpu_count() or 2)
        command = [sys.executable, "-m", "gunicorn", "-w", workers, "--threads", "8", "-b", f"127.0.0.1:{port}"]
        command.append("zhifa.wsgi:application")
    else:
        command = [sys.executable, "-m", "zhifa.manage", "runserver", "--noreload", f"127.0.0.1:{port}"]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start within 60 s")


def run_load(port: int, path: str, readers: int, total: int, think_ms: float = 0.0) -> tuple[list[float], float]:
    """`total` requests of `path` by `readers` threads at once, each asking again as soon as it has its answer.
    Each request opens its own connection (and the timing includes the connect): a kept-alive connection to Django's
    development server waits ~40 ms a request on Nagle's algorithm against the client's delayed ACK (it writes the
    headers and the body apart), which would measure TCP, not the page. Returns the latencies in ms and the elapsed
    seconds. Any answer but 200 stops the run. `think_ms`: each reader reads the page before asking for the next,
    for a time drawn uniformly between half and one and a half times it (0: no pause, the hardest case)."""
    latencies: list[float] = []
    lock = threading.Lock()
    remaining = [total]
    failure: list[str] = []
    start_gate = threading.Barrier(readers)

    def reader() -> None:
        start_gate.wait()
        mine: list[float] = []
        while True:
            with lock:
                if remaining[0] <= 0 or failure:
                    break
                remaining[0] -= 1
            began = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", path, headers={"Connection": "close"})
            response = connection.getresponse()
            response.read()
            connection.close()
            mine.append((time.perf_counter() - began) * 1000)
            if response.status != 200:
                failure.append(f"{path}: HTTP {response.status}")
            if think_ms:
                time.sleep(think_ms * random.uniform(0.5, 1.5) / 1000)  # noqa: S311 - pacing, not secrecy
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failure:
        raise SystemExit(failure[0])
    return latencies, elapsed


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 readers, 300 requests per target")
    parser.add_argument("--readers", type=int, help="concurrent readers (default 50)")
    parser.add_argument("--requests", type=int, help="requests per target and round (default 2,000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the targets, taken in turns")
    parser.add_argument(
        "--think", type=float, default=0.0, help="ms each reader reads a page before the next (default 0: none)"
    )
    parser.add_argument("--server", choices=["runserver", "gunicorn"], default="runserver")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    parser.add_argument("--data", type=Path, help="a data folder kept by an earlier run (--keep): skip the demo")
    args = parser.parse_args(argv)
    readers = args.readers or (10 if args.quick else 50)
    total = args.requests or (300 if args.quick else 2000)

    data = args.data or Path(tempfile.mkdtemp(prefix="zhifa-portal-bench-"))
    env = {**os.environ, "ZHIFA_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), "ZHIFA_DEBUG": "0"}
    env.pop("ZHIFA_TEST_CLOCK", None)
    if args.server == "gunicorn":  # the production shape keeps its connections (docs/operations.md)
        env.setdefault("ZHIFA_SQLITE_CONN_MAX_AGE", "600")
    print(f"# portal bench · {platform.python_version()} · {os.cpu_count()} cores · data {data}")
    if args.data is None:
        began = time.perf_counter()
        manage(env, "migrate", "--noinput")
        manage(env, "laws", "load")
        manage(env, "demo")
        print(f"demo loaded in {time.perf_counter() - began:.1f} s")
    # The agency page with the most published: the demo's first branch (lists followed from its bureau, officers).
    agency = (
        manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from zhifa.core.models import Agency; from django.db.models import Count; "
            "a = Agency.objects.annotate(n=Count('officers')).order_by('-n', 'path').first(); print(a.pk, a.name)",
        )
        .splitlines()[-1]
        .split()
    )
    port = free_port()
    server = start_server(env, port, args.server)
    targets = {
        "baseline /healthz": "/healthz",
        "baseline static app.css": "/static/zhifa/app.css",
        "portal home /": "/",
        f"agency page /public/agencies/{agency[0]}/": f"/public/agencies/{agency[0]}/",
    }
    print(f"server: {args.server} on 127.0.0.1:{port}; agency {agency[0]} {' '.join(agency[1:])}")
    pause = f", each reading {args.think:.0f} ms (±50 %) between pages" if args.think else ", no pause between pages"
    print(f"{readers} readers{pause}, {total} requests per target and round, {args.rounds} rounds")
    samples: dict[str, list[float]] = {name: [] for name in targets}
    seconds: dict[str, float] = dict.fromkeys(targets, 0.0)
    try:
        for path in targets.values():  # warm: templates compiled, layouts cached, the page cache filled
            run_load(port, path, min(readers, 5), 20)
        for _round in range(args.rounds):
            for name, path in targets.items():
                latencies, elapsed = run_load(port, path, readers, total, args.think)
                samples[name].extend(latencies)
                seconds[name] += elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep and args.data is None:
            shutil.rmtree(data, ignore_errors=True)
    print(f"{'target':<44} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    p99: dict[str, float] = {}
    for name in targets:
        p50, p95, p99[name] = percentiles(samples[name])
        rate = len(samples[name]) / seconds[name]
        print(f"{name:<44} {p50:8.1f} {p95:8.1f} {p99[name]:8.1f} {rate:8.0f}")
    baseline = p99["baseline /healthz"]
    verdicts = []
    for name in targets:
        if name.startswith("baseline"):
            continue
        verdict = "PASS" if p99[name] < TARGET_MS else "MISS"
        verdicts.append(verdict)
        print(
            f"{re.sub(r' .*', '', name)} {name.split(' ', 1)[1]}: p99 {p99[name]:.1f} ms = "
            f"{p99[name] / baseline:.1f} × /healthz · target {TARGET_MS:.0f} ms: {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
