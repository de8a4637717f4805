"""The filter tokens (search.filter_tokens: agency path, month and year, fine band, violation code) appended to
every publication's search_text, so that the full-text index narrows a search by its filters too (search.py).
The words already stored are kept (not segmented again); a word that could be a token is dropped from them.
SQLite's FTS5 triggers (0002) and PostgreSQL's generated tsvector (0003) follow search_text by themselves.
At 10^6 decisions on SQLite: 130 s and 8 s for merging the FTS5 index (docs/performance.md); run `migrate` in a
quiet hour.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from zhifa.publicity.search import filter_tokens, reserved

BATCH = 5000


def _rewrite(apps: Any, schema_editor: Any, *, add: bool) -> None:
    Publication = apps.get_model("publicity", "Publication")
    Agency = apps.get_model("core", "Agency")
    paths = dict(Agency.objects.values_list("pk", "path"))
    last = 0
    connection = schema_editor.connection
    while True:
        batch = list(
            Publication.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "agency_id", "decided_on", "fine", "violation_code", "search_text")[:BATCH]
        )
        if not batch:
            return
        changed = []
        for pk, agency_id, decided_on, fine, violation_code, text in batch:
            kept = [word for word in text.split() if not reserved(word)]
            if add:
                kept += filter_tokens(
                    agency_path=paths[agency_id], decided_on=decided_on, fine=fine, violation_code=violation_code
                )
            new = " ".join(kept)
            if new != text:
                changed.append((new, pk))
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany("UPDATE publicity_publication SET search_text = %s WHERE id = %s", changed)
        last = batch[-1][0]
    if connection.vendor == "sqlite":
        # Every row's words went through FTS5 again: merge its segments into one (8 s at 10^6 decisions; searches
        # then read one b-tree per token instead of dozens).
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO publicity_search(publicity_search) VALUES ('optimize')")


def add_tokens(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, add=True)


def remove_tokens(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, add=False)


class Migration(migrations.Migration):
    dependencies = [("publicity", "0004_sqlite_listing_filters_index")]

    operations = [migrations.RunPython(add_tokens, remove_tokens, elidable=False)]
