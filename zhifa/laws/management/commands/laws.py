"""`zhifa laws load|check|reindex`: load the shipped legal data (zhifa/laws/data) or only check it; or rebuild
the similar-case index (类案推送) from the closed cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhifa.laws import similar
from zhifa.laws.loader import DATA, LoadError, load


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "载入（load）或只检查（check）随系统提供的法律条款、违法行为、裁量基准和不予处罚清单；或重建类案索引（reindex）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("verb", choices=["load", "check", "reindex"])
        parser.add_argument("--folder", type=Path, default=DATA, help="数据目录（默认随系统提供的数据）")

    def handle(self, *args: Any, **options: Any) -> None:
        folder: Path = options["folder"]
        if options["verb"] == "reindex":
            count = similar.rebuild()
            self.stdout.write(self.style.SUCCESS(f"类案索引已重建：{count} 件已结案件。"))
            return
        try:
            if options["verb"] == "check":
                try:
                    with transaction.atomic():
                        report = load(folder)
                        raise _Rollback
                except _Rollback:
                    pass
                self.stdout.write(self.style.SUCCESS(f"数据无误：{len(report.files)} 个文件。"))
                return
            report = load(folder)
        except LoadError as error:
            raise CommandError(f"数据有误，未载入任何内容：{error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"已载入：{len(report.files)} 个文件，新增 {report.added} 条，更新 {len(report.changed)} 条。"
            )
        )
