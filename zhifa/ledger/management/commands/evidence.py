"""`zhifa evidence cleanup`: remove uploaded files never attached to a record within the retention period, and
resumable uploads left unfinished for a day."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from zhifa.ledger.uploads import evidence_cleanup


class Command(BaseCommand):
    help = "证据文件：清除上传后超过保留期限仍未记入记录的文件"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        cleanup = commands.add_parser("cleanup", help="remove uploads not attached within the retention period")
        cleanup.add_argument(
            "--days", type=int, default=None, help="retention in days (default ZHIFA_EVIDENCE_RETENTION_DAYS)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.EVIDENCE_RETENTION_DAYS
        report = evidence_cleanup(days=days)
        self.stdout.write(
            f"已清除 {report.uploads_removed} 个超过 {days} 天未记入记录的上传，"
            f"删除 {len(report.files_deleted)} 个文件，"
            f"清除 {report.partials_removed} 个超过一天未完成的续传"
            f" / removed {report.uploads_removed} uploads, deleted {len(report.files_deleted)} files,"
            f" {report.partials_removed} partial uploads"
        )
