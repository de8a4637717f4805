"""`zhifa ledger verify|seal|checkpoint|prove|export`: the whole-process record from the command line."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.ledger import services
from zhifa.ledger.export import export_bundle
from zhifa.ledger.legacy import legacy_seal
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger


class Command(BaseCommand):
    help = "全过程记录：校验、签发检查点、包含证明、导出"

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        verify = commands.add_parser("verify", help="recompute and check everything; exit 1 when not intact")
        verify.add_argument("--against", type=Path, help="a checkpoint kept earlier, to check the log only grew")
        verify.add_argument("--skip-files", action="store_true", help="do not re-hash stored files")
        commands.add_parser("checkpoint", help="print the latest signed checkpoint (signing one if the log grew)")
        commands.add_parser("seal", help="pin the actor names and file types of format-1 entries (once, after upgrade)")
        prove = commands.add_parser("prove", help="print an inclusion proof for an entry")
        prove.add_argument("index", type=int)
        prove.add_argument("--size", type=int, help="tree size to prove against (default: latest checkpoint)")
        export = commands.add_parser("export", help="write a self-contained bundle for the standalone verifier")
        export.add_argument("directory", type=Path)
        export.add_argument("--public", action="store_true", help="leave out facts and files (personal data)")

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
            self.stdout.write(services.checkpoint_issue().note, ending="")
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
