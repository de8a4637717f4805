"""gunicorn's sync workers against its threaded (gthread) workers, with zhifa/gunicorn.conf.py, in one run.

Fills a fresh temporary data folder with the demo (SQLite, as bench/portal_bench.py does), then serves it with the
stack's gunicorn config twice — `-k sync` and the config's gthread — with the same number of processes, and sends
the same load to each, taken in turns: N readers who never pause, over /healthz (the middleware alone), the portal's
home and the public check page; and beside them one client in four on a slow line (its request's header lines sent
over ~1 s, as a phone on a poor network does when no proxy buffers it).

    .venv/bin/python bench/gunicorn_workers_bench.py              # 16 readers, 600 requests per target and kind
    .venv/bin/python bench/gunicorn_workers_bench.py --data DIR   # kept there (filled with the demo when empty)
    .venv/bin/python bench/gunicorn_workers_bench.py --slow 0     # the readers alone
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.portal_bench import free_port, manage, percentiles, run_load

ROOT = Path(__file__).resolve().parents[1]


def serve(env: dict[str, str], kind: str, workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "zhifa" / "gunicorn.conf.py"), "-k", kind]
    # gunicorn turns `-k sync` with threads > 1 (the config's 8) into gthread: a sync worker is one thread.
    command += ["--threads", "1"] if kind == "sync" else []
    command += ["-w", str(workers), "-b", f"127.0.0.1:{port}", "zhifa.wsgi:application"]
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn -k {kind} did not start")


def slow_clients(port: int, stop: threading.Event, count: int) -> None:
    """`count` clients on a slow line: each sends its request's header lines a tenth of a second apart (~1 s a
    request), again and again, as a phone on a poor network does when no proxy buffers it."""
    lines = [b"GET /healthz HTTP/1.1\r\n", b"Host: 127.0.0.1\r\n", b"User-Agent: slow\r\n"]
    lines += [f"X-Pad-{n}: {'x' * 20}\r\n".encode() for n in range(7)] + [b"Connection: close\r\n\r\n"]

    def client() -> None:
        while not stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
                    for line in lines:
                        connection.sendall(line)
                        time.sleep(0.1)
                    while connection.recv(65536):
                        pass
            except OSError:
                time.sleep(0.1)

    for _ in range(count):
        threading.Thread(target=client, daemon=True).start()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0] if __doc__ else None)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--slow", type=int, help="clients on a slow line beside the readers (default readers / 4)")
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="zhifa-gunicorn-bench-"))
    fill = not (data / "zhifa.sqlite3").exists()
    env = {**os.environ, "ZHIFA_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), "ZHIFA_DEBUG": "0"}
    env["ZHIFA_SQLITE_CONN_MAX_AGE"] = "600"
    env["ZHIFA_ACCESS_LOG_LEVEL"] = "WARNING"
    if fill:
        began = time.perf_counter()
        manage(env, "migrate", "--noinput")
        manage(env, "laws", "load")
        manage(env, "demo")
        print(f"demo loaded in {time.perf_counter() - began:.1f} s")
    workers = 2 * (os.cpu_count() or 1)
    slow = args.readers // 4 if args.slow is None else args.slow
    targets = {"/healthz": "/healthz", "portal home": "/", "check page": "/public/check/"}
    results: dict[tuple[str, str], tuple[float, float, float]] = {}
    try:
        for kind in ("sync", "gthread"):
            process, port = serve(env, kind, workers)
            stop = threading.Event()
            try:
                for path in targets.values():
                    run_load(port, path, 4, 20)  # warm
                slow_clients(port, stop, slow)
                for name, path in targets.items():
                    latencies, elapsed = run_load(port, path, args.readers, args.requests)
                    p50, _p95, p99 = percentiles(latencies)
                    results[(kind, name)] = (p50, p99, len(latencies) / elapsed)
            finally:
                stop.set()
                process.terminate()
                process.wait(timeout=60)
    finally:
        if args.data is None:
            shutil.rmtree(data, ignore_errors=True)
    print(f"{workers} workers each; {args.readers} readers, no pause; {slow} clients on a slow line")
    print(f"{'target':<14} {'kind':<8} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8} {'req/s ÷ sync':>13}")
    for name in targets:
        for kind in ("sync", "gthread"):
            p50, p99, rate = results[(kind, name)]
            ratio = rate / results[("sync", name)][2]
            print(f"{name:<14} {kind:<8} {p50:8.1f} {p99:8.1f} {rate:8.0f} {ratio:13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
