"""The production stack on one machine, started whole and checked: `zhifa stack up` in a throwaway data folder.

    .venv/bin/python bench/stack_smoke.py                 # a local PostgreSQL cluster (initdb), SeaweedFS, Redis
    .venv/bin/python bench/stack_smoke.py --database sqlite

Starts the stack on free ports, then checks through gunicorn: /healthz; a static file under its hashed name with a
year's cache and brotli; an evidence file stored by the application landing in SeaweedFS's bucket (read back with
boto3 from the S3 endpoint); a job put on the queue run by the consumer; then SIGINT stops every child. It starts the
stack a second time on the same folder (collectstatic skipped, the cluster kept) and prints both start-up times and
the stop time. Exit 1 on any failed check. Too slow for the test suite (the first collectstatic compresses every
static file, ~45 s of CPU; migrate on PostgreSQL ~20 s): the pieces are tested in zhifa/stack/tests.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZHIFA = [sys.executable, "-m", "zhifa"]


def clean_env(data_dir: Path) -> dict[str, str]:
    strip = ("ZHIFA_", "DATABASE_URL", "DJANGO_", "AWS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(strip)}
    env["ZHIFA_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = str(ROOT)
    return env


def stack_env(data_dir: Path) -> dict[str, str]:
    env = clean_env(data_dir)
    for line in (data_dir / "stack.env").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    return env


def start(data_dir: Path, database: str) -> tuple[subprocess.Popen[str], str, float]:
    began = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [*ZHIFA, "stack", "up", "--port", "0", "--free-ports", "--web-workers", "2", "--queue-workers", "2",
         "--database", database],
        env=clean_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    web = ""
    for line in process.stdout:
        print("   |", line.rstrip())
        if line.strip().startswith("web "):
            web = line.split()[1].rstrip("/")
        if "Ctrl-C" in line:
            return process, web, time.monotonic() - began
    raise SystemExit(f"the stack did not start (exit {process.wait()})")


def stop(process: subprocess.Popen[str]) -> float:
    began = time.monotonic()
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=120)
    for line in rest.splitlines():
        print("   |", line)
    if process.returncode != 0:
        raise SystemExit(f"the stack stopped with exit {process.returncode}")
    return time.monotonic() - began


def check(name: str, ok: bool, detail: str = "") -> bool:
    print(f"{'PASS' if ok else 'FAIL'}  {name}  {detail}")
    return ok


def checks(data_dir: Path, web: str) -> bool:
    results = []
    with urllib.request.urlopen(f"{web}/healthz", timeout=10) as response:  # noqa: S310 - loopback
        results.append(check("/healthz through gunicorn", response.status == 200, response.headers.get("Server", "")))
    manifest = json.loads((data_dir / "static" / "staticfiles.json").read_text(encoding="utf-8"))["paths"]
    hashed = manifest["zhifa/vendor/echarts.min.js"]
    request = urllib.request.Request(f"{web}/static/{hashed}", headers={"Accept-Encoding": "br, gzip"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        cache, encoding = response.headers.get("Cache-Control", ""), response.headers.get("Content-Encoding", "")
        results.append(check("static file, hashed name", "max-age=315360000" in cache and "immutable" in cache, cache))
        results.append(check("static file, compressed", encoding == "br", encoding))

    env = stack_env(data_dir)
    stored = subprocess.run(  # noqa: S603 - our own command
        [*ZHIFA, "shell", "-c",
         "import io, os; from zhifa.ledger import blobs; "
         "print(blobs.store(io.BytesIO(b'stack smoke ' + os.urandom(8)), content_type='text/plain').sha256)"],
        env=env, capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    digest = stored.stdout.strip().splitlines()[-1]
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=env["ZHIFA_EVIDENCE_S3_ENDPOINT"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name=env["ZHIFA_EVIDENCE_S3_REGION"],
    )
    key = f"sha256/{digest[:2]}/{digest[2:4]}/{digest}"
    body = s3.get_object(Bucket=env["ZHIFA_EVIDENCE_S3_BUCKET"], Key=key)["Body"].read()
    results.append(check("evidence in the SeaweedFS bucket", body.startswith(b"stack smoke "), key))

    queued = subprocess.run(  # noqa: S603 - our own command
        [*ZHIFA, "jobs", "run", "ledger_checkpoint"], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    job_id = queued[queued.index("ledger_checkpoint") + 1]
    log, deadline, ran = data_dir / "logs" / "jobs.log", time.monotonic() + 60, False
    while not ran and time.monotonic() < deadline:
        ran = any(job_id in line and "executed in" in line for line in log.read_text(errors="replace").splitlines())
        time.sleep(0.2)
    results.append(check("queued job run by the consumer", ran, job_id))
    return all(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="zhifa-stack-"))
    print(f"data folder {data_dir}")
    process, web, first = start(data_dir, args.database)
    try:
        ok = checks(data_dir, web)
    finally:
        stopped = stop(process)
    leftover = subprocess.run(["pgrep", "-f", str(data_dir)], capture_output=True, text=True).stdout.split()  # noqa: S603, S607
    ok &= check("every child stopped", not leftover, " ".join(leftover))
    process, web, second = start(data_dir, args.database)
    stop_again = stop(process)
    print(
        f"\nstart (fresh folder) {first:.1f} s, stop {stopped:.1f} s; start again (same folder) {second:.1f} s, "
        f"stop {stop_again:.1f} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
