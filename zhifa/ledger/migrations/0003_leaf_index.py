"""The leaf-hash lookup moves out of ledger_entry's indexes into ledger_leaf_index (docs/ledger.md).

ledger_entry loses its index on leaf_hash, whose random keys dirtied a page per append; the new table
holds (entry index, first 8 bytes of the leaf hash) and is filled after commit in sorted runs. Entries
already recorded are indexed here, so a lookup does not scan them all; the table is append-only like
the others.
"""

from typing import Any

from django.db import migrations, models

TABLES = ("ledger_leaf_index",)
CHUNK = 50_000


def install(apps: Any, schema_editor: Any) -> None:
    from zhifa.ledger import guard

    guard.install(schema_editor.connection, TABLES)
    with schema_editor.connection.cursor() as cursor:
        start = 0
        while True:
            cursor.execute(
                'SELECT "index", leaf_hash FROM ledger_entry WHERE "index" >= %s ORDER BY "index" LIMIT %s',
                [start, CHUNK],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            keyed = sorted((int.from_bytes(bytes(value)[:8], "big", signed=True), index) for index, value in rows)
            cursor.executemany(
                "INSERT INTO ledger_leaf_index (entry_index, prefix) VALUES (%s, %s)",
                [(index, prefix) for prefix, index in keyed],
            )
            start = rows[-1][0] + 1


def drop_leaf_hash_index(apps: Any, schema_editor: Any) -> None:
    # DROP INDEX by its name, not AlterField's way: on SQLite that remakes ledger_entry (copying every
    # row) and loses its guard triggers with the old table.
    entry = apps.get_model("ledger", "Entry")
    for name in schema_editor._constraint_names(entry, ["leaf_hash"], index=True, unique=False, primary_key=False):
        schema_editor.execute(schema_editor._delete_index_sql(entry, name))


def create_leaf_hash_index(apps: Any, schema_editor: Any) -> None:
    entry = apps.get_model("ledger", "Entry")
    schema_editor.execute(schema_editor._create_index_sql(entry, fields=[entry._meta.get_field("leaf_hash")]))


def uninstall(apps: Any, schema_editor: Any) -> None:
    from zhifa.ledger import guard

    guard.uninstall(schema_editor.connection, TABLES)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_append_only_triggers")]

    operations = [
        migrations.CreateModel(
            name="LeafIndex",
            fields=[
                ("entry_index", models.BigIntegerField(primary_key=True, serialize=False)),
                ("prefix", models.BigIntegerField(db_index=True)),
            ],
            options={
                "db_table": "ledger_leaf_index",
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="entry",
                    name="leaf_hash",
                    field=models.BinaryField(max_length=32),
                ),
            ],
            database_operations=[migrations.RunPython(drop_leaf_hash_index, create_leaf_hash_index)],
        ),
        migrations.RunPython(install, uninstall),
    ]
