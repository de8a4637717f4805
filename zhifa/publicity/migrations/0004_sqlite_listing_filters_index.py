"""SQLite: the listing's order with the search's filter columns, so that walking it (a common word, a large
agency subtree) reads the index alone instead of every row's page (bench/publicity_search_bench.py: a common word
with a city 247 → 106 ms, with a fine range 150 → 80 ms at 10^6 decisions). PostgreSQL: nothing; its searches
find the rows through the GIN index and bitmap scans (migration 0003).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

SQLITE = [
    "CREATE INDEX publicity_listing_filters ON publicity_publication "
    "(state, decided_on DESC, id DESC, display_until, agency_id, fine, violation_code)"
]
SQLITE_REVERSE = ["DROP INDEX IF EXISTS publicity_listing_filters"]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("publicity", "0003_stored_search_vector")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_REVERSE))]
