"""The published inputs of a double-random draw (双随机), built from the directory, the caps and the inspector pool.

The document is zhifa_draw's format `zhifa-draw/1` (docs/inspections-draw.md §1); this module only reads the
database, in a fixed number of queries whatever the directory's size, and names the rows with opaque ids:
`P<plan>`, `A<agency>`, `T<target>`, `O<officer>` — so the published file holds credit codes and grades, never a
person's name nor the facts of a relation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency
from zhifa.inspections.choices import COUNTED_STATES, SeedKind
from zhifa.inspections.models import Inspection, InspectionPlan, InspectionTarget, InspectorRelation
from zhifa.inspections.selectors import cap_states, inspector_pool

# SeedKind (stored) ↔ zhifa_draw's `seed.source` (published).
SOURCES: dict[str, str] = {
    SeedKind.CHECKPOINT: "ledger_checkpoint",
    SeedKind.BEACON: "drand",
    SeedKind.WITNESSES: "witnesses",
}
KINDS: dict[str, str] = {source: kind for kind, source in SOURCES.items()}
MAX_CAP = 1000  # zhifa_draw's bound on a plan's cap


def plan_id(plan: InspectionPlan) -> str:
    return f"P{plan.pk}"


def agency_id(agency: Agency | int) -> str:
    return f"A{agency if isinstance(agency, int) else agency.pk}"


def pk_of(published: str) -> int:
    """The primary key behind a published id ("T123" → 123)."""
    return int(published[1:])


@dataclass(frozen=True)
class Built:
    inputs: dict[str, Any]
    targets: int
    inspectors: int


def _quota(plan: InspectionPlan) -> dict[str, dict[str, int]]:
    grades = plan.risk_grades or ["A", "B", "C", "D"]
    quota = {grade: {"basis_points": int(plan.ratios[grade]) * 100} for grade in grades if grade in plan.ratios}
    if not quota:
        raise Refusal(f"检查计划“{plan.title}”未设定各风险等级的抽查比例，不能抽取", field="plans")
    return quota


def build(plans: Sequence[InspectionPlan], number: int, announcement: dict[str, Any], team: int) -> Built:
    """The inputs document of a draw of `plans` (the first is the lead), with the seed `announcement`.

    Targets: the active businesses of each plan's agency and those below it, in the plan's domains (and credit
    grades, when it names them), once per credit code. Their count per body is the room left under the cap in
    force for the plan's agency on the plan's first day (`selectors.cap_states`), written as the plan's cap less
    that room, so that zhifa_draw's rule "counted ≥ cap: not eligible" is exactly `CapState.full`.
    Inspectors: each agency's inspector pool on its plan's first day. Avoid: recorded relations and the officers
    of the business's last inspection."""
    lead = plans[0]
    directory: dict[str, InspectionTarget] = {}
    domains_of: dict[str, set[str]] = {}
    for plan in plans:
        rows = InspectionTarget.objects.filter(
            active=True, agency__path__startswith=plan.agency.path, domain__in=plan.domains
        )
        if plan.credit_grades:
            rows = rows.filter(credit_grade__in=plan.credit_grades)
        for target in rows.select_related("agency").order_by("agency__path", "pk"):
            directory.setdefault(target.credit_code, target)
            domains_of.setdefault(target.credit_code, set()).add(target.domain)
    targets = list(directory.values())
    agencies: dict[int, Agency] = {}
    first_day: dict[int, Any] = {}
    for plan in plans:
        agencies[plan.agency_id] = plan.agency
        first_day[plan.agency_id] = min(first_day.get(plan.agency_id, plan.starts_on), plan.starts_on)

    counted: dict[str, dict[str, int]] = {code: {} for code in directory}
    caps: dict[int, int] = {}
    for pk, agency in agencies.items():
        states = cap_states(targets, agency, lead.year, today=first_day[pk])
        limits = [state.limit for state in states.values() if state.limit is not None]
        cap = max(limits, default=1)
        if cap > MAX_CAP:
            raise Refusal(f"频次上限每年{cap}次超出抽取程序的范围（{MAX_CAP}次）", field="plans")
        caps[pk] = cap
        for code, state in states.items():
            if state.limit is not None:
                room = max(0, state.limit - state.count)
                counted[code][agency_id(pk)] = cap - room

    pool_rows: list[list[Any]] = []
    seen: set[int] = set()
    for pk, agency in agencies.items():
        for member in inspector_pool(agency, first_day[pk]):
            if member.officer.pk in seen or not member.domains:
                continue
            seen.add(member.officer.pk)
            pool_rows.append([f"O{member.officer.pk}", agency_id(pk), list(member.domains)])

    target_of = {code: f"T{target.pk}" for code, target in directory.items()}
    avoid: set[tuple[str, str, str]] = set()
    for officer, code in InspectorRelation.objects.filter(officer__in=seen).values_list(
        "officer_id", "target__credit_code"
    ):
        if code in target_of:
            avoid.add((f"O{officer}", target_of[code], "relation"))
    # The last inspection of each business (by any of the plans' agencies or those below them): its officers are
    # not sent again (轮换, 海南条例 第十八条).
    within = Q()
    for agency in agencies.values():
        within |= Q(agency__path__startswith=agency.path)
    last: dict[str, int] = {}
    for pk, code in (
        Inspection.objects.filter(within, state__in=COUNTED_STATES)
        .order_by("planned_on", "pk")
        .values_list("pk", "target__credit_code")
    ):
        if code in target_of:
            last[code] = pk
    through = Inspection.officers.through
    code_of_inspection = {pk: code for code, pk in last.items()}
    for inspection, officer in through.objects.filter(inspection_id__in=list(last.values())).values_list(
        "inspection_id", "officer_id"
    ):
        if officer in seen:
            avoid.add((f"O{officer}", target_of[code_of_inspection[inspection]], "last_inspection"))

    inputs = {
        "format": "zhifa-draw/1",
        "draw": {"id": f"P{lead.pk}-{number}", "year": lead.year, "title": lead.title[:200]},
        "plans": [
            {
                "id": plan_id(plan),
                "agency": agency_id(plan.agency_id),
                "title": plan.title[:200],
                "domains": list(plan.domains),
                "items": sorted(item.code for item in plan.items.all()),
                "stratify_by": "risk",
                "quota": _quota(plan),
                "inspectors_per_target": team,
                "cap": caps[plan.agency_id],
            }
            for plan in plans
        ],
        "targets": [
            [
                target_of[code],
                code,
                target.credit_grade,
                target.risk_grade,
                sorted(domains_of[code]),
                "",
                counted[code],
                True,
            ]
            for code, target in directory.items()
        ],
        "inspectors": pool_rows,
        "avoid": [list(row) for row in sorted(avoid)],
        "seed": announcement,
    }
    return Built(inputs, len(targets), len(pool_rows))
