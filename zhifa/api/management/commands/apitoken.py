"""`zhifa apitoken USERNAME [--name NAME] [--scope devices.readings]`: issue a user an API token, printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.api.models import TokenScope
from zhifa.api.tokens import token_issue
from zhifa.core.models import User


class Command(BaseCommand):
    help = "为用户签发 API 令牌（只显示一次）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行签发")
        parser.add_argument(
            "--scope", default="", choices=TokenScope.values, help="devices.readings：仅上报在线监测数据（监测平台用）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有名为 {options['username']} 的有效用户")
        _, secret = token_issue(actor=user, name=options["name"], scope=options["scope"])
        self.stdout.write(secret)
