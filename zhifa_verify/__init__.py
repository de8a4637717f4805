"""zhifa_verify: the standalone verifier of an exported ledger bundle (docs/ledger.md).

It needs only the standard library and `cryptography`, never Django or the `zhifa` package, so an
auditor can copy this folder to their own machine and run::

    python -m zhifa_verify BUNDLE_DIR [--against CHECKPOINT_FILE]

From Python, `verify_bundle(path, against)` returns a `Report`; tampering is reported, not raised.
Everything is checked against the key in the bundle, so the verdict names it (`Report.key`): the auditor
compares it with the key the operator published, or passes `--against` a checkpoint kept from before.
"""

from __future__ import annotations

from zhifa_verify.bundle import BundleUnreadable, Report, verify_bundle

__all__ = ["BundleUnreadable", "Report", "verify_bundle"]
