"""The annual statistics (zhifa/supervision/statistics.py) over N cases, against the same aggregates in hand-written
SQL, on SQLite or on a throwaway PostgreSQL server; prints the times and their ratio.

    .venv/bin/python bench/statistics_bench.py                      # SQLite, 10^6 cases, 500 agencies
    .venv/bin/python bench/statistics_bench.py --db postgres
    .venv/bin/python bench/statistics_bench.py --size 100000        # smaller

Rows are written with bulk_create (no ledger: the statistics never read it): N cases over 2026 (received, 70 % filed,
50 % decided — 10 % of those on the spot, 5 % without a penalty —, 40 % closed), a legal review opinion for 10 % of
the cases, a hearing for 2 %, a transfer for 1 %, one period for 30 % (a tenth of them overdue), a publication for
20 % of the decisions. Targets (issue 18): under 10 s, and within 3x of the hand-written SQL.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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
    """SELECT c.agency_id, r.action, COUNT(*) FROM cases_caserecord r JOIN cases_case c ON c.id = r.case_id
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


def setup(db: str, keep: Path) -> Any:
    os.environ["ZHIFA_DATA_DIR"] = str(keep)
    server = None
    if db == "postgres":
        from zhifa.testing.postgres import ThrowawayPostgres

        # Its own folder, as zhifa.testing.postgres makes it: the server's user must reach it.
        server = ThrowawayPostgres(Path(tempfile.mkdtemp(prefix="zhifa-pg-")))
        server.start()
        os.environ["DATABASE_URL"] = server.url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return server


def fill(size: int, agencies_n: int) -> None:
    from django.db import transaction

    from zhifa.cases.models import Case, CaseDeadline, CaseRecord
    from zhifa.core.choices import AgencyKind, Domain
    from zhifa.core.models import Agency, User
    from zhifa.core.validators import credit_code_check_char
    from zhifa.publicity.models import Publication

    rng = random.Random(18)  # noqa: S311 - bench data, not security
    user = User.objects.create(username="bench")

    def agency(name: str, parent: Agency | None, n: int) -> Agency:
        first17 = f"11150100{n:09d}"
        return Agency.objects.create(
            name=name,
            short_name="测",
            kind=AgencyKind.BRANCH if parent else AgencyKind.BUREAU,
            parent=parent,
            credit_code=first17 + credit_code_check_char(first17),
        )

    root = agency("省级", None, 0)
    agencies = [root]
    middle = [agency(f"市{i}", root, i + 1) for i in range(20)]
    agencies += middle
    n = 100
    while len(agencies) < agencies_n:
        agencies.append(agency(f"县{n}", middle[n % 20], n))
        n += 1
    ids = [a.pk for a in agencies]
    start = date(2026, 1, 1)
    batch = 20000
    made = 0
    while made < size:
        rows = []
        for _ in range(min(batch, size - made)):
            received = start + timedelta(days=rng.randrange(330))
            filed = received + timedelta(days=rng.randrange(1, 10)) if rng.random() < 0.7 else None
            decided = filed + timedelta(days=rng.randrange(5, 40)) if filed and rng.random() < 0.7 else None
            summary = decided is not None and rng.random() < 0.1
            no_penalty = decided is not None and not summary and rng.random() < 0.05
            kinds = sorted(rng.sample(["fine", "warning", "confiscate_gains"], rng.randrange(1, 3))) if decided else []
            rows.append(
                Case(
                    agency_id=rng.choice(ids),
                    domain=Domain.FORESTRY,
                    procedure="summary" if summary else "ordinary",
                    state="closed",
                    title="滥伐林木",
                    lead_source="inspection",
                    lead_summary="巡护发现",
                    received_on=received,
                    filed_on=filed,
                    decided_on=decided,
                    outcome_reason="不予处罚" if no_penalty else "",
                    penalty_kinds=[] if no_penalty else kinds,
                    fine=rng.randrange(100, 50000) if "fine" in kinds and not no_penalty else None,
                    confiscated=rng.randrange(100, 9000) if "confiscate_gains" in kinds else None,
                    closed_on=decided + timedelta(days=30) if decided and rng.random() < 0.6 else None,
                    created_by=user,
                )
            )
        with transaction.atomic():
            cases = Case.objects.bulk_create(rows)
            records, deadlines, publications = [], [], []
            for case in cases:
                r = rng.random()
                act = (
                    "pass_review"
                    if r < 0.10
                    else "hold_hearing"
                    if r < 0.12
                    else "transfer_to_judiciary"
                    if r < 0.13
                    else None
                )
                if act:
                    records.append(
                        CaseRecord(
                            case_id=case.pk,
                            action=act,
                            on_date=case.received_on + timedelta(days=5),
                            data={"outcome": "held"},
                            entry_index=case.pk,
                            created_by=user,
                        )
                    )
                if rng.random() < 0.3:
                    due = case.received_on + timedelta(days=20)
                    late = rng.random() < 0.1
                    deadlines.append(
                        CaseDeadline(
                            case_id=case.pk,
                            period="filing",
                            started_on=case.received_on,
                            due_on=due,
                            stopped_on=None if late else due - timedelta(days=3),
                        )
                    )
                if case.decided_on and rng.random() < 0.2:
                    publications.append(
                        Publication(
                            case_id=case.pk,
                            agency_id=case.agency_id,
                            decision_entry=case.pk,
                            decision_class="penalty",
                            decided_on=case.decided_on,
                            due_on=case.decided_on + timedelta(days=9),
                            state="published",
                            party_kind="citizen",
                            party="张某",
                            published_on=case.decided_on + timedelta(days=rng.randrange(1, 14)),
                            display_until=case.decided_on + timedelta(days=400),
                            entry_index=case.pk,
                            created_by=user,
                        )
                    )
            CaseRecord.objects.bulk_create(records)
            CaseDeadline.objects.bulk_create(deadlines)
            Publication.objects.bulk_create(publications)
        made += len(rows)
        print(f"  {made:,} cases", file=sys.stderr)


def baseline(root_path: str, start: date, end: date) -> float:
    from django.db import connection

    from zhifa.cases.choices import PenaltyKind
    from zhifa.supervision.statistics import AGENCY_PERIODS

    kinds = ",\n".join(
        f"SUM(CASE WHEN c.decided_on BETWEEN %(s)s AND %(e)s AND c.outcome_reason = '' "
        f"AND c.penalty_kinds LIKE '%%\"{code}\"%%' THEN 1 ELSE 0 END)"
        for code in PenaltyKind.values
    )
    if connection.vendor == "postgresql":
        kinds = kinds.replace("c.penalty_kinds LIKE", "c.penalty_kinds::text LIKE")
    periods = ", ".join(f"'{p}'" for p in AGENCY_PERIODS)
    params: dict[str, Any] = {"s": start, "e": end, "p": root_path + "%"}
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in BASELINE_SQL:
            cursor.execute(sql.format(kinds=kinds, periods=periods), params)
            cursor.fetchall()
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=500)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhifa-statbench-") as folder:
        server = setup(args.db, Path(folder))
        try:
            began = time.perf_counter()
            fill(args.size, args.agencies)
            print(f"filled in {time.perf_counter() - began:.0f} s", file=sys.stderr)
            from django.db import connection

            from zhifa.core.models import Agency
            from zhifa.supervision.statistics import statistics_for

            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            root = Agency.objects.get(parent__isnull=True)
            start, end = date(2026, 1, 1), date(2026, 12, 31)
            ours, base = [], []
            for _ in range(args.rounds):
                t = time.perf_counter()
                figures = statistics_for(root, start, end, end)
                ours.append(time.perf_counter() - t)
                base.append(baseline(root.path, start, end))
            best, floor = min(ours), min(base)
            print(
                f"| {args.db} | {args.size:,} cases, {args.agencies} agencies | statistics_for {best:.2f} s "
                f"| hand-written SQL {floor:.2f} s | ratio {best / floor:.2f}x "
                f"| {'PASS' if best < 10 and best / floor <= 3 else 'MISS'} |"
            )
            print(f"received {figures.total['received']:,}, decisions {figures.total['decisions']:,}", file=sys.stderr)
        finally:
            if server is not None:
                from django.db import connections

                connections.close_all()
                server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
