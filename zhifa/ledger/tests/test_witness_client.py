"""The standalone witness (`python -m zhifa_verify witness`) against a running portal: it cosigns what
extends what it saw, and refuses a log that forked from it."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from zhifa.ledger import services
from zhifa.ledger.models import Cosignature
from zhifa.ledger.tests.test_witness_endpoints import grow

pytestmark = [pytest.mark.real_clock, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]


def witness(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "zhifa_verify", "witness", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_the_witness_cosigns_consistent_checkpoints_and_refuses_a_fork(live_server, world, tmp_path: Path):
    key, state = tmp_path / "witness.key", tmp_path / "state.json"
    made = witness("--generate-key", "--name", "witness.example/w1", "--key", str(key))
    assert made.returncode == 0, made.stderr
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    call_command("witness", "add", made.stdout.strip().splitlines()[-1])
    first = services.checkpoint_issue()

    run = witness("--url", live_server.url, "--key", str(key), "--state", str(state))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "first checkpoint seen" in run.stdout
    assert Cosignature.objects.get().checkpoint == first

    grow(world, 2)
    second = services.checkpoint_issue()
    run = witness("--url", live_server.url, "--key", str(key), "--state", str(state))
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"consistent with the tree of {first.size}" in run.stdout
    assert Cosignature.objects.filter(checkpoint=second).count() == 1
    assert json.loads(state.read_text())["size"] == second.size

    # A witness that saw another tree of that size (a fork) must not cosign this one.
    remembered = json.loads(state.read_text())
    remembered["root"] = base64.b64encode(bytes(32)).decode()
    state.write_text(json.dumps(remembered))
    run = witness("--url", live_server.url, "--key", str(key), "--state", str(state))
    assert run.returncode == 1
    assert "NOT cosigned" in run.stdout
    assert Cosignature.objects.count() == 2
