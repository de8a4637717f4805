"""Triggers that refuse UPDATE and DELETE on the ledger's tables (zhifa/ledger/guard.py)."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from zhifa.ledger import guard

    guard.install(schema_editor.connection)


def uninstall(apps: Any, schema_editor: Any) -> None:
    from zhifa.ledger import guard

    guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_ledger_tables")]
    operations = [migrations.RunPython(install, uninstall)]
