"""Many writers, one record, across servers (issue 20 item 2): two gunicorn servers on different ports share the
PostgreSQL pass's database and evidence folder; writers act on a case through both at once over HTTP; one server's
worker is killed with SIGKILL mid-burst. The tree stays one and gapless (`zhifa ledger verify`), and every act a
server acknowledged is in the record with its ledger entry. (Processes appending directly, without HTTP, are
zhifa/ledger/tests/test_crash.py.)
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.load.plan import build
from bench.load_bench import wait_for
from zhifa.cases.models import CaseRecord
from zhifa.ledger.models import Entry
from zhifa.stack.supervisor import free_port
from zhifa.tests.test_load_smoke import ROOT, assert_verifies, case_under_investigation, server_env

pytestmark = [pytest.mark.postgres, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]
GUNICORN = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4"]
PHOTO_HEAD = b"\xff\xd8\xff\xe0"  # a JPEG's first bytes: the evidence store reads the type from them


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _writer(
    url: str, token: str, case: dict[str, Any], day: str, name: str, acknowledged: list[str], stop: Any
) -> None:
    """Upload a photo, then record it on the case, until told to stop; keeps the summaries the server acknowledged."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    number = 0
    while not stop.is_set():
        body = PHOTO_HEAD + os.urandom(512)
        digest = hashlib.sha256(body).hexdigest()
        summary = f"{name}-{number}"
        number += 1
        try:
            uploaded = session.post(
                f"{url}/api/v1/evidence?sha256={digest}", files={"file": ("p.jpg", body, "image/jpeg")}, timeout=30
            )
            if uploaded.status_code != 201:
                continue
            answer = session.post(
                f"{url}/api/v1/cases/{case['id']}/actions/add_evidence",
                json={
                    "on_date": day,
                    "officers": case["officers"],
                    "kind": "electronic",
                    "summary": summary,
                    "evidence": [digest],
                    "no_recording_reason": "文字记录能够全面有效记录执法行为",
                },
                timeout=30,
            )
        except requests.ConnectionError:
            continue  # the worker that held the request was killed: not acknowledged, so not counted
        if answer.status_code == 200:
            acknowledged.append(summary)


def test_two_servers_keep_one_record_when_a_worker_is_killed_mid_burst(
    world: Any, evidence: Path, tmp_path: Path, time_machine: Any
) -> None:
    day = case_under_investigation(world, evidence, time_machine)
    writer = build(writers=1, readers=0, on_date=day.isoformat())["writers"][0]
    case = writer["cases"][0]
    before = Entry.objects.count()
    env = server_env(evidence)  # one evidence store, as two nodes share their object storage
    servers: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for number in range(2):
            port = free_port()
            servers.append(
                subprocess.Popen(
                    [*GUNICORN, "-b", f"127.0.0.1:{port}", "zhifa.wsgi:application"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=(tmp_path / f"server{number}.log").open("wb"),
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
            wait_for(f"{urls[-1]}/healthz", servers[-1])
        acknowledged: list[str] = []
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=_writer, args=(urls[n % 2], writer["token"], case, day.isoformat(), f"w{n}", acknowledged, stop)
            )
            for n in range(6)
        ]
        for thread in threads:
            thread.start()
        time.sleep(3)
        victim = _workers(servers[0].pid)[0]
        os.kill(victim, signal.SIGKILL)  # mid-burst: its requests in flight are lost, never acknowledged
        time.sleep(3)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)

    killed = (tmp_path / "server0.log").read_text(errors="replace")
    assert f"Worker (pid:{victim}) was sent SIGKILL" in killed or str(victim) in killed
    served = {summary.split("-")[0] for summary in acknowledged}
    assert {"w0", "w1"} <= served, "both servers acknowledged acts"
    assert len(acknowledged) >= 20, acknowledged  # a burst, not a trickle
    # Every acknowledged act is a case record whose ledger entry is the evidence act on that case.
    records = {record.summary: record for record in CaseRecord.objects.filter(summary__in=acknowledged)}
    assert set(records) == set(acknowledged)
    entries = dict(
        Entry.objects.filter(index__in=[r.entry_index for r in records.values()]).values_list("index", "action")
    )
    assert {entries[r.entry_index] for r in records.values()} == {"case.add_evidence"}
    assert Entry.objects.count() >= before + len(acknowledged)
    assert_verifies(env)
