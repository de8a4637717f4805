"""Database triggers that refuse UPDATE and DELETE on the ledger's tables, and the one way around them.

On SQLite the triggers call `zhifa_ledger_locked()`, a function each of Zhifa's connections registers
(returning 1). A tool that does not register it — the sqlite3 shell, another program — fails with "no
such function", so it cannot change the tables either. On PostgreSQL a trigger function raises unless
the session set `zhifa.ledger_maintenance` to 'on'.

The only code that lifts the guard is `maintenance()`, which the test harness uses to empty the tables
between tests. The guard stops accidents and application bugs; an attacker who owns the database can
drop triggers, and then the Merkle tree and its signed checkpoints expose what he changed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

# Tables whose rows are never changed or removed. ledger_facts allows DELETE: lawful erasure of facts.
INSERT_ONLY = (
    "ledger_entry",
    "ledger_entry_file",
    "ledger_node",
    "ledger_checkpoint",
    "ledger_blob",
    "ledger_leaf_index",
)
NO_UPDATE = ("ledger_facts",)
ALL = INSERT_ONLY + NO_UPDATE

_maintenance = False


def _locked() -> int:
    return 0 if _maintenance else 1


def _register(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("zhifa_ledger_locked", 0, _locked, deterministic=False)


def connect() -> None:
    connection_created.connect(_register, dispatch_uid="zhifa-ledger-guard")


def _statements(vendor: str, tables: Sequence[str]) -> list[str]:
    if vendor == "sqlite":
        statements = []
        for table in tables:
            events = ("UPDATE", "DELETE") if table in INSERT_ONLY else ("UPDATE",)
            for event in events:
                statements.append(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"WHEN zhifa_ledger_locked() BEGIN "
                    f"SELECT RAISE(ABORT, 'ledger table {table} is append-only: {event} refused'); END"
                )
        return statements
    if vendor == "postgresql":
        statements = [
            """
            CREATE OR REPLACE FUNCTION zhifa_ledger_refuse() RETURNS trigger AS $$
            BEGIN
                IF coalesce(current_setting('zhifa.ledger_maintenance', true), '') = 'on' THEN
                    IF TG_LEVEL = 'ROW' AND TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    IF TG_LEVEL = 'ROW' THEN RETURN NEW; END IF;
                    RETURN NULL;
                END IF;
                RAISE EXCEPTION 'ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        ]
        for table in tables:
            refused = "UPDATE OR DELETE" if table in INSERT_ONLY else "UPDATE"
            statements.append(
                f"CREATE TRIGGER {table}_append_only BEFORE {refused} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION zhifa_ledger_refuse()"
            )
            statements.append(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION zhifa_ledger_refuse()"
            )
        return statements
    raise NotImplementedError(f"no ledger guard for {vendor}")


def _drop_statements(vendor: str, tables: Sequence[str]) -> list[str]:
    names = []
    for table in tables:
        if vendor == "sqlite":
            kinds = ("update", "delete") if table in INSERT_ONLY else ("update",)
            names += [f"DROP TRIGGER IF EXISTS {table}_no_{kind}" for kind in kinds]
        else:
            names += [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            ]
    return names


def install(connection: BaseDatabaseWrapper, tables: Sequence[str] = ALL) -> None:
    """Create the triggers on `tables` (a migration names the tables it made, so it stays as it was)."""
    with connection.cursor() as cursor:
        for statement in _statements(connection.vendor, tables):
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper, tables: Sequence[str] = ALL) -> None:
    """Drop the triggers — what an attacker with full database access can do (used by tamper tests)."""
    with connection.cursor() as cursor:
        for statement in _drop_statements(connection.vendor, tables):
            cursor.execute(statement)


@contextmanager
def maintenance(alias: str = "default") -> Iterator[None]:
    """Lift the guard on this process's connection (test harness only: emptying tables between tests)."""
    global _maintenance
    connection = connections[alias]
    _maintenance = True
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET zhifa.ledger_maintenance = 'on'")
    try:
        yield
    finally:
        _maintenance = False
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET zhifa.ledger_maintenance")
