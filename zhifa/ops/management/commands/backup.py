"""`zhifa backup DEST`: an online backup of the data folder (docs/operations.md, "Backup and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "在线备份数据文件夹（数据库、证据文件、密钥、清单）到一个新的或空的文件夹"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="a new or empty folder outside the data folder")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(options["destination"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        ledger = manifest["ledger"]
        self.stdout.write(
            f"备份完成 backed up: {ledger['size']} entries (root {ledger['root']}, signed checkpoint at "
            f"{ledger['checkpoint']['size']}), {len(manifest['evidence']['files'])} evidence files "
            f"to {options['destination']}"
        )
