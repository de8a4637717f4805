"""The full-text index over published decisions' segmented words (publicity/search.py).

SQLite: an FTS5 table kept in step with the publications by triggers. PostgreSQL: a GIN index over the words'
`simple` tsvector. The words are segmented by jieba before they are stored, so neither database needs a Chinese
parser of its own.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE publicity_search USING fts5("
    "search_text, content='publicity_publication', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER publicity_search_insert AFTER INSERT ON publicity_publication BEGIN "
    "INSERT INTO publicity_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER publicity_search_delete AFTER DELETE ON publicity_publication BEGIN "
    "INSERT INTO publicity_search(publicity_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER publicity_search_update AFTER UPDATE OF search_text ON publicity_publication BEGIN "
    "INSERT INTO publicity_search(publicity_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO publicity_search(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS publicity_search_update",
    "DROP TRIGGER IF EXISTS publicity_search_delete",
    "DROP TRIGGER IF EXISTS publicity_search_insert",
    "DROP TABLE IF EXISTS publicity_search",
]
POSTGRESQL = [
    "CREATE INDEX publicity_search_words ON publicity_publication USING gin (to_tsvector('simple', search_text))"
]
POSTGRESQL_REVERSE = ["DROP INDEX IF EXISTS publicity_search_words"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("publicity", "0001_publication_and_credit_repair")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
