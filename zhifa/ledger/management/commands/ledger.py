"""`zhifa ledger verify|seal|checkpoint|prove|export`: the whole-process record from the command line."""

from __future__ import annotations

import base64
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhifa.ledger import services
from zhifa.ledger.export import export_bundle
from zhifa.ledger.legacy import legacy_seal
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger

POLL_SECONDS = 60  # how often the schedule looks whether a checkpoint is due


class Command(BaseCommand):
    help = "全过程记录：校验、签发检查点、包含证明、导出"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        verify = commands.add_parser("verify", help="recompute and check everything; exit 1 when not intact")
        verify.add_argument("--against", type=Path, help="a checkpoint kept earlier, to check the log only grew")
        verify.add_argument("--skip-files", action="store_true", help="do not re-hash stored files")
        checkpoint = commands.add_parser(
            "checkpoint", help="print the latest signed checkpoint (signing one if the log grew)"
        )
        checkpoint.add_argument(
            "--schedule",
            action="store_true",
            help="keep running: sign the grown log whenever the last checkpoint is older than "
            "ZHIFA_LEDGER_CHECKPOINT_MINUTES (make run starts this beside the server)",
        )
        checkpoint.add_argument("--rounds", type=int, default=0, help="with --schedule: stop after so many looks")
        checkpoint.add_argument(
            "--poll", type=float, default=POLL_SECONDS, help="with --schedule: seconds between looks"
        )
        commands.add_parser("seal", help="pin the actor names and file types of format-1 entries (once, after upgrade)")
        prove = commands.add_parser("prove", help="print an inclusion proof for an entry")
        prove.add_argument("index", type=int)
        prove.add_argument("--size", type=int, help="tree size to prove against (default: latest checkpoint)")
        export = commands.add_parser("export", help="write a self-contained bundle for the standalone verifier")
        export.add_argument("directory", type=Path)
        export.add_argument("--public", action="store_true", help="leave out facts and files (personal data)")

    def _schedule(self, *, rounds: int, poll: float) -> None:
        """The service's own schedule for quiet spells: an entry committed just after a checkpoint is signed
        within the interval (and a minute), not only when the next commit comes. Commits sign on their own
        (checkpoint_if_due), and both read the table, so together they still sign at most once an interval."""
        self.stdout.write(f"检查点签发：每 {settings.LEDGER_CHECKPOINT_MINUTES} 分钟内至多一次（Ctrl-C 停止）")
        looked = 0
        while True:
            with transaction.atomic():
                services.checkpoint_if_due()
            looked += 1
            if rounds and looked >= rounds:
                return
            time.sleep(poll)

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "verify":
            report = verify_ledger(against=options["against"], check_files=not options["skip_files"])
            if report.ok:
                root = base64.b64encode(report.root).decode()
                self.stdout.write(f"完整 intact: {report.size} entries, {report.files_checked} files, root {root}")
                if report.legacy_unsealed:
                    self.stdout.write(
                        f"注意 note: {report.legacy_unsealed} entries of format 1 are not covered by a legacy seal, "
                        "so their actor names are not checked: run `zhifa ledger seal` once (docs/ledger.md)"
                    )
                return
            self.stderr.write(f"不完整 NOT intact: {report.problems[0]}")
            sys.exit(1)
        if command == "seal":
            sealed = legacy_seal(actor=None)
            if sealed is None:
                self.stdout.write("无需封存 nothing to seal: no format-1 entry is left uncovered")
            else:
                self.stdout.write(f"已封存 sealed: entry {sealed.index} pins the format-1 entries below it")
            return
        if command == "checkpoint":
            if options["schedule"]:
                self._schedule(rounds=options["rounds"], poll=options["poll"])
                return
            with transaction.atomic():
                issued = services.checkpoint_issue()
            self.stdout.write(issued.note, ending="")
            return
        if command == "prove":
            checkpoint = services.latest_checkpoint() or services.checkpoint_issue()
            size = options["size"] or checkpoint.size
            try:
                proof = services.inclusion_proof(options["index"], size)
            except ValueError as error:
                raise CommandError(str(error)) from error
            entry = Entry.objects.get(index=options["index"])
            result = {
                "index": entry.index,
                "size": size,
                "leaf_hash": bytes(entry.leaf_hash).hex(),
                "root": base64.b64encode(services.root(size)).decode(),
                "proof": [base64.b64encode(node).decode() for node in proof],
            }
            self.stdout.write(json.dumps(result, indent=2))
            return
        if command == "export":
            try:
                size = export_bundle(options["directory"], public=options["public"])
            except FileExistsError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"exported {size} entries to {options['directory']}")
