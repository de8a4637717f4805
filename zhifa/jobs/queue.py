"""The task queue (huey): one queue for the background work, on a SQLite file in the data folder by default, on
Redis at scale (settings.QUEUE_URL, from ZHIFA_QUEUE). The jobs themselves are in jobs/tasks.py; `zhifa jobs work`
runs the consumer.

huey is used without its Django helper (huey.contrib.djhuey) because that one runs every task inline, without the
queue, whenever DEBUG is on: a demo would then never exercise its queue.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections
from huey import Huey, RedisHuey, SqliteHuey, signals

logger = logging.getLogger("zhifa.jobs")

# A failed job is tried again this many times, this many seconds apart, then kept as an error result and logged.
RETRIES = 2
RETRY_DELAY = 60
Job = TypeVar("Job", bound=Callable[..., Any])


def make_queue(url: str, *, data_dir: Path) -> Huey:
    """The embedded queue (a SQLite file in the data folder) when `url` is empty, else Redis at `url`
    (redis://host:port/db, rediss://…, or unix:///path/to/redis.sock?db=0)."""
    queue: Huey
    if not url:
        queue = SqliteHuey(name="zhifa", filename=str(data_dir / "queue.sqlite3"), utc=True)
    else:
        queue = RedisHuey(name="zhifa", url=url, utc=True)
    queue.signal(signals.SIGNAL_RETRYING)(_retrying)
    queue.signal(signals.SIGNAL_ERROR)(_failed)
    return queue


def _retrying(signal: str, task: Any, *args: Any) -> None:
    # Emitted before huey counts the try: `task.retries` still includes the one about to be made.
    logger.warning("后台任务 %s 失败，%s 秒后重试（还可重试 %s 次）", task.name, task.retry_delay, task.retries)


def _failed(signal: str, task: Any, exc: BaseException | None = None, *args: Any) -> None:
    if not task.retries:
        logger.error("后台任务 %s 失败，已无重试次数：%r（错误已存入队列的结果）", task.name, exc)


HUEY: Huey = make_queue(settings.QUEUE_URL, data_dir=settings.DATA_DIR)


def queue_depth() -> int:
    """Jobs waiting to be run now (not those scheduled for later, such as a failed job's next try)."""
    return int(HUEY.pending_count())


def queue_ready() -> str | None:
    """The readiness check of /readyz (zhifa.ops.readiness): the queue answers, or why not (no secrets)."""
    try:
        queue_depth()
    except Exception as error:  # any failure means not ready; its kind is enough to say
        return f"任务队列不可用：{type(error).__name__}"
    return None


def periodic_job(when: Callable[[datetime], bool], *, name: str) -> Callable[[Callable[[], None]], Any]:
    """A job on the schedule (`when` says whether a minute is one of its times), tried again when it fails, one run
    at a time across every consumer (a lock in the queue), with fresh database connections."""

    def decorate(function: Callable[[], None]) -> Any:
        locked = HUEY.lock_task(name)(with_database(function))
        return HUEY.periodic_task(when, retries=RETRIES, retry_delay=RETRY_DELAY, name=name)(locked)

    return decorate


def with_database(function: Job) -> Job:
    """A job runs in a worker thread or process between requests' lives: it drops connections the database may have
    closed before it starts, and closes its own when it ends (as a request does)."""

    @wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        close_old_connections()
        try:
            return function(*args, **kwargs)
        finally:
            close_old_connections()

    return run  # type: ignore[return-value]
