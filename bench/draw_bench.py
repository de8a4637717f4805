"""The double-random draw (zhifa_draw/, issue 19) over 10^6 targets and 10^4 inspectors, beside `random.sample`.

Generates deterministic inputs (random.Random(SEED)): a joint draw (综合查一次) of three plans — market
regulation's food plan and product-quality plan, and ecology's plan — stratified by credit grade with the ratios
A 3 %, B 5 %, C 10 %, D 20 % (market regulation) and by risk with a fixed count per grade (ecology); 10 areas;
12 % of the targets already inspected this year, a fifth of those at their body's yearly cap; 10^4 inspectors
(6,000 market regulation, 4,000 ecology) with one to three domains; 10^5 recorded relations and the last two
inspectors of 10^5 targets to avoid; a ledger checkpoint's root as the seed value.

Times, best of --reps:
  baseline    plain `random.sample`: the same number of targets from the active targets, then two inspectors of
              the right agency for each with `random.sample` (no strata, caps, avoidance, load or hashing);
  publication the inputs' canonical form and SHA-256, which the server computes and records when it publishes
              the inputs, before the seed exists;
  draw        `zhifa_draw.draw(inputs, seed, inputs_sha256=...)` in process, from the parsed document (what the
              server calls when the seed value is known);
  recompute   `python -m zhifa_draw recompute FILE --seed-value V --expect-result-sha256 H` in a subprocess:
              starting Python, reading and parsing the file, checking it is canonical, the draw.

    .venv/bin/python bench/draw_bench.py              # 10^6 targets, 10^4 inspectors
    .venv/bin/python bench/draw_bench.py --targets 100000 --reps 1
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from zhifa_draw import canonical, draw  # noqa: E402
from zhifa_draw.canon import sha256_hex  # noqa: E402

SEED = 19
SEED_VALUE = "3f7a1c0e9b2d4c6a8e0f1b3d5c7e9a2b4d6f8a0c2e4b6d8f0a1c3e5b7d9f1a3c"
DRAW_TARGET_S = 5.0
RECOMPUTE_TARGET_S = 10.0
AREAS = [f"3501{n:02d}" for n in range(2, 12)]
MARKET = ["food", "product_quality", "special_equipment", "pricing"]
ECOLOGY = ["water", "air", "waste"]


def credit_code(rng: random.Random, n: int) -> str:
    return f"91350{n:010d}{rng.randrange(10**3):03d}"[:18]


def generate(targets: int, inspectors: int) -> dict[str, Any]:
    rng = random.Random(SEED)  # noqa: S311 - deterministic test data
    rows: list[list[Any]] = []
    for n in range(targets):
        domains = sorted(
            set(rng.sample(MARKET, rng.choice((1, 1, 2)))) | ({rng.choice(ECOLOGY)} if rng.random() < 0.3 else set())
        )
        counted: dict[str, int] = {}
        if rng.random() < 0.12:
            counted["scjg"] = rng.choice((1, 1, 1, 1, 2))  # 2 = at the cap of 2
            if "water" in domains or "air" in domains or "waste" in domains:
                counted["sthj"] = rng.choice((0, 1))
        rows.append(
            [
                f"T{n:07d}",
                credit_code(rng, n),
                rng.choices("ABCD", (50, 30, 15, 5))[0],
                rng.choices(("low", "medium", "high"), (60, 30, 10))[0],
                domains,
                rng.choice(AREAS),
                counted,
                rng.random() < 0.97,
            ]
        )
    people: list[list[Any]] = []
    for n in range(inspectors):
        market = n < inspectors * 6 // 10
        pool = MARKET if market else ECOLOGY
        people.append([f"I{n:05d}", "scjg" if market else "sthj", sorted(rng.sample(pool, rng.choice((1, 2, 3))))])
    avoid: list[list[str]] = []
    for _ in range(targets // 10):
        avoid.append([f"I{rng.randrange(inspectors):05d}", f"T{rng.randrange(targets):07d}", "relation"])
    for n in rng.sample(range(targets), targets // 10):
        for _ in range(2):
            avoid.append([f"I{rng.randrange(inspectors):05d}", f"T{n:07d}", "last_inspection"])
    avoid = sorted({tuple(row): row for row in avoid}.values())
    market_quota = {grade: {"basis_points": bp} for grade, bp in zip("ABCD", (300, 500, 1000, 2000), strict=True)}
    return {
        "format": "zhifa-draw/1",
        "draw": {"id": "2026-bench", "year": 2026, "title": "bench: a county's joint draw"},
        "plans": [
            {
                "id": "scjg-food",
                "agency": "scjg",
                "domains": ["food"],
                "items": ["SC-FOOD-01", "SC-FOOD-02"],
                "stratify_by": "credit",
                "quota": market_quota,
                "inspectors_per_target": 2,
                "cap": 2,
            },
            {
                "id": "scjg-quality",
                "agency": "scjg",
                "domains": ["product_quality"],
                "items": ["SC-PQ-01"],
                "stratify_by": "credit",
                "quota": market_quota,
                "inspectors_per_target": 2,
                "cap": 2,
            },
            {
                "id": "sthj-2026",
                "agency": "sthj",
                "domains": ECOLOGY,
                "items": ["HJ-01", "HJ-02", "HJ-03"],
                "stratify_by": "risk",
                "areas": AREAS[:6],
                "quota": {"high": {"count": 3000}, "medium": {"count": 2000}, "low": {"count": 1000}},
                "inspectors_per_target": 2,
                "cap": 1,
            },
        ],
        "targets": rows,
        "inspectors": people,
        "avoid": avoid,
        "seed": {"source": "ledger_checkpoint", "log": "zhifa.example.gov.cn/ledger", "tree_size": 1_000_000},
    }


def baseline(inputs: dict[str, Any], total: int) -> Callable[[], object]:
    active = [row[0] for row in inputs["targets"] if row[7]]
    staff: dict[str, list[str]] = {}
    for row in inputs["inspectors"]:
        staff.setdefault(row[1], []).append(row[0])
    agencies = sorted(staff)

    def run() -> object:
        rng = random.Random(SEED)  # noqa: S311 - the baseline
        chosen = rng.sample(active, total)
        return [(target, rng.sample(staff[agencies[n % 2]], 2)) for n, target in enumerate(chosen)]

    return run


def best(reps: int, run: Callable[[], object]) -> tuple[float, float, object]:
    """Best wall time and best CPU time (of this process, or of the child for a subprocess) of `reps` runs."""
    walls, cpus, outcome = [], [], None
    for _ in range(reps):
        before = os.times()
        started = time.perf_counter()
        outcome = run()
        walls.append(time.perf_counter() - started)
        after = os.times()
        cpus.append(
            after.user
            - before.user
            + after.system
            - before.system
            + after.children_user
            - before.children_user
            + after.children_system
            - before.children_system
        )
    return min(walls), min(cpus), outcome


def calibration() -> float:
    """A fixed pure-Python loop (10^6 multiplications summed): about 0.05 s on an idle desktop of 2024; the
    ratio to it says how loaded this machine was."""
    started = time.perf_counter()
    sum(i * i for i in range(10**6))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=int, default=1_000_000)
    parser.add_argument("--inspectors", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    started = time.perf_counter()
    inputs = generate(args.targets, args.inspectors)
    print(f"generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    reference = min(calibration() for _ in range(3))

    publish_s, publish_cpu, inputs_sha256 = best(1, lambda: sha256_hex(canonical(inputs)))
    assert isinstance(inputs_sha256, str)
    draw_s, draw_cpu, result = best(args.reps, lambda: draw(inputs, SEED_VALUE, inputs_sha256=inputs_sha256))
    assert hasattr(result, "data")
    total = len(result.data["targets"])
    base_s, base_cpu, _ = best(args.reps, baseline(inputs, total))

    with tempfile.TemporaryDirectory() as folder:
        published = Path(folder) / "published.json"
        published.write_bytes(canonical(inputs))
        size_mb = published.stat().st_size / 1e6
        command = [
            sys.executable,
            "-m",
            "zhifa_draw",
            "recompute",
            str(published),
            "--seed-value",
            SEED_VALUE,
            "--expect-result-sha256",
            result.sha256,
        ]

        def again() -> object:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
            assert done.returncode == 0, done.stdout + done.stderr
            return done

        recompute_s, recompute_cpu, _ = best(args.reps, again)

    unstaffed = result.data["unstaffed"]
    print(
        f"\n{args.targets:,} targets, {args.inspectors:,} inspectors, {len(inputs['avoid']):,} avoidance rows, "
        f"inputs file {size_mb:.0f} MB; drawn {total:,} targets ({unstaffed} unstaffed); best of {args.reps}; "
        f"calibration loop {reference:.3f} s\n"
    )
    print("| measurement | wall time | CPU time | ratio to baseline (wall) | target |")
    print("|---|---|---|---|---|")
    print(f"| baseline: `random.sample` | {base_s:.3f} s | {base_cpu:.2f} s | 1 × | — |")
    print(
        f"| publication: canonical JSON + SHA-256 (before the seed) | {publish_s:.3f} s | {publish_cpu:.2f} s | "
        f"{publish_s / base_s:.0f} × | — |"
    )
    verdict = "PASS" if draw_s < DRAW_TARGET_S else "MISS"
    print(
        f"| `zhifa_draw.draw` in process | {draw_s:.3f} s | {draw_cpu:.2f} s | {draw_s / base_s:.0f} × "
        f"| < {DRAW_TARGET_S:.0f} s {verdict} |"
    )
    verdict = "PASS" if recompute_s < RECOMPUTE_TARGET_S else "MISS"
    print(
        f"| `python -m zhifa_draw recompute` (subprocess) | {recompute_s:.3f} s | {recompute_cpu:.2f} s "
        f"| {recompute_s / base_s:.0f} × | < {RECOMPUTE_TARGET_S:.0f} s {verdict} |"
    )
    print(f"\nresult sha256 {result.sha256}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)


if __name__ == "__main__":
    main()
