"""/readyz: whether this process can serve — database reachable and migrated, ledger key readable, evidence
storage writable, and whatever other modules register (the task queue registers its own check).

`/healthz` says the process answers; `/readyz` says a load balancer may send it work. Each check returns None
when fine, else a short message for operators that names no secret (no address, password or key).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

Check = Callable[[], str | None]
log = logging.getLogger("zhifa.readiness")
_checks: dict[str, Check] = {}
_migrated = False  # once the database had every migration this code knows, it keeps them


def register(name: str, check: Check) -> None:
    """Add a readiness check (from an AppConfig.ready): `check()` returns None when ready, else why not."""
    _checks[name] = check


def checks() -> dict[str, Check]:
    return dict(_checks)


def database() -> str | None:
    global _migrated
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if _migrated:
            return None
        from django.db.migrations.executor import MigrationExecutor

        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return "数据库尚未完成迁移（请运行 zhifa migrate）"
    except Exception:
        log.exception("readiness: the database is not reachable")
        return "数据库无法连接"
    _migrated = True
    return None


def ledger_key() -> str | None:
    """The signing key can be read. A missing key file is made on first use only while no checkpoint exists:
    after that, a missing key means the mounted secret is missing, and a new key would break verification."""
    from zhifa.ledger.models import Checkpoint
    from zhifa.ledger.signing import Ed25519Signer, NoteError

    try:
        if settings.LEDGER_KEY_PEM:
            pem = settings.LEDGER_KEY_PEM.encode()
        else:
            path = Path(settings.LEDGER_KEY_FILE)
            if not path.exists():
                return None if not Checkpoint.objects.exists() else "记录签名密钥缺失（已有检查点，不可另生新密钥）"
            pem = path.read_bytes()
        Ed25519Signer.from_pem(settings.LEDGER_ORIGIN, pem, "key")
    except (OSError, NoteError):
        return "记录签名密钥无法读取"
    except Exception:
        log.exception("readiness: the ledger key check failed")
        return "记录签名密钥无法检查"
    return None


def evidence_storage() -> str | None:
    """A local folder: a probe file written and removed. Object storage: a stat of the bucket (the application's
    key has no delete right there, docs/operations.md)."""
    from zhifa.ledger import blobs

    storage = blobs.storage()
    try:
        location = getattr(storage, "location", None)
        if location is not None:
            folder = Path(location)
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-"):
                pass
        else:
            storage.exists("sha256/readyz")
    except Exception:
        log.exception("readiness: the evidence storage is not writable")
        return "证据存储不可写"
    return None


register("database", database)
register("ledger_key", ledger_key)
register("evidence_storage", evidence_storage)


def report() -> tuple[bool, dict[str, dict[str, object]]]:
    """Run every check; whether all passed and each one's result. A database failure skips the checks that
    need it."""
    results: dict[str, dict[str, object]] = {}
    for name, check in checks().items():
        if name == "ledger_key" and results.get("database", {}).get("ok") is False:
            results[name] = {"ok": False, "error": "数据库不可用，未检查"}
            continue
        problem = check()
        results[name] = {"ok": True} if problem is None else {"ok": False, "error": problem}
    return all(result["ok"] for result in results.values()), results
