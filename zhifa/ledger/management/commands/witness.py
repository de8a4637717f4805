"""`zhifa witness add KEY [--description TEXT] | retire NAME | list`: the witnesses whose cosignatures the
portal accepts (docs/verification.md, "For witness operators")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.core.errors import Refusal
from zhifa.ledger import witnesses
from zhifa.ledger.models import Witness


class Command(BaseCommand):
    help = "见证方：登记、停用、列出"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="accept cosignatures by this witness key")
        add.add_argument("key", help="the witness's verifier key, <name>+<key ID>+<base64(0x04 ‖ public key)>")
        add.add_argument("--description", default="", help="who runs it, shown on the checkpoints page")
        retire = commands.add_parser("retire", help="accept no more cosignatures by this witness")
        retire.add_argument("name")
        commands.add_parser("list", help="print the witnesses and their keys")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["command"] == "add":
                witness = witnesses.witness_add(actor=None, key_line=options["key"], description=options["description"])
                self.stdout.write(f"已登记见证方 {witness.name}")
            elif options["command"] == "retire":
                witness = witnesses.witness_retire(actor=None, name=options["name"])
                self.stdout.write(f"已停用见证方 {witness.name}")
            else:
                for witness in Witness.objects.order_by("name"):
                    state = "停用" if witness.retired_at else "在用"
                    self.stdout.write(f"{state}\t{witnesses.witness_key(witness).line()}\t{witness.description}")
        except Refusal as refusal:
            raise CommandError(str(refusal)) from None
