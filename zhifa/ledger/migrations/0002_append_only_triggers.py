"""Triggers that refuse UPDATE and DELETE on the ledger's tables (zhifa/ledger/guard.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# The tables this migration guards, as they were when it was written (later tables get their own).
TABLES = ("ledger_entry", "ledger_entry_file", "ledger_node", "ledger_checkpoint", "ledger_blob", "ledger_facts")


def install(apps: Any, schema_editor: Any) -> None:
    from zhifa.ledger import guard

    guard.install(schema_editor.connection, TABLES)


def uninstall(apps: Any, schema_editor: Any) -> None:
    from zhifa.ledger import guard

    guard.uninstall(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger_tables")]
    operations = [migrations.RunPython(install, uninstall)]
