"""`python -m zhifa_draw COMMAND`, with no Django (docs/inspections-draw.md):

recompute INPUTS.json --seed-value VALUE [--expect-inputs-sha256 HEX] [--expect-result-sha256 HEX]
          [--drand-signature HEX] [--output RESULT.json]
    recomputes the draw; exit 0 when it matches what was expected, 1 when it differs, 2 unreadable or invalid.
hash INPUTS.json [--write CANONICAL.json]
    the inputs' SHA-256 (exit 1 when the file is not in canonical form; --write writes the canonical form).
witnesses "9319" "2 5 12 8 10" ...
    the RFC 3797 key string of the witnesses' numbers, one argument per witness, in the announced order.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from zhifa_draw import canon
from zhifa_draw.draw import DrawProblem, recompute
from zhifa_draw.seed import SeedProblem, check_drand
from zhifa_draw.witnesses import WitnessProblem, canonical_key, split_entry


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = argparse.ArgumentParser(
        prog="python -m zhifa_draw", description="Recompute a Zhifa double-random draw (docs/inspections-draw.md)."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    again = commands.add_parser("recompute", help="recompute a draw from its published inputs and seed value")
    again.add_argument("inputs", type=Path, metavar="INPUTS_JSON")
    again.add_argument("--seed-value", required=True, metavar="VALUE", help="the public value the seed comes from")
    again.add_argument("--expect-inputs-sha256", metavar="HEX", help="the inputs' hash published before the seed")
    again.add_argument("--expect-result-sha256", metavar="HEX", help="the result's hash the server published")
    again.add_argument("--drand-signature", metavar="HEX", help="drand: check randomness = SHA-256(signature)")
    again.add_argument(
        "--output", type=Path, metavar="RESULT_JSON", help="write the result (canonical JSON); - prints it first"
    )
    hashing = commands.add_parser("hash", help="the SHA-256 of a published inputs file")
    hashing.add_argument("inputs", type=Path, metavar="INPUTS_JSON")
    hashing.add_argument("--write", type=Path, metavar="CANONICAL_JSON", help="write the file's canonical form")
    witness = commands.add_parser("witnesses", help="the RFC 3797 key string of the witnesses' numbers")
    witness.add_argument("entries", nargs="+", metavar="ENTRY", help='one witness\'s numbers, e.g. "2 5 12 8 10"')
    args = parser.parse_args(argv)
    if args.command == "witnesses":
        try:
            print(canonical_key([split_entry(entry) for entry in args.entries]))
        except WitnessProblem as error:
            print(f"无效 invalid: {error}", file=sys.stderr)
            return 2
        return 0
    try:
        data = args.inputs.read_bytes()
    except OSError as error:
        print(f"无法读取 cannot read: {error}", file=sys.stderr)
        return 2
    if args.command == "hash":
        return _hash(data, args.write)
    return _recompute(data, args)


def _hash(data: bytes, write: Path | None) -> int:
    try:
        value = canon.parse(data)
        encoded = canon.canonical(value)
    except canon.NotCanonical as error:
        print(f"无法读取 cannot read: {error}", file=sys.stderr)
        return 2
    if write is not None:
        write.write_bytes(encoded)
    print(canon.sha256_hex(encoded))
    if encoded != data:
        print("注意 note: the file is not in canonical form; the hash is of its canonical form", file=sys.stderr)
        return 0 if write is not None else 1
    return 0


def _recompute(data: bytes, args: argparse.Namespace) -> int:
    try:
        if args.drand_signature:
            check_drand(args.seed_value, args.drand_signature)
        result = recompute(data, args.seed_value)
    except (DrawProblem, SeedProblem) as error:
        print(f"无效 invalid: {error}", file=sys.stderr)
        return 2
    if args.output == Path("-"):
        sys.stdout.buffer.write(result.canonical + b"\n")
        sys.stdout.flush()
    elif args.output is not None:
        args.output.write_bytes(result.canonical)
    counts = json.dumps(
        {"targets": len(result.data["targets"]), "unstaffed": result.data["unstaffed"]}, separators=(",", ":")
    )
    print(f"inputs_sha256 {result.inputs_sha256}")
    print(f"seed_sha256 {result.seed_sha256}")
    print(f"result_sha256 {result.sha256}")
    print(f"counts {counts}")
    differs = []
    if args.expect_inputs_sha256 and args.expect_inputs_sha256.strip().lower() != result.inputs_sha256:
        differs.append("the inputs are not the ones whose hash was published")
    if args.expect_result_sha256 and args.expect_result_sha256.strip().lower() != result.sha256:
        differs.append("the result differs from the published one")
    if differs:
        print(f"不一致 DIFFERS: {'; '.join(differs)}")
        return 1
    if args.expect_inputs_sha256 or args.expect_result_sha256:
        print("一致 matches")
    return 0


if __name__ == "__main__":
    sys.exit(main())
