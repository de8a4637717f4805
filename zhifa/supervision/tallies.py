"""The overview's running counts (models/tallies.py): the triggers that keep them, their rebuild, and their check.

The triggers are the database's, not Django signals, so that every write keeps the counts — a service's save, a bulk
insert (the scale generator), a data repair in SQL — in the same transaction. They fire on an insert and on an update
of the agency or a counted date, and change a count only where that date or the agency changed: a case saved without
a new stage touches no count (no lock taken on a busy agency's month).

What is counted (SOURCES): the cases by the month each stage was reached, and the publications — a decision published
or withheld — by their decision's month, so that the overview's decisions not published are the decisions less the
publications (overview.py). Cases and publications are never deleted (the record refers to them), so no trigger
follows a deletion; a deleted row stays counted until `rebuild`.

Migration 0002_case_tallies installs them through `install` (this module is its one source: a later change of the
triggers is a new migration calling `install` again). `counted`, the same figures counted with the ORM, is the
reference `check` compares the counts with (and the tests and the bench compare the overview with).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Func, IntegerField
from django.db.models.functions import ExtractMonth, ExtractYear

CASES = "cases_case"
PUBLICATIONS = "publicity_publication"
# Per table, the stages counted, each by its date column (overview.STAGES names the case's).
SOURCES: dict[str, dict[str, str]] = {
    CASES: {"received": "received_on", "filed": "filed_on", "decided": "decided_on", "closed": "closed_on"},
    PUBLICATIONS: {"handled": "decided_on"},
}
STAGE_COLUMNS = SOURCES[CASES]
STAGE_TABLE = "supervision_casestagecount"
SPAN_TABLE = "supervision_decisionspancount"
TRIGGER = "supervision_tallies"

StageKey = tuple[int, str, int, int]  # agency, stage, year, month
SpanKey = tuple[int, int, int]  # agency, year, days


def _watched(table: str) -> str:
    return ", ".join(["agency_id", *SOURCES[table].values()])


def _sqlite_statements() -> list[str]:
    year = "CAST(strftime('%Y', {row}.{column}) AS INTEGER)"
    month = "CAST(strftime('%m', {row}.{column}) AS INTEGER)"
    days = "CAST(julianday({row}.decided_on) - julianday({row}.filed_on) AS INTEGER)"

    def stage(row: str, stage: str, column: str, delta: int, changed: str) -> str:
        where = f"{row}.{column} IS NOT NULL" + (f" AND ({changed})" if changed else "")
        # The WHERE clause also keeps SQLite from reading ON CONFLICT as a join's ON (its upsert documentation).
        return (
            f"INSERT INTO {STAGE_TABLE} (agency_id, stage, year, month, n) SELECT {row}.agency_id, '{stage}', "
            f"{year.format(row=row, column=column)}, {month.format(row=row, column=column)}, {delta} WHERE {where} "
            "ON CONFLICT (year, agency_id, stage, month) DO UPDATE SET n = n + excluded.n;"
        )

    def span(row: str, delta: int, changed: str) -> str:
        where = f"{row}.decided_on IS NOT NULL AND {row}.filed_on IS NOT NULL"
        where += f" AND ({changed})" if changed else ""
        return (
            f"INSERT INTO {SPAN_TABLE} (agency_id, year, days, n) SELECT {row}.agency_id, "
            f"{year.format(row=row, column='decided_on')}, {days.format(row=row)}, {delta} WHERE {where} "
            "ON CONFLICT (year, agency_id, days) DO UPDATE SET n = n + excluded.n;"
        )

    statements = []
    moved = "OLD.agency_id IS NOT NEW.agency_id"
    for table, stages in SOURCES.items():
        on_insert = [stage("NEW", name, column, 1, "") for name, column in stages.items()]
        on_update: list[str] = []
        for name, column in stages.items():
            changed = f"{moved} OR OLD.{column} IS NOT NEW.{column}"
            on_update += [stage("OLD", name, column, -1, changed), stage("NEW", name, column, 1, changed)]
        if table == CASES:
            on_insert.append(span("NEW", 1, ""))
            spanned = f"{moved} OR OLD.decided_on IS NOT NEW.decided_on OR OLD.filed_on IS NOT NEW.filed_on"
            on_update += [span("OLD", -1, spanned), span("NEW", 1, spanned)]
        statements += [
            f"CREATE TRIGGER {TRIGGER}_{table}_insert AFTER INSERT ON {table} BEGIN {' '.join(on_insert)} END;",
            f"CREATE TRIGGER {TRIGGER}_{table}_update AFTER UPDATE OF {_watched(table)} ON {table} "
            f"BEGIN {' '.join(on_update)} END;",
        ]
    return statements


def _postgresql_statements() -> list[str]:
    # Plain statements in the PL/pgSQL body (their plans cached per session), each behind an IF on its date, so that
    # an insert with one stage dated does one upsert.
    def stage(row: str, name: str, column: str, delta: int) -> str:
        return (
            f"IF {row}.{column} IS NOT NULL THEN INSERT INTO {STAGE_TABLE} (agency_id, stage, year, month, n) "  # noqa: S608
            f"VALUES ({row}.agency_id, '{name}', EXTRACT(YEAR FROM {row}.{column})::integer, "
            f"EXTRACT(MONTH FROM {row}.{column})::integer, {delta}) "
            f"ON CONFLICT (year, agency_id, stage, month) DO UPDATE SET n = {STAGE_TABLE}.n + EXCLUDED.n; END IF;"
        )

    def span(row: str, delta: int) -> str:
        return (
            f"IF {row}.decided_on IS NOT NULL AND {row}.filed_on IS NOT NULL THEN "  # noqa: S608
            f"INSERT INTO {SPAN_TABLE} (agency_id, year, days, n) VALUES ({row}.agency_id, "
            f"EXTRACT(YEAR FROM {row}.decided_on)::integer, {row}.decided_on - {row}.filed_on, {delta}) "
            f"ON CONFLICT (year, agency_id, days) DO UPDATE SET n = {SPAN_TABLE}.n + EXCLUDED.n; END IF;"
        )

    statements = []
    for table, stages in SOURCES.items():
        inserted = [stage("NEW", name, column, 1) for name, column in stages.items()]
        updated = [
            f"IF OLD.agency_id IS DISTINCT FROM NEW.agency_id OR OLD.{column} IS DISTINCT FROM NEW.{column} THEN "
            f"{stage('OLD', name, column, -1)} {stage('NEW', name, column, 1)} END IF;"
            for name, column in stages.items()
        ]
        if table == CASES:
            inserted.append(span("NEW", 1))
            updated.append(
                "IF OLD.agency_id IS DISTINCT FROM NEW.agency_id OR OLD.decided_on IS DISTINCT FROM NEW.decided_on "
                f"OR OLD.filed_on IS DISTINCT FROM NEW.filed_on THEN {span('OLD', -1)} {span('NEW', 1)} END IF;"
            )
        function = f"{TRIGGER}_{table}"
        body = "\n    ".join(inserted), "\n    ".join(updated)
        statements += [
            f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {body[0]}
  ELSE
    {body[1]}
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql""",
            f"DROP TRIGGER IF EXISTS {function} ON {table}",
            f"CREATE TRIGGER {function} AFTER INSERT OR UPDATE OF {_watched(table)} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    return statements


def _fill_statements(vendor: str) -> list[str]:
    """Counts of every row as INSERT … SELECT … GROUP BY (the tables empty)."""
    if vendor == "sqlite":
        year, month = "CAST(strftime('%Y', {c}) AS INTEGER)", "CAST(strftime('%m', {c}) AS INTEGER)"
        days = "CAST(julianday(decided_on) - julianday(filed_on) AS INTEGER)"
    else:
        year, month = "EXTRACT(YEAR FROM {c})::integer", "EXTRACT(MONTH FROM {c})::integer"
        days = "decided_on - filed_on"
    statements = [
        f"INSERT INTO {STAGE_TABLE} (agency_id, stage, year, month, n) "  # noqa: S608 - our own names
        f"SELECT agency_id, '{stage}', {year.format(c=column)}, {month.format(c=column)}, COUNT(*) FROM {table} "
        f"WHERE {column} IS NOT NULL GROUP BY agency_id, {year.format(c=column)}, {month.format(c=column)}"
        for table, stages in SOURCES.items()
        for stage, column in stages.items()
    ]
    statements.append(
        f"INSERT INTO {SPAN_TABLE} (agency_id, year, days, n) "  # noqa: S608 - our own names
        f"SELECT agency_id, {year.format(c='decided_on')}, {days}, COUNT(*) FROM {CASES} "
        f"WHERE decided_on IS NOT NULL AND filed_on IS NOT NULL "
        f"GROUP BY agency_id, {year.format(c='decided_on')}, {days}"
    )
    return statements


def _trigger_names(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"{TRIGGER}_{table}_{event}" for table in SOURCES for event in ("insert", "update")]
    return [f"{TRIGGER}_{table}" for table in SOURCES]


def _drops(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {name}" for name in _trigger_names(vendor)]
    drops = [f"DROP TRIGGER IF EXISTS {TRIGGER}_{table} ON {table}" for table in SOURCES]
    return drops + [f"DROP FUNCTION IF EXISTS {name}" for name in _trigger_names(vendor)]


def install(db: Any) -> None:
    """Create the triggers on `db` (a connection) and count the rows already there (migration 0002_case_tallies)."""
    if db.vendor == "sqlite":
        statements = _drops(db.vendor) + _sqlite_statements()
    elif db.vendor == "postgresql":
        statements = _postgresql_statements()
    else:  # pragma: no cover - Zhifa runs on SQLite and PostgreSQL only
        raise NotImplementedError(db.vendor)
    statements += [f"DELETE FROM {table}" for table in (STAGE_TABLE, SPAN_TABLE)]  # noqa: S608 - our own names
    with db.cursor() as cursor:
        for statement in statements + _fill_statements(db.vendor):
            cursor.execute(statement)  # no parameters: the '%' of strftime stays as it is


def uninstall(db: Any) -> None:
    with db.cursor() as cursor:
        for statement in _drops(db.vendor):
            cursor.execute(statement)


def installed(using: str = "default") -> bool:
    from django.db import connections

    db = connections[using]
    names = _trigger_names(db.vendor)
    if db.vendor == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with db.cursor() as cursor:
        cursor.execute(query)
        return set(names) <= {name for (name,) in cursor.fetchall()}


def ensure_installed(using: str = "default") -> bool:
    """Install the triggers (and recount) where the tables exist but the triggers do not; True if it did."""
    from django.db import connections

    db = connections[using]
    if STAGE_TABLE not in db.introspection.table_names() or installed(using):
        return False
    with transaction.atomic(using=using):
        install(db)
    return True


def rebuild() -> None:
    """Count every row again (after a repair that bypassed the triggers, or a deleted row)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # nothing counted is written while it is counted
            cursor.execute(f"LOCK TABLE {', '.join(SOURCES)} IN SHARE MODE")
        for table in (STAGE_TABLE, SPAN_TABLE):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own names
        for statement in _fill_statements(connection.vendor):
            cursor.execute(statement)


class _DaysBetween(Func):
    """`end - start` in whole days (julianday on SQLite, date subtraction on PostgreSQL)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        clone = self.copy()
        clone.set_source_expressions(
            [Func(e, function="julianday", output_field=FloatField()) for e in self.get_source_expressions()]
        )
        return Func.as_sql(clone, compiler, connection, template="CAST(%(expressions)s AS INTEGER)", **extra)


def counted() -> tuple[Counter[StageKey], Counter[SpanKey]]:
    """The same figures counted from the cases (the reference the kept counts must equal)."""
    from zhifa.cases.models import Case
    from zhifa.publicity.models import Publication

    stages: Counter[StageKey] = Counter()
    models: dict[str, Any] = {CASES: Case, PUBLICATIONS: Publication}
    for table, stage, column in [(t, s, c) for t, columns in SOURCES.items() for s, c in columns.items()]:
        dated = models[table].objects.filter(**{f"{column}__isnull": False})
        rows = dated.values("agency_id", year=ExtractYear(column), month=ExtractMonth(column)).annotate(n=Count("pk"))
        for row in rows.order_by():
            stages[(row["agency_id"], stage, row["year"], row["month"])] += row["n"]
    spans: Counter[SpanKey] = Counter()
    decided = Case.objects.filter(decided_on__isnull=False, filed_on__isnull=False)
    by_days = decided.values("agency_id", "decided_on__year", days=_DaysBetween(F("decided_on"), F("filed_on")))
    for item in by_days.annotate(n=Count("pk")).order_by():
        spans[(item["agency_id"], item["decided_on__year"], item["days"])] += item["n"]
    return stages, spans


def kept() -> tuple[Counter[StageKey], Counter[SpanKey]]:
    """The counts as the tables hold them (rows counted down to 0 left out)."""
    from zhifa.supervision.models.tallies import CaseStageCount, DecisionSpanCount

    stages: Counter[StageKey] = Counter(
        {
            (row.agency_id, row.stage, row.year, row.month): row.n
            for row in CaseStageCount.objects.exclude(n=0).only("agency_id", "stage", "year", "month", "n")
        }
    )
    spans: Counter[SpanKey] = Counter(
        {
            (row.agency_id, row.year, row.days): row.n
            for row in DecisionSpanCount.objects.exclude(n=0).only("agency_id", "year", "days", "n")
        }
    )
    return stages, spans


def check() -> list[str]:
    """The differences between the kept counts and the cases, in words (empty: they agree)."""
    differences: list[str] = []
    (kept_stages, kept_spans), (counted_stages, counted_spans) = kept(), counted()
    tables: list[tuple[str, Counter[Any], Counter[Any]]] = [
        ("各月办案数量", kept_stages, counted_stages),
        ("办案用时分布", kept_spans, counted_spans),
    ]
    for what, kept_counts, counted_counts in tables:
        for key in sorted(set(kept_counts) | set(counted_counts), key=str):
            if kept_counts[key] != counted_counts[key]:
                differences.append(f"{what} {key}：记录 {kept_counts[key]}，实际 {counted_counts[key]}")
    return differences
