"""`zhifa supervision warn [--schedule]`: run the warning rules (快速预警, 行政执法监督条例 第三十七条) now, or keep
running them once a day beside the server (`make run` starts the schedule as it starts the ledger's checkpoints).

`zhifa supervision tallies [--rebuild]`: compare the overview's kept counts with the cases and publications (exit 1
on a difference), or count them again (supervision/tallies.py)."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhifa.supervision.warning_rules import RULES
from zhifa.supervision.warnings import last_run, warnings_run

POLL_SECONDS = 600  # how often the schedule looks whether today's run is still to do


def last_run_day() -> date | None:
    entry = last_run()
    return timezone.localtime(entry.recorded_at).date() if entry is not None else None


class Command(BaseCommand):
    help = "执法监督：运行预警规则"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        warn = commands.add_parser("warn", help="run every warning rule as of today and update the warnings")
        warn.add_argument("--rule", action="append", dest="rules", help="run only this rule (repeatable)")
        warn.add_argument(
            "--schedule", action="store_true", help="keep running: once a day, on the first look after midnight"
        )
        warn.add_argument("--rounds", type=int, default=0, help="with --schedule: stop after so many looks")
        warn.add_argument("--poll", type=float, default=POLL_SECONDS, help="with --schedule: seconds between looks")
        kept = commands.add_parser("tallies", help="check the overview's kept counts against the cases")
        kept.add_argument("--rebuild", action="store_true", help="count them again from the cases and publications")

    def _run(self, codes: list[str] | None) -> None:
        today = timezone.localdate()
        result = warnings_run(today, codes=codes)
        opened, refreshed, resolved = (sum(c.values()) for c in (result.opened, result.refreshed, result.resolved))
        self.stdout.write(f"{today}：新发预警 {opened} 条，仍存在 {refreshed} 条，消除 {resolved} 条")
        for code in result.failed:
            self.stderr.write(f"规则 {code} 运行失败，已跳过（见日志）")

    def _tallies(self, rebuild: bool) -> None:
        from zhifa.supervision import tallies

        if rebuild:
            tallies.rebuild()
            self.stdout.write("总览统计数已按案件和公开记录重新计算")
        differences = tallies.check()
        for line in differences[:50]:
            self.stderr.write(line)
        if differences:
            raise CommandError(f"总览统计数与案件不一致 {len(differences)} 处（可用 --rebuild 重新计算）")
        self.stdout.write("总览统计数与案件一致")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "tallies":
            self._tallies(options["rebuild"])
            return
        codes = options["rules"]
        unknown = [code for code in codes or () if code not in RULES]
        if unknown:
            raise CommandError(f"没有这条预警规则：{'、'.join(unknown)}（可用：{'、'.join(sorted(RULES))}）")
        if not options["schedule"]:
            self._run(codes)
            return
        self.stdout.write("执法监督预警：每日运行一次（Ctrl-C 停止）")
        looked = 0
        while True:
            if last_run_day() != timezone.localdate():
                self._run(codes)
            looked += 1
            if options["rounds"] and looked >= options["rounds"]:
                return
            time.sleep(options["poll"])
