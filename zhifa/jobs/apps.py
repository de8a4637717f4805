from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "zhifa.jobs"
    label = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from zhifa.ops import readiness

        readiness.register("queue", _queue_ready)


def _queue_ready() -> str | None:
    # Imported when asked, not at start: making the queue creates its SQLite file in the data folder, and a
    # command such as `zhifa restore` must find that folder as it left it.
    from zhifa.jobs.queue import queue_ready

    return queue_ready()
