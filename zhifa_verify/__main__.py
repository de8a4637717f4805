"""`python -m zhifa_verify BUNDLE_DIR [--against CHECKPOINT_FILE]`: exit 0 intact, 1 not intact, 2 unreadable.

`python -m zhifa_verify --proof ANSWER.json --key KEY.txt [--sha256 HEX]` checks one public proof answer.

`python -m zhifa_verify witness ...` runs a witness round (zhifa_verify/witness.py): exit 0 cosigned, 1 the log
misbehaved (not cosigned), 2 could not complete.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from zhifa_verify.bundle import BundleUnreadable, verify_bundle
from zhifa_verify.note import NoteError, VerifierKey
from zhifa_verify.proof import ProofProblem, verify_answer
from zhifa_verify.witness import LogMisbehaved, WitnessUnable, generate, load, run


def main(argv: Sequence[str] | None = None) -> int:
    # A console that cannot show Chinese must still get the (English) verdict, not a traceback.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["witness"]:
        return _witness(arguments[1:])
    parser = argparse.ArgumentParser(
        prog="python -m zhifa_verify", description="Verify an exported Zhifa ledger bundle (docs/ledger.md)."
    )
    parser.add_argument(
        "bundle", type=Path, nargs="?", metavar="BUNDLE_DIR", help="the folder `zhifa ledger export` wrote"
    )
    parser.add_argument("--proof", type=Path, metavar="ANSWER_JSON", help="check one public proof answer instead")
    parser.add_argument("--key", type=Path, metavar="KEY_FILE", help="the published verifier key (with --proof)")
    parser.add_argument("--sha256", metavar="HEX", help="the document the answer must be about (with --proof)")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKPOINT_FILE",
        help="a signed checkpoint kept from before: the bundle must extend the log it signed",
    )
    args = parser.parse_args(arguments)
    if args.proof is not None:
        return _proof(args.proof, args.key, args.sha256, parser)
    if args.bundle is None:
        parser.error("BUNDLE_DIR is required (or --proof ANSWER_JSON --key KEY_FILE)")
    try:
        report = verify_bundle(args.bundle, args.against)
    except BundleUnreadable as error:
        print(f"无法读取 cannot read: {error}", file=sys.stderr)
        return 2
    if report.ok:
        # The key is the bundle's own: the auditor compares it with the key the operator published.
        print(f"完整 intact: {report.size} entries, root {report.root}, signed by key {report.key}")
        return 0
    # One line, whatever the problem quotes.
    print(f"不完整 NOT intact: {' '.join(str(report.problem).splitlines())}")
    return 1


def _proof(answer_file: Path, key_file: Path | None, sha256: str | None, parser: argparse.ArgumentParser) -> int:
    if key_file is None:
        parser.error("--proof needs --key KEY_FILE, the verifier key the operator published")
    try:
        answer = json.loads(answer_file.read_text(encoding="utf-8"))
        key = VerifierKey.parse(key_file.read_text(encoding="utf-8").strip())
    except (OSError, ValueError) as error:
        print(f"无法读取 cannot read: {error}", file=sys.stderr)
        return 2
    try:
        proved = verify_answer(answer, key, sha256)
    except (ProofProblem, NoteError, ValueError) as error:
        print(f"未证明 NOT proved: {error}")
        return 1
    about = f"document {proved.file} " if proved.file else ""
    print(
        f"已证明 proved: {about}entry {proved.index} ({proved.action}, {proved.time}) "
        f"in the signed tree of {proved.tree_size}"
    )
    return 0


def _witness(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zhifa_verify witness",
        description="Cosign a Zhifa portal's latest checkpoint after checking it extends the last one seen.",
    )
    parser.add_argument("--key", type=Path, required=True, metavar="KEYFILE", help="this witness's private key file")
    parser.add_argument(
        "--generate-key", action="store_true", help="make a new key in KEYFILE and print its public key"
    )
    parser.add_argument("--name", help="with --generate-key: the witness's name, e.g. witness.example.org/zhifa")
    parser.add_argument("--url", help="the portal's address, e.g. https://zhifa.example.gov.cn")
    parser.add_argument("--state", type=Path, metavar="STATEFILE", help="where the last checkpoint seen is kept")
    parser.add_argument("--log-key", type=Path, metavar="FILE", help="the log's verifier key, instead of trusting it")
    args = parser.parse_args(argv)
    try:
        if args.generate_key:
            if not args.name:
                parser.error("--generate-key needs --name")
            signer = generate(args.name, args.key)
            print(f"witness key made in {args.key}; give the portal's operator this public key:")
            print(signer.verifier_line())
            return 0
        if not args.url or args.state is None:
            parser.error("--url and --state are required (or --generate-key --name NAME)")
        log_key = args.log_key.read_text(encoding="utf-8") if args.log_key is not None else None
        outcome = run(args.url, load(args.key), args.state, log_key)
    except LogMisbehaved as problem:
        print(f"日志异常，未联署 NOT cosigned, the log misbehaved: {problem}")
        return 1
    except (WitnessUnable, OSError) as error:
        print(f"未完成 could not complete: {error}", file=sys.stderr)
        return 2
    since = f"consistent with the tree of {outcome.previous}" if outcome.previous else "first checkpoint seen"
    print(f"已联署 cosigned: the tree of {outcome.size} entries ({since}); the portal holds:")
    print(outcome.answer, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
