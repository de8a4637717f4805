"""The annual statistics (zhifa/supervision/statistics.py) over N cases, against the same aggregates in hand-written
SQL, on SQLite or on a throwaway PostgreSQL server; prints the times, their ratio, and checks that both give the same
figures (issue 18: under 10 s at 10^6 cases, within 3x of the hand-written SQL).

    .venv/bin/python bench/statistics_bench.py                      # SQLite, 10^6 cases, 500 agencies
    .venv/bin/python bench/statistics_bench.py --db postgres
    .venv/bin/python bench/statistics_bench.py --size 100000 --verbose   # smaller, each statement timed
    .venv/bin/python bench/statistics_bench.py --years 1            # all 10^6 cases received in the year

The database is Zhifa's, migrated (its indexes as in production); the rows are written by raw batched inserts (COPY on
PostgreSQL; executemany in one transaction with the journal off on SQLite — for the fill only, the measurements run
in WAL mode as configured), no ledger (the statistics never read it). A root agency, 20 bureaus and 479 branches
(500 agencies); 2,000 officers with certificates; N cases received over five years (2022–2026, `--years`; the
statistics are 2026's): 70 % filed, 50 % decided — 10 % of the decisions on the spot, 5 % without a penalty —,
40 % closed, a day after 2026-12-31 left empty; case records: a decision act for each decision, a legal review
opinion for 10 % of the cases, a hearing for 2 % (four in five held), a transfer to the judiciary for 1 %, to the
competent organ for 0.5 %; a filing period for 30 % of the cases (a tenth of them still running past their day), a
statement period (the party's, not counted) for 20 % of the decisions; a publication for 20 % of the decisions (one
in twenty withheld with its reason, the others published 1–13 days after the decision, due on the 9th).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
YEAR = 2026
TARGET_S = 10.0
TARGET_RATIO = 3.0

BASELINE_SQL = [
    # cases: one pass, conditional aggregates by agency
    """SELECT c.agency_id,
      SUM(CASE WHEN c.received_on BETWEEN %(s)s AND %(e)s THEN 1 ELSE 0 END),
      SUM(CASE WHEN c.filed_on BETWEEN %(s)s AND %(e)s THEN 1 ELSE 0 END),
      SUM(CASE WHEN c.decided_on BETWEEN %(s)s AND %(e)s AND c.outcome_reason = '' THEN 1 ELSE 0 END),
      SUM(CASE WHEN c.decided_on BETWEEN %(s)s AND %(e)s AND c.outcome_reason = '' AND c.procedure = 'summary'
          THEN 1 ELSE 0 END),
      SUM(CASE WHEN c.decided_on BETWEEN %(s)s AND %(e)s AND c.outcome_reason = '' THEN c.fine END),
      SUM(CASE WHEN c.decided_on BETWEEN %(s)s AND %(e)s AND c.outcome_reason = '' THEN c.confiscated END),
      SUM(CASE WHEN c.decided_on BETWEEN %(s)s AND %(e)s AND c.outcome_reason <> '' THEN 1 ELSE 0 END),
      SUM(CASE WHEN c.closed_on BETWEEN %(s)s AND %(e)s THEN 1 ELSE 0 END),
      {kinds}
    FROM cases_case c JOIN core_agency a ON a.id = c.agency_id
    WHERE a.path LIKE %(p)s AND (c.received_on BETWEEN %(s)s AND %(e)s OR c.filed_on BETWEEN %(s)s AND %(e)s
      OR c.decided_on BETWEEN %(s)s AND %(e)s OR c.closed_on BETWEEN %(s)s AND %(e)s)
    GROUP BY c.agency_id""",
    """SELECT c.agency_id, r.action, COUNT(*), SUM(CASE WHEN {held} THEN 1 ELSE 0 END)
    FROM cases_caserecord r JOIN cases_case c ON c.id = r.case_id
    JOIN core_agency a ON a.id = c.agency_id
    WHERE a.path LIKE %(p)s AND r.on_date BETWEEN %(s)s AND %(e)s AND r.action IN
      ('pass_review', 'return_review', 'review_after_hearing', 'transfer_to_judiciary', 'transfer_jurisdiction',
       'hold_hearing')
    GROUP BY c.agency_id, r.action""",
    """SELECT c.agency_id, COUNT(DISTINCT d.case_id) FROM cases_casedeadline d JOIN cases_case c ON c.id = d.case_id
    JOIN core_agency a ON a.id = c.agency_id
    WHERE a.path LIKE %(p)s AND d.period IN ({periods}) AND ((d.stopped_on BETWEEN %(s)s AND %(e)s
      AND d.stopped_on > d.due_on) OR (d.stopped_on IS NULL AND d.due_on < %(e)s AND d.started_on <= %(e)s))
    GROUP BY c.agency_id""",
    """SELECT p.agency_id,
      SUM(CASE WHEN p.published_on IS NOT NULL AND p.published_on <= p.due_on THEN 1 ELSE 0 END),
      SUM(CASE WHEN p.published_on > p.due_on THEN 1 ELSE 0 END),
      SUM(CASE WHEN p.state = 'withheld' THEN 1 ELSE 0 END), COUNT(*)
    FROM publicity_publication p JOIN core_agency a ON a.id = p.agency_id
    WHERE a.path LIKE %(p)s AND p.decided_on BETWEEN %(s)s AND %(e)s GROUP BY p.agency_id""",
]
RECORD_KEYS = {
    "pass_review": "reviews",
    "return_review": "reviews",
    "review_after_hearing": "reviews",
    "transfer_to_judiciary": "to_judiciary",
    "transfer_jurisdiction": "to_competent",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def setup(db: str, keep: Path) -> Any:
    os.environ["ZHIFA_DATA_DIR"] = str(keep)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhifa.settings"
    os.environ.setdefault("ZHIFA_LOG_LEVEL", "WARNING")
    for name in ("DATABASE_URL", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_EVIDENCE_STORAGE"):
        os.environ.pop(name, None)
    server = None
    if db == "postgres":
        from zhifa.testing.postgres import ThrowawayPostgres

        # Its own folder, as zhifa.testing.postgres makes it: the server's user must reach it.
        server = ThrowawayPostgres(Path(tempfile.mkdtemp(prefix="zhifa-pg-")))
        server.start()
        os.environ["DATABASE_URL"] = server.url()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return server


def fill(size: int, years: int, rng: random.Random) -> None:
    from django.db import connection

    from zhifa.cases.models import Case, CaseDeadline, CaseRecord
    from zhifa.core.models import Agency, User
    from zhifa.personnel.models import Certificate, Officer
    from zhifa.publicity.models import Publication
    from zhifa.testing.scale import inserter, province_agencies

    agencies = province_agencies()  # the shared fill (zhifa/testing/scale.py), as bench/supervision_bench.py
    Agency.objects.bulk_create(agencies)
    ids = [a.pk for a in agencies]
    user = User.objects.create(username="bench")
    end = date(YEAR, 12, 31)
    officers = [
        Officer(agency_id=rng.choice(ids), name=f"执法{i}", gender="male", id_number=f"{i:018d}") for i in range(2000)
    ]
    Officer.objects.bulk_create(officers, batch_size=1000)
    Certificate.objects.bulk_create(
        [
            Certificate(
                officer=officer,
                number=f"C{officer.pk:08d}",
                issuing_body="省政府",
                valid_from=(until := end + timedelta(days=rng.randrange(-60, 1500))) - timedelta(days=1800),
                valid_until=until,
                review_due=until,
                domains=[],
            )
            for officer in Officer.objects.all()
        ],
        batch_size=1000,
    )

    postgres = connection.vendor == "postgresql"
    if postgres:
        from psycopg.types.json import Jsonb

        def as_json(value: Any) -> Any:
            return Jsonb(value)
    else:

        def as_json(value: Any) -> Any:
            return json.dumps(value)

    # The penalty kinds of a decision: one or two of three, as JSON (0, 3, 4 with a fine; 2, 4, 5 a confiscation).
    combinations = (["fine"], ["warning"], ["confiscate_gains"], ["fine", "warning"], ["confiscate_gains", "fine"])
    kind_sets = [as_json(kinds) for kinds in (*combinations, ["confiscate_gains", "warning"])]
    no_kinds, no_data = as_json([]), as_json({})
    held, waived = as_json({"outcome": "held"}), as_json({"outcome": "waived"})
    insert_cases = inserter(
        Case(
            domain="forestry",
            title="滥伐林木",
            lead_source="inspection",
            lead_summary="巡护发现",
            created_by_id=user.pk,
            received_on=end,
            state="closed",
            agency_id=1,
        ),
        [
            "id",
            "agency_id",
            "procedure",
            "state",
            "received_on",
            "filed_on",
            "decided_on",
            "closed_on",
            "outcome_reason",
            "penalty_kinds",
            "fine",
            "confiscated",
        ],
    )
    insert_records = inserter(
        CaseRecord(action="decide", on_date=end, entry_index=0, created_by_id=user.pk, case_id=1),
        ["case_id", "action", "on_date", "data", "entry_index"],
    )
    insert_deadlines = inserter(
        CaseDeadline(period="filing", started_on=end, due_on=end, case_id=1),
        ["case_id", "agency_id", "period", "started_on", "due_on", "stopped_on"],
    )
    insert_publications = inserter(
        Publication(
            case_id=1,
            agency_id=1,
            decision_entry=0,
            decision_class="penalty",
            decided_on=end,
            due_on=end,
            state="published",
            party_kind="citizen",
            party="张某",
            entry_index=0,
            created_by_id=user.pk,
        ),
        [
            "case_id",
            "agency_id",
            "decision_entry",
            "decided_on",
            "due_on",
            "state",
            "published_on",
            "display_until",
            "withheld_reason",
        ],
    )
    first = date(YEAR - years + 1, 1, 1)
    span = (date(YEAR, 11, 26) - first).days
    day = [first + timedelta(days=n) for n in range(span + 120)]
    cases: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    deadlines: list[tuple[Any, ...]] = []
    publications: list[tuple[Any, ...]] = []
    rand, randrange = rng.random, rng.randrange

    def flush() -> None:
        insert_cases(cases)
        insert_records(records)
        insert_deadlines(deadlines)
        insert_publications(publications)
        for rows in (cases, records, deadlines, publications):
            rows.clear()

    for case in range(1, size + 1):
        agency = ids[randrange(500)]
        r = randrange(span)
        received = day[r]
        roll = rand()
        filed_n = r + randrange(1, 10) if roll < 0.7 else None
        decided_n = filed_n + randrange(5, 40) if filed_n is not None and roll < 0.5 else None
        closed_n = decided_n + randrange(5, 60) if decided_n is not None and roll < 0.4 else None
        filed, decided, closed = (
            day[n] if n is not None and day[n] <= end else None for n in (filed_n, decided_n, closed_n)
        )
        if decided is None:
            closed = None
        summary = no_penalty = False
        kinds = no_kinds
        fine = confiscated = None
        if decided is not None:
            summary = rand() < 0.1
            no_penalty = not summary and rand() < 0.05
            if not no_penalty:
                k = randrange(6)
                kinds = kind_sets[k]
                if k in (0, 3, 4):
                    fine = randrange(100, 50000)
                if k in (2, 4, 5):
                    confiscated = randrange(100, 9000)
            records.append((case, "decide_on_the_spot" if summary else "decide", decided, no_data, case))
        state = "closed" if closed else "executing" if decided else "investigating" if filed else "lead"
        cases.append(
            (
                case,
                agency,
                "summary" if summary else "ordinary",
                state,
                received,
                filed,
                decided,
                closed,
                "不予处罚" if no_penalty else "",
                kinds,
                fine,
                confiscated,
            )
        )
        act_roll = rand()
        act = (
            "pass_review"
            if act_roll < 0.10
            else "hold_hearing"
            if act_roll < 0.12
            else "transfer_to_judiciary"
            if act_roll < 0.13
            else "transfer_jurisdiction"
            if act_roll < 0.135
            else None
        )
        if act:
            data = (waived if rand() < 0.2 else held) if act == "hold_hearing" else no_data
            records.append((case, act, received + timedelta(days=5), data, case))
        if rand() < 0.3:
            due = received + timedelta(days=20)
            deadlines.append((case, agency, "filing", received, due, None if rand() < 0.1 else due - timedelta(days=3)))
        if decided is not None:
            if rand() < 0.2:
                deadlines.append((case, agency, "statement", decided, decided + timedelta(days=5), None))
            if rand() < 0.2:
                due = decided + timedelta(days=9)
                if rand() < 0.05:
                    publications.append((case, agency, case, decided, due, "withheld", None, None, "minor_person"))
                else:
                    published = decided + timedelta(days=randrange(1, 14))
                    publications.append(
                        (case, agency, case, decided, due, "published", published, decided + timedelta(days=400), "")
                    )
        if case % 20000 == 0:
            flush()
            if case % 100000 == 0:
                log(f"  {case:,} cases")
    flush()


def baseline(root_path: str, start: date, end: date) -> tuple[float, list[list[tuple[Any, ...]]]]:
    """The hand-written statements' time, and their rows."""
    from django.db import connection

    from zhifa.cases.choices import PenaltyKind
    from zhifa.supervision.statistics import AGENCY_PERIODS

    postgres = connection.vendor == "postgresql"
    text = "c.penalty_kinds::text" if postgres else "c.penalty_kinds"
    kinds = ",\n".join(
        f"SUM(CASE WHEN c.decided_on BETWEEN %(s)s AND %(e)s AND c.outcome_reason = '' "
        f"AND {text} LIKE '%%\"{code}\"%%' THEN 1 ELSE 0 END)"
        for code in PenaltyKind.values
    )
    held = "r.data->>'outcome' = 'held'" if postgres else "json_extract(r.data, '$.outcome') = 'held'"
    periods = ", ".join(f"'{p}'" for p in AGENCY_PERIODS)
    params: dict[str, Any] = {"s": start, "e": end, "p": root_path + "%"}
    results = []
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in BASELINE_SQL:
            cursor.execute(sql.format(kinds=kinds, periods=periods, held=held), params)
            results.append(cursor.fetchall())
    return time.perf_counter() - began, results


def hand_figures(results: list[list[tuple[Any, ...]]]) -> dict[int, dict[str, Any]]:
    """The hand-written statements' rows as figures by agency, under statistics.py's keys."""
    from zhifa.supervision.statistics import KIND_KEYS, empty

    figures: dict[int, dict[str, Any]] = {}

    def of(agency_id: int) -> dict[str, Any]:
        return figures.setdefault(agency_id, empty())

    case_keys = (
        "received",
        "filed",
        "decisions",
        "summary",
        "fines",
        "confiscated",
        "no_penalty",
        "closed",
        *KIND_KEYS,
    )
    cases, records, deadlines, publications = results
    for agency_id, *values in cases:
        for key, value in zip(case_keys, values, strict=True):
            of(agency_id)[key] = Decimal(str(value or 0)) if key in ("fines", "confiscated") else int(value or 0)
    for agency_id, action, n, held in records:
        if action == "hold_hearing":
            of(agency_id)["hearings"] += int(held)
        else:
            of(agency_id)[RECORD_KEYS[action]] += int(n)
    for agency_id, n in deadlines:
        of(agency_id)["overdue"] = int(n)
    published: dict[int, int] = {}
    for agency_id, on_time, late, withheld, n in publications:
        own = of(agency_id)
        own["published_on_time"], own["published_late"], own["withheld"] = int(on_time), int(late), int(withheld)
        published[agency_id] = int(n)
    for agency_id, own in figures.items():
        own["unpublished"] = max(0, int(own["decisions"]) + int(own["no_penalty"]) - published.get(agency_id, 0))
    return figures


def compare(statistics: Any, hand: dict[int, dict[str, Any]]) -> list[str]:
    """Where statistics_for's own figures differ from the hand-written SQL's (the keys the SQL computes)."""
    from zhifa.supervision.statistics import empty

    keys = {key for figures in hand.values() for key in figures} - {
        "complaints_received",
        "complaints_handled",
        "officers",
        "auxiliaries",
        "certificates_valid",
        "reconsiderations",
        "reconsiderations_corrected",
        "litigations",
        "litigations_corrected",
    }
    differences = []
    for row in statistics.rows:
        theirs = hand.get(row.agency_id, empty())
        for key in sorted(keys):
            if row.own[key] != theirs[key]:
                differences.append(f"agency {row.agency_id} {key}: statistics_for {row.own[key]}, SQL {theirs[key]}")
    return differences


def each_statement(root: Any, start: date, end: date) -> None:
    """statistics_for's statements and the hand-written ones, each alone, fetched in full, timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zhifa.supervision.statistics import statistics_for

    with CaptureQueriesContext(connection) as captured:
        statistics_for(root, start, end, end)
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            began = time.perf_counter()
            cursor.execute(query["sql"])
            rows = cursor.fetchall()
            spent = time.perf_counter() - began
            log(f"{spent:8.3f} s {len(rows):6} rows  {' '.join(query['sql'].split())[:150]}")
            if spent > 0.1:  # the plan of the slow ones
                explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
                cursor.execute(explain + query["sql"])
                for line in cursor.fetchall():
                    log(f"           {line[-1]}")
    log("hand-written:")
    total, results = baseline(root.path, start, end)
    log(f"{total:8.3f} s in all; rows: {[len(rows) for rows in results]}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--years", type=int, default=5, help=f"the cases received over the years up to {YEAR}")
    parser.add_argument("--verbose", action="store_true", help="each statement timed alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhifa-statbench-") as folder:
        server = setup(args.db, Path(folder))
        try:
            from django.db import connection, transaction

            began = time.perf_counter()
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:  # for the fill only: no rollback journal, no sync
                    cursor.execute("PRAGMA journal_mode=OFF")
                    cursor.execute("PRAGMA synchronous=OFF")
            with transaction.atomic():
                fill(args.size, args.years, random.Random(18))  # noqa: S311 - reproducible bench data
            with connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("PRAGMA journal_mode=WAL")  # as configured (zhifa/settings.py)
                    cursor.execute("PRAGMA synchronous=FULL")
                    cursor.execute("ANALYZE")
                else:
                    cursor.execute("VACUUM ANALYZE")
            log(f"filled in {time.perf_counter() - began:.0f} s")
            from zhifa.core.models import Agency
            from zhifa.supervision.statistics import statistics_for

            root = Agency.objects.get(parent__isnull=True)
            start, end = date(YEAR, 1, 1), date(YEAR, 12, 31)
            if args.verbose:
                each_statement(root, start, end)
            ours, base = [], []
            for _ in range(args.rounds):
                t = time.perf_counter()
                figures = statistics_for(root, start, end, end)
                ours.append(time.perf_counter() - t)
                spent, results = baseline(root.path, start, end)
                base.append(spent)
            differences = compare(figures, hand_figures(results))
            for line in differences[:20]:
                log(line)
            best, floor = min(ours), min(base)
            verdict = "PASS" if best < TARGET_S and best / floor <= TARGET_RATIO else "MISS"
            version = (
                f"SQLite {connection.Database.sqlite_version}"  # type: ignore[attr-defined]
                if connection.vendor == "sqlite"
                else f"PostgreSQL {divmod(connection.cursor().connection.info.server_version, 10000)[0]}"
            )
            print(
                f"| {version} | {args.size:,} | {best:.2f} s | {floor:.2f} s | {best / floor:.2f}x | {verdict} | "
                f"{'same figures' if not differences else f'{len(differences)} DIFFERENCES'} |"
            )
            total = figures.total
            log(
                f"received {total['received']:,}, filed {total['filed']:,}, decisions {total['decisions']:,}, "
                f"closed {total['closed']:,}, overdue {total['overdue']:,}, published on time "
                f"{total['published_on_time']:,}; rounds: ours {[round(t, 2) for t in ours]}, "
                f"SQL {[round(t, 2) for t in base]}; load {os.getloadavg()[0]:.2f}"
            )
            return 1 if differences else 0
        finally:
            if server is not None:
                from django.db import connections

                connections.close_all()
                server.stop()


if __name__ == "__main__":
    raise SystemExit(main())
