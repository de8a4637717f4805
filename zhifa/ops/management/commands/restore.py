"""`zhifa restore SRC`: a backup into an empty data folder, checked by the ledger (docs/operations.md)."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "把 zhifa backup 做的备份恢复到空的数据文件夹（ZHIFA_DATA_DIR），并以记录的检查点校验"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="a folder made by `zhifa backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore into a data folder that holds data: what is there is moved to replaced-<time>/, not deleted",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore(options["source"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"恢复完成，记录完整 restored and intact: {report.size} entries, {report.files} files, "
            f"root {base64.b64encode(report.root).decode()}"
        )
