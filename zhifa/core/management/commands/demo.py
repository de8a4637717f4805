"""`zhifa demo`: load the demo data once, then print the demo logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhifa.core.errors import Refusal
from zhifa.demo import demo_code, demo_exists, load_demo, login_table
from zhifa.documents.fonts import require_chinese_font


class Command(BaseCommand):
    help = "载入演示数据（只载入一次）并列出演示账号"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--code",
            metavar="USERNAME",
            help="打印演示管理员账号当前的二次验证码（仅限演示数据自带的验证器）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["code"]:
            try:
                self.stdout.write(demo_code(options["code"]))
            except Refusal as refusal:
                raise CommandError(str(refusal)) from refusal
            return
        require_chinese_font()  # the demo's cases carry their documents: stop at once, before anything else
        if demo_exists():
            self.stdout.write("演示数据已存在，未重复载入。")
        else:
            load_demo(timezone.localdate())  # one transaction: an interrupted load leaves nothing behind
            self.stdout.write(self.style.SUCCESS("已载入演示数据。"))
        self.stdout.write("\n演示账号（用户名 / 密码 / 角色）：")
        for username, password, label in login_table():
            self.stdout.write(f"  {username:<20} {password:<12} {label}")
        self.stdout.write("\n打开 http://127.0.0.1:8000 登录。")
