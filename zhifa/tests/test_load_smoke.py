"""The load test's smoke run (issue 20 item 4): gunicorn with two workers on the PostgreSQL pass's database, locust
from a second process for 30 seconds with the province's mix (bench/load/locustfile.py), then `zhifa ledger
verify`. Every kind of request is asked, none fails, and the record holds every act the writers were told was
recorded. The full run, at 10⁶ cases and against the development server as baseline, is bench/load_bench.py.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from bench.load.plan import build
from bench.load_bench import locust_command, wait_for
from zhifa.cases.tests.desk import Desk
from zhifa.ledger.models import Entry
from zhifa.stack.supervisor import free_port
from zhifa.testing.factories import at

pytestmark = [pytest.mark.postgres, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SECONDS = 30


def _database_url() -> str:
    config = connection.settings_dict
    user, password = config["USER"], config["PASSWORD"]
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = quote(config["HOST"] or "localhost", safe="")  # the harness's server listens on a socket folder
    return f"postgres://{auth}{host}:{config['PORT'] or 5432}/{config['NAME']}"


def assert_verifies(env: dict[str, str]) -> None:
    """`zhifa ledger verify` in a process of its own, with the servers' settings, passes."""
    verify = subprocess.run(
        [sys.executable, "-m", "zhifa", "ledger", "verify"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def case_under_investigation(world: Any, evidence: Path, time_machine: Any) -> date:
    """The world's case taken to investigation (the writers' case), the clock stopped on its day; returns the day."""
    day = date(2026, 10, 14)
    time_machine.move_to(at(day, 9), tick=False)
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(day)
    return day


def server_env(evidence: Path, **more: str) -> dict[str, str]:
    """The environment of a server process on this pass's database, its evidence folder and ledger key."""
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        # The server's evidence folder is the one the world's files went to (the `evidence` fixture's).
        "ZHIFA_DATA_DIR": str(evidence.parent),
        "ZHIFA_LEDGER_KEY_FILE": str(settings.LEDGER_KEY_FILE),  # the key that signed the world's checkpoints
        **more,
    }


def test_the_provinces_mix_for_thirty_seconds_without_an_error(
    world: Any, evidence: Path, tmp_path: Path, time_machine: Any
) -> None:
    day = case_under_investigation(world, evidence, time_machine)
    plan = build(writers=2, readers=2, on_date=day.isoformat())
    assert plan["writers"], "the world's case under investigation gives the writers their case"
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False))
    before = Entry.objects.count()

    port = free_port()
    env = server_env(evidence, ZHIFA_LOGIN_RATE_LIMIT="1000", ZHIFA_LOAD_PLAN=str(plan_file))
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "zhifa.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("wb"),
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server)
        stats = tmp_path / "stats"
        load = subprocess.run(
            locust_command(f"http://127.0.0.1:{port}", 8, 8, SECONDS, stats),
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
            timeout=SECONDS + 60,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    assert (tmp_path / "stats_stats.csv").exists(), load.stderr[-3000:]
    with (tmp_path / "stats_stats.csv").open(encoding="utf-8") as table:
        rows = {row["Name"]: row for row in csv.DictReader(table)}
    total = rows.pop("Aggregated")
    assert int(total["Request Count"]) > 0
    failures = (tmp_path / "stats_failures.csv").read_text(encoding="utf-8")
    assert int(total["Failure Count"]) == 0, failures + (tmp_path / "server.log").read_text(errors="replace")[-3000:]
    asked = set(rows)
    assert {"写：上传证据", "写：记录证据", "读：案件列表", "公：决定检索", "公：证件查验"} <= asked, asked
    # Every evidence act the server acknowledged is in the record, and the record verifies.
    recorded = int(rows["写：记录证据"]["Request Count"])
    assert Entry.objects.filter(action="case.add_evidence").count() >= recorded
    assert Entry.objects.count() > before
    assert_verifies(env)
