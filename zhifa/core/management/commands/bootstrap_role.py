"""`zhifa bootstrap_role USERNAME ROLE`: give the first administrator of a kind from the server;
`zhifa bootstrap_role --check`: list people whose roles break 三员分立 (left from before the split)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.core import services
from zhifa.core.errors import Refusal
from zhifa.core.models import User


class Command(BaseCommand):
    help = "从服务器设置首位系统/安全/审计管理员；--check 列出违反三员分立的角色组合"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?")
        parser.add_argument("role", nargs="?", help="sysadmin、secadmin 或 auditor")
        parser.add_argument("--check", action="store_true", help="只列出违反三员分立的人员")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            conflicts = services.role_conflicts()
            for user, reason in conflicts:
                self.stdout.write(f"{user.username}\t{user}\t{reason}")
            if not conflicts:
                self.stdout.write("没有违反三员分立的角色组合")
            return
        if not options["username"] or not options["role"]:
            raise CommandError("用法：zhifa bootstrap_role 用户名 角色（sysadmin、secadmin 或 auditor）")
        person = User.objects.filter(username=options["username"], is_active=True).first()
        if person is None:
            raise CommandError(f"没有名为 {options['username']} 的有效用户")
        try:
            services.user_bootstrap_role(user=person, role=options["role"])
        except Refusal as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(f"已为 {person.username} 设置角色 {options['role']}")
