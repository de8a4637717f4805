"""The queue (huey) runs the background work: the same job on the embedded queue and on Redis, on the schedule the
settings say, and a job that fails is tried again, then kept and logged — never dropped."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from huey.exceptions import TaskException

from zhifa.jobs import tasks
from zhifa.jobs.queue import HUEY, RETRIES, RETRY_DELAY, make_queue, queue_depth
from zhifa.testing.redis import ThrowawayRedis

ZHIFA = [sys.executable, "-m", "zhifa"]
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    prefixes = ("ZHIFA_", "DATABASE_URL", "DJANGO_", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**env, "ZHIFA_DATA_DIR": str(data_dir), **extra}


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = ThrowawayRedis(tmp_path_factory.mktemp("redis"))
    yield server.start()
    server.stop()


def _checkpoints(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "zhifa.sqlite3") as database:
        return int(database.execute("SELECT count(*) FROM ledger_checkpoint").fetchone()[0])


@pytest.mark.real_clock  # the consumer runs in a subprocess
@pytest.mark.parametrize("backend", ["embedded", "redis"])
def test_a_job_put_on_the_queue_is_run_by_the_consumer_on_either_backend(
    backend, request, tmp_path, migrated_data_folder
):
    data = migrated_data_folder(tmp_path / "var")
    url = request.getfixturevalue("redis_url") if backend == "redis" else ""
    env = _env(data, **({"ZHIFA_QUEUE": url} if url else {}))
    queue = make_queue(url, data_dir=data)  # the same queue, read from here
    queue.flush()
    assert _checkpoints(data) == 0

    # The consumer (no schedule: it runs only what is queued) and the command that queues start side by side.
    worker = subprocess.Popen(
        [*ZHIFA, "jobs", "work", "--workers", "2", "--no-periodic"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        queued = subprocess.run(
            [*ZHIFA, "jobs", "run", "ledger_checkpoint"], env=env, capture_output=True, text=True, timeout=120
        )
        assert queued.returncode == 0, queued.stderr
        assert "已排入 queued: ledger_checkpoint" in queued.stdout
        deadline = time.monotonic() + 90  # a bound on the wait, not a measure
        while _checkpoints(data) == 0 and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGINT)
        output, _ = worker.communicate(timeout=60)
    assert (data / "queue.sqlite3").exists() == (backend == "embedded")
    assert _checkpoints(data) == 1, output
    assert queue.pending_count() == 0
    assert "2 个线程" in output
    job_id = queued.stdout.split()[3]
    assert f"ledger_checkpoint: {job_id}" in output  # huey's log of the job it ran: the one queued
    assert worker.returncode == 0, output


@pytest.mark.dateless
def test_a_job_that_fails_is_tried_again_then_kept_as_an_error_and_logged(tmp_path, caplog):
    queue = make_queue("", data_dir=tmp_path)  # a queue of its own, with the project's signals
    tries: list[int] = []

    @queue.task(retries=RETRIES, retry_delay=RETRY_DELAY, name="always_fails")  # type: ignore[untyped-decorator]
    def always_fails() -> None:
        tries.append(1)
        raise RuntimeError("磁盘已满")

    result = always_fails()
    task = queue.dequeue()
    at = None
    for remaining in range(RETRIES, 0, -1):
        queue.execute(task, at)
        assert queue.pending_count() == 0
        assert queue.read_schedule() == []  # not before its delay
        at = datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=RETRY_DELAY + 1)  # huey's naive UTC
        [task] = queue.read_schedule(at)
        assert task.retries == remaining - 1
    assert "always_fails 失败，60 秒后重试" in caplog.text

    queue.execute(task, at)  # the last try
    assert len(tries) == RETRIES + 1
    assert queue.scheduled_count() == 0
    with pytest.raises(TaskException, match="磁盘已满"):
        result.get()  # kept in the queue's results
    assert "always_fails 失败，已无重试次数" in caplog.text
    assert any(record.levelname == "ERROR" and record.name == "zhifa.jobs" for record in caplog.records)


@pytest.mark.dateless
def test_the_queue_depth_counts_the_jobs_waiting():
    HUEY.flush()
    assert queue_depth() == 0
    tasks.JOBS["evidence_cleanup"]()
    tasks.JOBS["audit_seal"]()
    assert queue_depth() == 2
    HUEY.flush()


def test_every_job_is_tried_again_when_it_fails():
    for name, job in tasks.JOBS.items():
        assert (job.retries, job.retry_delay) == (RETRIES, RETRY_DELAY), name


def _utc(hour: int, minute: int) -> datetime:
    """A local time in the installation's zone as huey's scheduler passes it (naive UTC)."""
    return datetime(2026, 6, 1, hour, minute, tzinfo=SHANGHAI).astimezone(UTC).replace(tzinfo=None)


def _due(hour: int, minute: int) -> set[str]:
    return {task.name for task in HUEY.read_periodic(_utc(hour, minute))}


@pytest.mark.dateless
def test_the_schedule_is_what_the_settings_say(settings):
    settings.JOBS_DAILY_AT = (2, 30)
    settings.JOBS_WARNINGS_LOOK_MINUTES = 15
    assert {task.name for task in HUEY._registry.periodic_tasks} == set(tasks.JOBS)
    assert _due(1, 7) == {"ledger_checkpoint"}  # looked at every minute, signed when due
    assert _due(1, 15) == {"ledger_checkpoint", "supervision_warnings"}
    assert _due(1, 10) == {"ledger_checkpoint"}
    assert _due(2, 0) == {"ledger_checkpoint", "supervision_warnings", "audit_seal"}
    assert _due(2, 30) == {"ledger_checkpoint", "supervision_warnings", "evidence_cleanup"}  # local time, not UTC
    settings.JOBS_DAILY_AT = (3, 0)
    settings.JOBS_WARNINGS_LOOK_MINUTES = 10
    assert _due(2, 30) == {"ledger_checkpoint", "supervision_warnings"}
    assert _due(3, 0) == {"ledger_checkpoint", "supervision_warnings", "audit_seal", "evidence_cleanup"}
    assert _due(1, 10) == {"ledger_checkpoint", "supervision_warnings"}
