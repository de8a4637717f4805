"""`zhifa jobs work [--workers N]`: run the queue's consumer (the scheduled background work and the jobs put on the
queue); `zhifa jobs run NAME`: put a job on the queue now; `zhifa jobs depth`: how many jobs wait (docs/operations.md).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.jobs.queue import HUEY, queue_depth
from zhifa.jobs.tasks import JOBS


class Command(BaseCommand):
    help = "后台任务：运行队列的消费者、立即排入任务、查看排队数"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        work = commands.add_parser("work", help="run the consumer: the workers and (unless --no-periodic) the schedule")
        work.add_argument("--workers", type=int, default=2, help="how many jobs run at once (default 2)")
        work.add_argument(
            "--kind", choices=("thread", "process"), default="thread", help="workers as threads (default) or processes"
        )
        work.add_argument(
            "--no-periodic",
            action="store_true",
            help="do not run the schedule here: with several consumers, exactly one runs it",
        )
        run = commands.add_parser("run", help="put a job on the queue now")
        run.add_argument("name", choices=sorted(JOBS))
        commands.add_parser("depth", help="print how many jobs wait to be run")

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "run":
            queued = JOBS[options["name"]]()
            self.stdout.write(f"已排入 queued: {options['name']} {queued.id} (排队 waiting: {queue_depth()})")
            return
        if command == "depth":
            self.stdout.write(str(queue_depth()))
            return
        if options["workers"] < 1:
            raise CommandError("--workers 至少为 1 / at least 1")
        periodic = not options["no_periodic"]
        where = settings.QUEUE_URL or str(settings.DATA_DIR / "queue.sqlite3")
        self.stdout.write(
            f"后台任务：{options['workers']} 个{'线程' if options['kind'] == 'thread' else '进程'}，"
            f"队列 {where}，{'运行' if periodic else '不运行'}定时任务（Ctrl-C 停止）"
        )
        self.stdout.flush()
        logging.getLogger("huey").setLevel(logging.INFO)
        consumer = HUEY.create_consumer(
            workers=options["workers"],
            worker_type=options["kind"],
            periodic=periodic,
            # The schedule's locks left by a consumer that was killed mid-job: the one consumer that runs the
            # schedule clears them as it starts (the others must not: a job of theirs may hold one).
            flush_locks=periodic,
            check_worker_health=True,
        )
        consumer.run()
