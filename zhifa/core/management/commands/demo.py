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
        parser.add_argument(
            "--scale",
            metavar="N",
            type=int,
            help="在空数据库中生成全省规模的压测数据：N 件案件（全量 1000000），500 个机关，含全过程记录",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["code"]:
            try:
                self.stdout.write(demo_code(options["code"]))
            except Refusal as refusal:
                raise CommandError(str(refusal)) from refusal
            return
        if options["scale"] is not None:
            self._scale(options["scale"])
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

    def _scale(self, cases: int) -> None:
        from zhifa.testing.scale import generate, logins

        if cases < 1:
            raise CommandError("--scale：案件数 N 须为正整数，例如 --scale 1000000")
        try:
            made = generate(cases, today=timezone.localdate())
        except Refusal as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成 {made['agencies']} 个机关、{made['users']} 个账号、{made['cases']} 件案件、"
                f"{made['entries']} 条全过程记录、{made['publications']} 条公示，用时 {made['seconds']:.0f} 秒。"
            )
        )
        self.stdout.write("\n账号（用户名 / 密码 / 说明）：")
        for username, password, label in logins():
            self.stdout.write(f"  {username:<26} {password:<12} {label}")
