"""Small inputs documents for the tests: a county's market-regulation food plan (by credit grade, in basis
points) and ecology's water plan (by risk, fixed counts), joint."""

from __future__ import annotations

import copy
from typing import Any

CHECKPOINT_ROOT = "5d41402abc4b2a76b9719d911017c592" * 2


def market_plan(**changes: Any) -> dict[str, Any]:
    plan = {
        "id": "m-food",
        "agency": "m",
        "domains": ["food"],
        "items": ["M-01", "M-02"],
        "stratify_by": "credit",
        "quota": {
            "A": {"basis_points": 300},
            "B": {"basis_points": 500},
            "C": {"basis_points": 1000},
            "D": {"basis_points": 2000},
        },
        "inspectors_per_target": 2,
        "cap": 2,
    }
    plan.update(changes)
    return plan


def ecology_plan(**changes: Any) -> dict[str, Any]:
    plan = {
        "id": "e-water",
        "agency": "e",
        "domains": ["water"],
        "items": ["E-01"],
        "stratify_by": "risk",
        "quota": {"high": {"count": 3}, "low": {"count": 1}},
        "inspectors_per_target": 2,
        "cap": 1,
    }
    plan.update(changes)
    return plan


def target(
    n: int, grade: str = "B", risk: str = "low", domains: tuple[str, ...] = ("food",), **changes: Any
) -> list[Any]:
    row: list[Any] = [f"T{n:04d}", f"91350100MA{n:08d}", grade, risk, list(domains), "350102", {}, True]
    for field, value in changes.items():
        row[["id", "credit_code", "credit", "risk", "domains", "area", "counted", "active"].index(field)] = value
    return row


def standard() -> dict[str, Any]:
    targets = [
        target(
            n,
            grade="ABCD"[n % 4],
            risk="high" if n % 3 == 0 else "low",
            domains=("food", "water") if n % 5 == 0 else ("food",),
        )
        for n in range(200)
    ]
    targets[7][6] = {"m": 2}  # at the market regulator's cap of 2
    targets[8][7] = False  # struck off
    inspectors = [[f"I{n:03d}", "m", ["food"]] for n in range(12)]
    inspectors += [[f"E{n:03d}", "e", ["water", "air"]] for n in range(6)]
    avoid = [["I000", "T0000", "relation"], ["I001", "T0000", "last_inspection"], ["E000", "T0005", "relation"]]
    return {
        "format": "zhifa-draw/1",
        "draw": {"id": "2026-01", "year": 2026},
        "plans": [market_plan(), ecology_plan()],
        "targets": targets,
        "inspectors": inspectors,
        "avoid": avoid,
        "seed": {"source": "ledger_checkpoint", "log": "zhifa.example/ledger", "tree_size": 1000},
    }


def changed(inputs: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(inputs)
