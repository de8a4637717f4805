"""`python -m zhifa_verify BUNDLE_DIR [--against CHECKPOINT_FILE]`: exit 0 intact, 1 not intact, 2 unreadable."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from pathlib import Path

from zhifa_verify.bundle import BundleUnreadable, verify_bundle


def main(argv: Sequence[str] | None = None) -> int:
    # A console that cannot show Chinese must still get the (English) verdict, not a traceback.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = argparse.ArgumentParser(
        prog="python -m zhifa_verify", description="Verify an exported Zhifa ledger bundle (docs/ledger.md)."
    )
    parser.add_argument("bundle", type=Path, metavar="BUNDLE_DIR", help="the folder `zhifa ledger export` wrote")
    parser.add_argument(
        "--against",
        type=Path,
        metavar="CHECKPOINT_FILE",
        help="a signed checkpoint kept from before: the bundle must extend the log it signed",
    )
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
