"""PostgreSQL: the words' tsvector stored in a generated column, indexed by GIN, instead of an index over the
expression. With the expression index every row the planner filters rather than finds through the index (walking
the listing for a common word, the count's scan, a lossy bitmap's recheck) computes to_tsvector again — about
70 µs a row, hundreds of ms for a count at 10^6 decisions (bench/publicity_search_bench.py). SQLite: nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

POSTGRESQL = [
    "ALTER TABLE publicity_publication ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX publicity_search_vector ON publicity_publication USING gin (search_vector)",
    "DROP INDEX IF EXISTS publicity_search_words",
]
POSTGRESQL_REVERSE = [
    "CREATE INDEX publicity_search_words ON publicity_publication USING gin (to_tsvector('simple', search_text))",
    "DROP INDEX IF EXISTS publicity_search_vector",
    "ALTER TABLE publicity_publication DROP COLUMN IF EXISTS search_vector",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("publicity", "0002_search_index")]

    operations = [migrations.RunPython(_run(POSTGRESQL), _run(POSTGRESQL_REVERSE))]
