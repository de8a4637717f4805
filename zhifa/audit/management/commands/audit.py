"""`zhifa audit seal|verify`: put the audit trail's hash chain into the ledger, and check it."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhifa.audit.services import audit_seal, audit_verify


class Command(BaseCommand):
    help = "安全审计记录：封存到全过程记录、校验"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("seal", help="record the chain's head in the ledger (schedule it, e.g. hourly)")
        commands.add_parser("verify", help="recompute the chain and compare the seals; exit 1 when not intact")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "seal":
            head = audit_seal()
            self.stdout.write("没有审计记录 / nothing to seal" if head is None else f"已封存至 #{head.pk} / sealed")
            return
        report = audit_verify()
        if report.ok:
            self.stdout.write(f"完整 intact: {report.events} events, {report.seals} seals")
            return
        self.stderr.write(f"不完整 NOT intact: {report.problems[0]}")
        sys.exit(1)
