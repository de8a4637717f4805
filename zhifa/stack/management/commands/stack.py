"""`zhifa stack up`: the production stack on this machine (zhifa/stack/supervisor.py, docs/operations.md)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.stack.supervisor import Stack, StackError


class Command(BaseCommand):
    help = "生产部署：在本机启动 PostgreSQL、对象存储、队列、后台任务和 gunicorn，Ctrl-C 全部停止"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        up = commands.add_parser("up", help="start everything, wait for each piece, stop all on Ctrl-C")
        up.add_argument("--host", default="127.0.0.1", help="address gunicorn listens on (default 127.0.0.1)")
        up.add_argument("--port", type=int, default=8000, help="its port (default 8000; 0 picks a free one)")
        cores = os.cpu_count() or 1
        up.add_argument("--web-workers", type=int, default=2 * cores, help=f"gunicorn workers (default {2 * cores})")
        up.add_argument("--web-threads", type=int, default=8, help="threads per gunicorn worker (default 8)")
        up.add_argument("--queue-workers", type=int, default=4, help="the queue consumer's workers (default 4)")
        up.add_argument(
            "--database",
            choices=("postgres", "sqlite"),
            default="postgres",
            help="postgres (DATABASE_URL, else a local cluster in the data folder) or the data folder's SQLite",
        )
        up.add_argument(
            "--no-periodic",
            action="store_true",
            help="the consumer here does not run the queue's schedule (every app node but one, at scale)",
        )
        up.add_argument("--free-ports", action="store_true", help="SeaweedFS on free ports instead of its usual ones")

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("web_workers", "web_threads", "queue_workers"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} 至少为 1 / at least 1")
        stack = Stack(
            settings.DATA_DIR,
            host=options["host"],
            port=options["port"],
            web_workers=options["web_workers"],
            web_threads=options["web_threads"],
            queue_workers=options["queue_workers"],
            database=options["database"],
            free_ports=options["free_ports"],
            periodic=not options["no_periodic"],
            out=self.stdout,  # type: ignore[arg-type]
        )
        try:
            stack.up()
        except StackError as problem:
            raise CommandError(str(problem)) from problem
        sys.exit(stack.wait())
