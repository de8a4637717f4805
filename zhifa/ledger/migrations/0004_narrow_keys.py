"""Narrower ledger tables, so that an append writes fewer B-tree pages (docs/performance.md).

- ledger_entry, ledger_facts and ledger_leaf_index keep their key as SQLite's rowid (LedgerKey) instead of a
  hidden rowid plus an index on the key; on PostgreSQL the keys stay bigint.
- ledger_entry loses its indexes on action, actor and agency: nothing looks entries up by them alone.
- ledger_node is keyed by node_key(level, position) instead of an AUTOINCREMENT id and a unique index on
  (level, position): the subtrees an append completes go to the end of one B-tree.

SQLite remakes the tables whose key changes (copying every row), which drops their guard triggers with
the old table; so the guard comes off the tables this touches first and goes back on at the end.
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import zhifa.ledger.models

TABLES = ("ledger_entry", "ledger_facts", "ledger_entry_file", "ledger_node", "ledger_leaf_index")
CHUNK = 50_000


def guard_off(apps: Any, schema_editor: Any) -> None:
    from zhifa.ledger import guard

    guard.uninstall(schema_editor.connection, TABLES)


def guard_on(apps: Any, schema_editor: Any) -> None:
    from zhifa.ledger import guard

    guard.install(schema_editor.connection, TABLES)


def _copy(schema_editor: Any, source: str, order: str, target: str, keyed: bool) -> None:
    """Copy every subtree node from `source` (read in chunks along its key `order`) to `target`, giving each
    its key when the target is keyed."""
    from zhifa.ledger.models import node_key

    columns = '"key", level, position, hash' if keyed else "level, position, hash"
    marks = "%s, %s, %s, %s" if keyed else "%s, %s, %s"
    with schema_editor.connection.cursor() as cursor:
        last = -1
        while True:
            # Only the table and column names (constants below) are formatted in; values go as parameters.
            cursor.execute(
                f"SELECT {order}, level, position, hash FROM {source} WHERE {order} > %s ORDER BY {order} LIMIT %s",  # noqa: S608
                [last, CHUNK],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            last = rows[-1][0]
            values = [(node_key(level, position), level, position, value) for _, level, position, value in rows]
            cursor.executemany(
                f"INSERT INTO {target} ({columns}) VALUES ({marks})",  # noqa: S608
                values if keyed else [row[1:] for row in values],
            )


def copy_to_keyed(apps: Any, schema_editor: Any) -> None:
    _copy(schema_editor, "ledger_node", "id", "ledger_node_keyed", keyed=True)


def copy_back(apps: Any, schema_editor: Any) -> None:
    _copy(schema_editor, "ledger_node_keyed", '"key"', "ledger_node", keyed=False)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_initial"),
        ("ledger", "0003_leaf_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(guard_off, guard_on),
        migrations.AlterField(
            model_name="entry",
            name="index",
            field=zhifa.ledger.models.LedgerKey(primary_key=True, serialize=False, verbose_name="序号"),
        ),
        migrations.AlterField(
            model_name="entry",
            name="action",
            field=models.CharField(max_length=60, verbose_name="行为"),
        ),
        migrations.AlterField(
            model_name="entry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.agency",
            ),
        ),
        migrations.AlterField(
            model_name="leafindex",
            name="entry_index",
            field=zhifa.ledger.models.LedgerKey(primary_key=True, serialize=False),
        ),
        migrations.CreateModel(
            name="NodeKeyed",
            fields=[
                ("key", zhifa.ledger.models.LedgerKey(primary_key=True, serialize=False)),
                ("level", models.PositiveSmallIntegerField()),
                ("position", models.BigIntegerField()),
                ("hash", models.BinaryField(max_length=32)),
            ],
            options={"db_table": "ledger_node_keyed"},
        ),
        migrations.RunPython(copy_to_keyed, copy_back),
        migrations.DeleteModel(name="Node"),
        migrations.RenameModel(old_name="NodeKeyed", new_name="Node"),
        migrations.AlterModelTable(name="node", table="ledger_node"),
        migrations.RunPython(guard_on, guard_off),
    ]
