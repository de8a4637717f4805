"""Triggers that refuse UPDATE, DELETE and TRUNCATE on audit_event (zhifa/audit/guard.py).

They call the ledger's guard functions, so this migration comes after the ledger's triggers.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from zhifa.audit import guard

    guard.install(schema_editor.connection)


def uninstall(apps: Any, schema_editor: Any) -> None:
    from zhifa.audit import guard

    guard.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_audit_events"), ("ledger", "0002_append_only_triggers")]
    operations = [migrations.RunPython(install, uninstall)]
