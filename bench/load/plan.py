"""The load test's plan: which logins act, on which cases, with which API tokens, and what the public looks up.

Run against the database the server under test uses (any dataset: the demo, `zhifa`'s scale generator, a test's
world). It changes that database, so only a throwaway one: it sets one known password on the logins it picks,
issues an API token to each writing officer, and turns off the second factor of their agencies (a load test
cannot type codes). Writes a JSON file the locustfile reads (ZHIFA_LOAD_PLAN).

    DATABASE_URL=postgres://… .venv/bin/python -m bench.load.plan --out /tmp/plan.json
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

PASSWORD = "Load@Test2026"  # noqa: S105 - a throwaway database's load-test logins


def _spread(role: str, count: int) -> list[Any]:
    """`count` active logins with the role, spread evenly over all of them (the middle of each stride): a province
    has one bureau, twenty cities and hundreds of counties, so the first logins — the province's — are not the mix.
    """
    from zhifa.core.models import User

    pks = list(
        User.objects.filter(is_active=True, role_assignments__role=role)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    step = max(1, len(pks) // max(1, count))
    chosen = pks[step // 2 :: step][:count] if len(pks) > count else pks
    return list(User.objects.filter(pk__in=chosen).order_by("pk"))


def build(
    *, writers: int = 20, readers: int = 20, approvers: int = 5, supervisors: int = 3, on_date: str = ""
) -> dict[str, Any]:
    """The plan, read from the current database (Django set up). `on_date`: the date of the writers' acts (ISO;
    empty: the server's today) — a test's world is dated, the server's clock is the real one."""
    from django.db import transaction
    from django.db.models import Count, Q
    from django.utils import timezone

    from zhifa.api.tokens import token_issue
    from zhifa.cases.models import Case
    from zhifa.cases.workflow import State
    from zhifa.core.choices import Role
    from zhifa.core.models import Agency, User
    from zhifa.ledger.models import Checkpoint
    from zhifa.personnel.models import Certificate
    from zhifa.publicity.search import visible

    def login(user: User) -> dict[str, Any]:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        return {"username": user.username, "password": PASSWORD}

    with transaction.atomic():
        # Cases under investigation whose active team has two or more officers with logins: the writers add
        # evidence to them (an act that needs no other state, so it can repeat for the whole run).
        cases = (
            Case.objects.filter(state=State.INVESTIGATING)
            .annotate(team=Count("assignments", filter=Q(assignments__recused_on__isnull=True)))
            .filter(team__gte=2)
            .order_by("pk")[: writers * 5]
        )
        by_user: dict[int, dict[str, Any]] = {}
        for case in cases:
            team = list(case.assignments.filter(recused_on__isnull=True).select_related("officer__user"))
            officers = [row.officer.pk for row in team]
            for row in team:
                user = row.officer.user
                if user is None or not user.is_active or not user.has_role(Role.OFFICER):
                    continue
                entry = by_user.setdefault(user.pk, {"user": user, "cases": []})
                if len(entry["cases"]) < 5:
                    entry["cases"].append({"id": case.pk, "officers": officers})
                break
        chosen = list(by_user.values())[:writers]
        Agency.objects.filter(require_two_factor=True).update(require_two_factor=False)
        plan_writers = []
        for entry in chosen:
            _, secret = token_issue(actor=entry["user"], name="负载测试")
            plan_writers.append({**login(entry["user"]), "token": secret, "cases": entry["cases"]})
        plan_readers = [login(user) for user in _spread(Role.OFFICER, readers)]
        plan_approvers = [login(user) for user in _spread(Role.APPROVER, approvers)]
        plan_supervisors = [login(user) for user in _spread(Role.SUPERVISOR, supervisors)]
        # Decisions the portal shows today (a decision past its display period answers 410: not the mix's).
        published = list(visible(timezone.localdate()).order_by("-pk").values_list("pk", "party")[:50])
        numbers = list(Certificate.objects.order_by("-pk").values_list("number", flat=True)[:50])
        roots = [bytes(root).hex() for root in Checkpoint.objects.order_by("-pk").values_list("root", flat=True)[:5]]
    return {
        "on_date": on_date,
        "writers": plan_writers,
        "readers": plan_readers,
        "approvers": plan_approvers,
        "supervisors": plan_supervisors,
        "public": {
            "decisions": [pk for pk, _ in published],
            "queries": sorted({party[:1] for _, party in published if party})[:20] or ["林"],
            "certificates": numbers,
            "hashes": roots,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--readers", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhifa.settings")
    import django

    django.setup()
    plan = build(writers=args.writers, readers=args.readers)
    args.out.write_text(json.dumps(plan, ensure_ascii=False))
    print(
        f"plan: {len(plan['writers'])} writers, {len(plan['readers'])} readers, {len(plan['approvers'])} approvers, "
        f"{len(plan['supervisors'])} supervisors, {len(plan['public']['decisions'])} decisions"
    )


if __name__ == "__main__":
    main()
