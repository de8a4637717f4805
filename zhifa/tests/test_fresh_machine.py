"""A newcomer's first command: `make run` installs what the demo needs, and `zhifa` says what is missing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.real_clock  # the commands run in subprocesses, on the real clock
ROOT = Path(__file__).resolve().parents[2]
ZHIFA = [sys.executable, "-m", "zhifa"]


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    # Nor the make that runs the suite: its job-server flags mean nothing to a make started here.
    prefixes = ("ZHIFA_", "DATABASE_URL", "DJANGO_", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**env, "ZHIFA_DATA_DIR": str(data_dir), **extra}


def test_make_run_installs_the_documents_system_packages_before_the_demo():
    planned = subprocess.run(
        ["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, check=True, env=_env(ROOT / "var")
    ).stdout.splitlines()
    steps = [line for line in planned if "system-deps.sh" in line or "zhifa demo" in line or "runserver" in line]
    assert steps[0] == "scripts/system-deps.sh run", steps
    assert "zhifa demo" in steps[1]
    assert "runserver" in steps[2]


def test_system_deps_run_checks_the_fonts_and_libraries_the_documents_need():
    script = (ROOT / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    run_part = script.split('if [ "$profile" = test ]', 1)[0]
    for package in ("fonts-noto-cjk", "fontconfig", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
        assert package in run_part
    refused = subprocess.run(["bash", ROOT / "scripts" / "system-deps.sh", "nonsense"], capture_output=True, text=True)
    assert refused.returncode == 2
    assert "usage" in refused.stderr


def test_the_demo_without_a_chinese_font_says_what_to_install_and_exits_non_zero(tmp_path):
    fonts_conf = tmp_path / "fonts.conf"
    fonts_conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path}</cachedir></fontconfig>')
    done = subprocess.run(
        [*ZHIFA, "demo"],
        capture_output=True,
        text=True,
        env=_env(tmp_path / "data", FONTCONFIG_FILE=str(fonts_conf)),
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "apt-get install fonts-noto-cjk" in done.stderr
    assert "请安装中文字体" in done.stderr


def test_a_bad_setting_is_a_message_not_a_traceback(tmp_path):
    done = subprocess.run(
        [*ZHIFA, "check"], capture_output=True, text=True, env=_env(tmp_path, ZHIFA_DEBUG="perhaps"), timeout=120
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "ZHIFA_DEBUG" in done.stderr


def test_a_demo_load_interrupted_half_way_leaves_nothing_and_the_next_one_loads(tmp_path, migrated_data_folder):
    env = _env(migrated_data_folder(tmp_path))  # `zhifa migrate` run once per session (conftest.py)
    database = tmp_path / "zhifa.sqlite3"
    # SIGINT at its default in the child: a suite started in the background (`make test &`) runs with SIGINT
    # ignored, which Python then keeps, and Ctrl-C would never reach the load.
    first = subprocess.Popen(
        [*ZHIFA, "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    # Interrupted (Ctrl-C) once it is writing: the load's one transaction holds the write lock by then.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.5)
        with sqlite3.connect(database, timeout=0.1) as probe:
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.rollback()
            except sqlite3.OperationalError:
                break  # locked: the demo is half-way through its transaction
    assert first.poll() is None, "the demo finished before it could be interrupted"
    first.send_signal(signal.SIGINT)
    first.communicate(timeout=60)
    with sqlite3.connect(database) as probe:
        assert probe.execute("SELECT count(*) FROM core_agency").fetchone() == (0,)
        assert probe.execute("SELECT count(*) FROM ledger_entry").fetchone() == (0,)

    second = subprocess.run([*ZHIFA, "demo"], capture_output=True, text=True, env=env, timeout=600)
    assert second.returncode == 0, second.stderr
    assert "已载入演示数据" in second.stdout
    with sqlite3.connect(database) as probe:
        assert probe.execute("SELECT count(*) FROM core_agency").fetchone()[0] > 5
