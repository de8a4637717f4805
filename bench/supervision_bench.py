"""The supervision overview (/supervision/) over a province-sized tree: 10⁶ cases in 500 agencies, on SQLite and on
PostgreSQL, beside a baseline in the same run (issue 18: the overview renders in under 1 s).

Fills a fresh database (Zhifa's settings, migrated) directly with bulk inserts — the overview only reads, so no
ledger is written: a root agency with 20 bureaus of 24 branches each (500 agencies), a supervisor at the root, and
N cases spread over five years (received, then 90 % filed, 80 % decided, 70 % closed), with a running decision period
for each case still open (about a third of them passed), a decision act for each decided case, 2,000 officers with
certificates (some expiring, some expired). Then measures, best of `--reps`:

- overview: `supervision.overview.overview_for(supervisor, year, today)` — every figure of the page, all its queries;
- page: GET /supervision/ as the supervisor through Django's test client (the view, the template, the navigation);
- baseline: the same monthly counts in hand-written SQL (one GROUP BY agency, month statement per stage, with the
  database's own month function: strftime on SQLite, date_trunc on PostgreSQL).

Prints the times, the ratio to the baseline and PASS/MISS against 1 s for the page.

    .venv/bin/python bench/supervision_bench.py                       # both databases, 10^6 cases
    .venv/bin/python bench/supervision_bench.py --db sqlite --cases 100000
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TODAY = date(2026, 11, 23)
YEAR = 2026
TARGET_S = 1.0
SEED = 18


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def setup_django(data_dir: Path, database_url: str | None) -> None:
    os.environ["ZHIFA_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhifa.settings"
    os.environ.setdefault("ZHIFA_LOG_LEVEL", "WARNING")
    for name in ("DATABASE_URL", "ZHIFA_LEDGER_KEY_FILE", "ZHIFA_EVIDENCE_STORAGE"):
        os.environ.pop(name, None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def fill(n_cases: int, rng: random.Random) -> Any:
    from zhifa.cases.models import Case, CaseDeadline, CaseRecord
    from zhifa.core.choices import Role
    from zhifa.core.models import Agency, RoleAssignment, User
    from zhifa.personnel.models import Certificate, Officer
    from zhifa.testing.scale import inserter, province_agencies

    agencies = province_agencies()  # the shared fill (zhifa/testing/scale.py), as bench/statistics_bench.py
    Agency.objects.bulk_create(agencies)
    ids = [a.pk for a in agencies]
    supervisor = User.objects.create_user(username="supervisor", password="x", full_name="监督", agency_id=1)  # noqa: S106 - a bench login
    RoleAssignment.objects.create(user=supervisor, role=Role.SUPERVISOR)
    officers = [
        Officer(agency_id=rng.choice(ids), name=f"执法{i}", gender="male", id_number=f"{i:018d}") for i in range(2000)
    ]
    Officer.objects.bulk_create(officers, batch_size=1000)
    certificates = []
    for officer in Officer.objects.all():
        until = TODAY + timedelta(days=rng.randrange(-60, 1500))
        certificates.append(
            Certificate(
                officer=officer,
                number=f"C{officer.pk:08d}",
                issuing_body="省政府",
                valid_from=until - timedelta(days=1800),
                valid_until=until,
                review_due=until,
                domains=[],
            )
        )
    Certificate.objects.bulk_create(certificates, batch_size=1000)

    first = date(YEAR - 4, 1, 1)
    span = (TODAY - first).days
    varied = ["id", "agency_id", "state", "received_on", "filed_on", "decided_on", "closed_on", "fine"]
    insert_cases = inserter(
        Case(
            domain="forestry",
            title="滥伐林木",
            lead_source="inspection",
            lead_summary="巡查",
            created_by_id=supervisor.pk,
            received_on=first,
            state="lead",
            agency_id=1,
        ),
        varied,
    )
    insert_records = inserter(
        CaseRecord(action="decide", on_date=first, entry_index=0, created_by_id=supervisor.pk, case_id=1),
        ["id", "case_id", "on_date", "entry_index"],
    )
    insert_deadlines = inserter(
        CaseDeadline(period="decision", started_on=first, due_on=first, case_id=1),
        ["id", "case_id", "agency_id", "started_on", "due_on"],
    )
    cases: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    deadlines: list[tuple[Any, ...]] = []
    for pk in range(1, n_cases + 1):
        received = first + timedelta(days=rng.randrange(span))
        roll = rng.random()
        filed = received + timedelta(days=rng.randrange(1, 20)) if roll < 0.9 else None
        decided = filed + timedelta(days=rng.randrange(5, 120)) if filed and roll < 0.8 else None
        closed = decided + timedelta(days=rng.randrange(5, 60)) if decided and roll < 0.7 else None
        filed, decided, closed = (d if d is None or d <= TODAY else None for d in (filed, decided, closed))
        if decided is None:
            closed = None
        state = "closed" if closed else "executing" if decided else "investigating" if filed else "lead"
        fine = str(rng.randrange(100, 20000)) if decided else None
        agency = rng.choice(ids)
        cases.append((pk, agency, state, received, filed, decided, closed, fine))
        if decided is not None:
            records.append((len(records) + 1, pk, decided, pk))
        elif filed is not None:
            deadlines.append((len(deadlines) + 1, pk, agency, filed, filed + timedelta(days=90)))
        if len(cases) >= 20000:
            insert_cases(cases)
            cases.clear()
            if pk % 100000 == 0:
                log(f"  {pk:,} cases")
    insert_cases(cases)
    insert_records(records)
    insert_deadlines(deadlines)
    return supervisor


def baseline_sql(vendor: str) -> list[str]:
    """The monthly counts by agency, one hand-written statement per stage."""
    month = "strftime('%%m', {f})" if vendor == "sqlite" else "date_trunc('month', {f})"
    statements = []
    for field in ("received_on", "filed_on", "decided_on", "closed_on"):
        statements.append(
            f"SELECT agency_id, {month.format(f=field)} AS m, COUNT(*) FROM cases_case "  # noqa: S608 - fixed names
            f"WHERE {field} BETWEEN %s AND %s GROUP BY agency_id, m"
        )
    return statements


def best(action: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def run_one(args: argparse.Namespace) -> int:
    reuse = args.reuse is not None and args.db == "sqlite"
    data_dir = Path(args.reuse) if reuse else Path(tempfile.mkdtemp(prefix="zhifa-supervision-bench-"))
    server = None
    try:
        database_url = None
        if args.db == "postgresql":
            from zhifa.testing.postgres import ThrowawayPostgres

            data_dir.chmod(0o711)
            (data_dir / "pg").mkdir()
            server = ThrowawayPostgres(data_dir / "pg")
            server.start()
            database_url = server.url()
        setup_django(data_dir, database_url)
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from zhifa.supervision.overview import overview_for

        call_command("migrate", verbosity=0)
        from zhifa.core.models import User

        if reuse:  # a database an earlier `--keep` run filled (SQLite): the same data, measured again
            supervisor = User.objects.get(username="supervisor")
            log(f"{args.db}: reusing {data_dir}")
        else:
            log(f"{args.db}: filling {args.cases:,} cases over 500 agencies in {data_dir}")
            started = time.perf_counter()
            from django.db import transaction

            from zhifa.supervision import tallies

            with transaction.atomic():  # one commit: SQLite in autocommit would sync every row
                # A bulk load counts once at the end (as `zhifa supervision tallies --rebuild` does), not row by row
                # through the triggers (row by row, PostgreSQL took 8 minutes per 10^5 cases on this shared machine).
                tallies.uninstall(connection)
                supervisor = fill(args.cases, random.Random(SEED))  # noqa: S311 - reproducible data
                tallies.install(connection)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
            log(f"filled in {time.perf_counter() - started:.0f} s")
            supervisor = User.objects.get(pk=supervisor.pk)
        with CaptureQueriesContext(connection) as captured:
            overview_for(supervisor, YEAR, TODAY)
        queries = len(captured)
        if args.verbose:
            import cProfile
            import pstats

            for query in captured.captured_queries:  # each statement alone, fetched in full
                with connection.cursor() as cursor:
                    started = time.perf_counter()
                    cursor.execute(query["sql"])
                    rows = cursor.fetchall()
                    log(f"{time.perf_counter() - started:8.3f} s {len(rows):7} rows  {query['sql'][:150]}")
        overview_s = best(lambda: overview_for(supervisor, YEAR, TODAY), args.reps)
        from django.conf import settings

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(supervisor)
        from zhifa.testing.two_factor import pass_second_factor

        pass_second_factor(client, supervisor)

        def page() -> None:
            response = client.get(f"/supervision/?year={YEAR}")
            assert response.status_code == 200, response.status_code

        page()  # the first request compiles the templates and imports the views: not what a reader waits for
        if args.verbose:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(page)
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        page_s = best(page, args.reps)
        statements = baseline_sql(connection.vendor)

        def baseline() -> None:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql, [date(YEAR, 1, 1), date(YEAR, 12, 31)])
                    cursor.fetchall()

        baseline_s = best(baseline, args.reps)
        # The kept counts the overview reads must equal the hand-written counts of the cases (supervision/tallies.py):
        # each agency's total per stage, and each month's total over the agencies.
        by_agency: Counter[tuple[int, str]] = Counter()
        by_month: Counter[tuple[str, int]] = Counter()
        with connection.cursor() as cursor:
            for stage, sql in zip(("received", "filed", "decided", "closed"), statements, strict=True):
                cursor.execute(sql, [date(YEAR, 1, 1), date(YEAR, 12, 31)])
                for agency, month, n in cursor.fetchall():
                    by_agency[(agency, stage)] += n
                    by_month[(stage, int(month) if connection.vendor == "sqlite" else month.month)] += n
        shown = overview_for(supervisor, YEAR, TODAY)
        totals = Counter({(row.agency.pk, stage): n for row in shown.rows for stage, n in row.stage_totals if n})
        months = Counter(
            {(stage, number + 1): n for stage, counts in shown.months.items() for number, n in enumerate(counts) if n}
        )
        assert (totals, months) == (by_agency, by_month), "the overview's counts differ from the hand-written SQL's"
        version = (
            f"SQLite {connection.Database.sqlite_version}"
            if connection.vendor == "sqlite"
            else f"PostgreSQL {connection.cursor().connection.info.server_version}"
        )
        print(
            f"\n{version}, Python {platform.python_version()}, {os.cpu_count()} CPUs, {args.cases:,} cases, "
            f"500 agencies, best of {args.reps}"
        )
        print(f"{'measure':<40}{'seconds':>10}{'× baseline':>12}")
        print(f"{'baseline: monthly counts, hand SQL':<40}{baseline_s:>10.3f}{1:>12.2f}")
        print(f"{f'overview_for ({queries} queries)':<40}{overview_s:>10.3f}{overview_s / baseline_s:>12.2f}")
        verdict = "PASS" if page_s < TARGET_S else "MISS"
        print(f"{'GET /supervision/ (whole page)':<40}{page_s:>10.3f}{page_s / baseline_s:>12.2f}  {verdict} (< 1 s)")
        return 0 if page_s < TARGET_S else 1
    finally:
        if server is not None:
            server.stop()
        if args.keep and args.db == "sqlite":
            log(f"kept {data_dir} (--reuse {data_dir})")
        elif not reuse:
            shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0] if __doc__ else None)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=10**6)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--verbose", action="store_true", help="print each query of the overview with its time")
    parser.add_argument("--keep", action="store_true", help="SQLite: keep the filled data folder for --reuse")
    parser.add_argument("--reuse", metavar="DIR", help="SQLite: measure the data folder a --keep run filled")
    args = parser.parse_args(argv)
    if args.db != "both":
        return run_one(args)
    status = 0
    for db in ("sqlite", "postgresql"):
        again = ["--db", db, "--cases", str(args.cases), "--reps", str(args.reps)]
        status |= subprocess.run([sys.executable, __file__, *again], check=False).returncode  # noqa: S603 - ourselves
    return status


if __name__ == "__main__":
    raise SystemExit(main())
