"""Kill writers with SIGKILL in the middle of a burst of concurrent appends; nothing acknowledged is lost.

Runs against a fresh database of the pass's kind: a SQLite file (WAL, FULL sync) on the SQLite pass, a new
database on the throwaway PostgreSQL server on the PostgreSQL pass.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

pytestmark = pytest.mark.django_db  # selected on both database passes
WORKERS = 4
ACKS_BEFORE_KILL = 150


@pytest.fixture
def fresh_database(tmp_path, request):
    env = {**os.environ, "ZHIFA_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if os.environ.get("ZHIFA_TEST_DB") == "postgres":
        import psycopg

        server = urlsplit(os.environ["DATABASE_URL"])
        name = f"crash_{uuid.uuid4().hex[:8]}"
        admin_url = urlunsplit(server._replace(path="/postgres"))
        with psycopg.connect(admin_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = urlunsplit(server._replace(path=f"/{name}"))
        subprocess.run([sys.executable, "-m", "zhifa", "migrate", "-v0"], env=env, check=True)
    else:  # a copy of a database `zhifa migrate` made once per session (conftest.py)
        env.pop("DATABASE_URL", None)
        request.getfixturevalue("migrated_data_folder")(tmp_path)
    return env


def _collect(processes, until_total, deadline):
    """Read acknowledgements from every worker until `until_total` arrived or the deadline passed."""
    acks: dict[int, str] = {}
    selector = selectors.DefaultSelector()
    for process in processes:
        os.set_blocking(process.stdout.fileno(), False)
        selector.register(process.stdout, selectors.EVENT_READ)
    buffers = {process.stdout: b"" for process in processes}

    def drain(stream):
        chunk = stream.read() or b""
        buffers[stream] += chunk
        *lines, buffers[stream] = buffers[stream].split(b"\n")
        for line in lines:
            index, subject = line.decode().split(" ", 1)
            acks[int(index)] = subject

    while len(acks) < until_total and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=0.5):
            drain(key.fileobj)
    return acks, drain, selector


@pytest.mark.dateless
def test_no_acknowledged_entry_is_lost_when_writers_are_killed(fresh_database):
    env = fresh_database
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "zhifa.testing.crash_worker", str(worker)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        for worker in range(WORKERS)
    ]
    try:
        acks, drain, selector = _collect(processes, ACKS_BEFORE_KILL, time.monotonic() + 120)
    finally:
        for process in processes:
            process.send_signal(signal.SIGKILL)
        for process in processes:
            process.wait()
    # Whatever a worker acknowledged before it died is still in its pipe.
    for process in processes:
        drain(process.stdout)
    selector.close()
    assert len(acks) >= ACKS_BEFORE_KILL, "the workers did not get going"

    verify = subprocess.run(
        [sys.executable, "-m", "zhifa", "ledger", "verify", "--skip-files"], env=env, capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr

    dump = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from zhifa.ledger.models import Entry; "
            "print(json.dumps(dict(Entry.objects.values_list('index', 'subject'))))",
        ],
        env={**env, "DJANGO_SETTINGS_MODULE": "zhifa.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    stored = {int(index): subject for index, subject in json.loads(dump.stdout).items()}
    assert sorted(stored) == list(range(len(stored))), "indices have gaps"
    lost = {index: subject for index, subject in acks.items() if stored.get(index) != subject}
    assert lost == {}
