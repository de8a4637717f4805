"""`zhifa inspections redraw DRAW_ID`: recompute a draw from its stored inputs file and seed with zhifa_draw.

Exit 0 when the recomputed result's SHA-256 is the stored one (and the stored result hashes to it), 1 when not;
prints the command anyone runs with the published file (docs/inspections-draw.md)."""

from __future__ import annotations

import hashlib
import shlex
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import zhifa_draw
from zhifa.inspections.choices import DrawState
from zhifa.inspections.models import RandomInspection
from zhifa.inspections.services import read_inputs
from zhifa.ledger import blobs


class Command(BaseCommand):
    help = "Recompute a double-random draw from its stored inputs and seed (docs/inspections-draw.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        redraw = commands.add_parser("redraw", help="recompute a draw and compare with its stored result hash")
        redraw.add_argument("draw_id", type=int, metavar="DRAW_ID")

    def handle(self, *args: Any, **options: Any) -> None:
        draw = RandomInspection.objects.filter(pk=options["draw_id"]).first()
        if draw is None:
            raise CommandError(f"没有编号为 {options['draw_id']} 的抽取 no such draw")
        if draw.state != DrawState.DRAWN:
            raise CommandError(f"该抽取尚未完成（{draw.get_state_display()}） the draw is not done")
        try:
            result = zhifa_draw.recompute(read_inputs(draw), draw.seed_value)
        except (zhifa_draw.DrawProblem, blobs.BlobCorrupted) as problem:
            raise CommandError(f"无法重新计算 cannot recompute: {problem}") from problem
        stored = zhifa_draw.canonical(draw.result)
        write = self.stdout.write
        write(f"inputs_sha256   {result.inputs_sha256}（账本记录 recorded {draw.inputs_sha256}）")
        write(f"result_sha256   {result.sha256}（重新计算 recomputed）")
        write(f"                {draw.result_sha256}（存储 stored）")
        differs = []
        if result.inputs_sha256 != draw.inputs_sha256:
            differs.append("the stored inputs are not the ones recorded")
        if result.sha256 != draw.result_sha256:
            differs.append("the recomputed result differs from the stored result hash")
        if hashlib.sha256(stored).hexdigest() != draw.result_sha256:
            differs.append("the stored result does not hash to the stored result hash")
        write("任何人可用公布的文件自行核验 anyone can check with the published file:")
        write(
            f"  python -m zhifa_draw recompute published.json --seed-value {shlex.quote(draw.seed_value)} "
            f"--expect-inputs-sha256 {draw.inputs_sha256} --expect-result-sha256 {draw.result_sha256}"
        )
        if differs:
            write(f"不一致 DIFFERS: {'; '.join(differs)}")
            sys.exit(1)
        write("一致 matches")
