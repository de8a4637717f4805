"""Where a request of each kind of the load mix spends its time, in one process, without the network.

Reads the same plan as the locustfile (bench/load/plan.py, ZHIFA_LOAD_PLAN or --plan) and asks each kind of request
through Django's test client — the whole middleware stack, the real database — `--repeat` times, printing per kind
the mean and p50 in ms and the queries per request. `--profile KIND` adds cProfile's heaviest functions for that kind
(cumulative), `--sql KIND` the slowest queries of one request.

    DATABASE_URL=postgres://… ZHIFA_DATA_DIR=… .venv/bin/python -m bench.load.profile_requests --plan /tmp/plan.json
    … --profile 读：案件页 --sql 公：决定检索
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def kinds(plan: dict[str, Any], reader_cases: list[int]) -> dict[str, tuple[str, Callable[[], str]]]:
    """Kind of request → (whose login: a plan key or '' for the public, the next URL to ask)."""
    rng = random.Random(7)  # noqa: S311 - picks of a benchmark
    public = plan["public"]
    return {
        "读：案件列表": ("readers", lambda: "/cases/"),
        "读：案件页": ("readers", lambda: f"/cases/{rng.choice(reader_cases)}/"),
        "读：工作台": ("readers", lambda: "/"),
        "审：待办案件": ("approvers", lambda: "/cases/?todo=1"),
        "督：监督总览": ("supervisors", lambda: "/supervision/"),
        "公：决定检索": ("", lambda: f"/public/decisions/?q={rng.choice(public['queries'])}"),
        "公：决定页": ("", lambda: f"/public/decisions/{rng.choice(public['decisions'])}/"),
        "公：证件查验": ("", lambda: f"/public/certificates/{rng.choice(public['certificates'])}/"),
        "公：文书核验": ("", lambda: f"/public/check/?sha256={rng.choice(public['hashes'] or ['0' * 64])}"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", type=Path, default=Path(os.environ.get("ZHIFA_LOAD_PLAN", "plan.json")))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", default="", help="a kind of request to profile (cProfile, cumulative)")
    parser.add_argument("--sql", default="", help="a kind of request whose queries to print, slowest first")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zhifa.core.models import User

    plan = json.loads(args.plan.read_text(encoding="utf-8"))
    clients: dict[str, Client] = {"": Client(HTTP_HOST="127.0.0.1")}  # an allowed host
    for role in ("readers", "approvers", "supervisors"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=plan[role][0]["username"]))  # the password is the plan's
        clients[role] = client
    # The reader's case pages: the cases his list links to, as the locust user picks them.
    listing = clients["readers"].get("/cases/").content.decode()
    table = kinds(plan, [int(found) for found in re.findall(r'href="/cases/(\d+)/"', listing)])

    print(f"{'kind':<14}{'mean ms':>9}{'p50 ms':>9}{'max ms':>9}{'queries':>9}  status")
    for name, (role, url) in table.items():
        client = clients[role]
        client.get(url())  # warm the caches a server's worker would have warm
        times: list[float] = []
        queries = 0
        statuses: set[int] = set()
        profiler = cProfile.Profile() if name == args.profile else None
        for _ in range(args.repeat):
            path = url()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                answer = client.get(path)
                if profiler is not None:
                    profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
            statuses.add(answer.status_code)
            queries = max(queries, len(captured.captured_queries))
            if name == args.sql:
                slow = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))[:8]
                for query in slow:
                    print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:400]}")
                args.sql = ""
        print(
            f"{name:<14}{statistics.mean(times):>9.1f}{statistics.median(times):>9.1f}{max(times):>9.1f}"
            f"{queries:>9}  {sorted(statuses)}"
        )
        if profiler is not None:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats("cumulative").print_stats(r"zhifa/", 40)  # ours, by the time under them
            stats.sort_stats("tottime").print_stats(25)  # anyone's, by their own time
            print(out.getvalue())


if __name__ == "__main__":
    main()
