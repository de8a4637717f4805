"""Triggers that make audit_event append-only, with the ledger's guard functions (zhifa/ledger/guard.py).

They call the same `zhifa_ledger_locked()` (SQLite) and `zhifa_ledger_refuse()` (PostgreSQL) as the
ledger's triggers, so a program that is not Zhifa cannot change the table, and the test harness's
`maintenance()` is the only way around them.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_event"


def statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {TABLE}_no_{event.lower()} BEFORE {event} ON {TABLE} WHEN zhifa_ledger_locked() "
            f"BEGIN SELECT RAISE(ABORT, 'audit table {TABLE} is append-only: {event} refused'); END"
            for event in ("UPDATE", "DELETE")
        ]
    if vendor == "postgresql":
        return [
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION zhifa_ledger_refuse()",
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION zhifa_ledger_refuse()",
        ]
    raise NotImplementedError(f"no audit guard for {vendor}")


def drop_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {TABLE}_no_{kind}" for kind in ("update", "delete")]
    return [
        f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
        f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in statements(connection.vendor):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in drop_statements(connection.vendor):
            cursor.execute(statement)
