"""The supervisor's warnings over business inspections (supervision/rules_inspections.py, issue 19 item 6): each rule
finds its seeded case and stays silent on the clean ones. The rows are made directly: the rules only read them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from zhifa.inspections.models import Inspection, InspectionPlan
from zhifa.supervision.warning_rules import RULES
from zhifa.testing.factories import TODAY


def _plan(ground: Any, agency: Any) -> InspectionPlan:
    return InspectionPlan.objects.create(
        agency=agency,
        year=TODAY.year,
        title="年度日常检查计划",
        domains=["forestry"],
        frequency="每年1次",
        starts_on=date(TODAY.year, 1, 1),
        ends_on=date(TODAY.year, 12, 31),
        state="draft",  # the rules read the inspections only
        created_by=ground.world.admin,
        created_by_name="管理员",
    )


def _inspection(ground: Any, target: Any, days_ago: int, *, agency: Any = None, plan: Any = None, **fields: Any) -> Any:
    values = {"source": "routine", "plan": plan} if plan is not None else {"source": "for_cause", "cause": "complaint"}
    return Inspection.objects.create(
        agency=agency or ground.world.branch,
        target=target,
        reason="核实",
        planned_on=TODAY - timedelta(days=days_ago),
        created_by=ground.world.admin,
        created_by_name="管理员",
        **values,
        **fields,
    )


def _details(code: str) -> list[str]:
    return [finding.detail for finding in RULES[code].find(TODAY)]


def test_repeated_visits_not_scanned_and_over_cap(ground: Any) -> None:
    world, target, other = ground.world, ground.target, ground.other
    branch_plan, sibling_plan = _plan(ground, world.branch), _plan(ground, world.sibling)
    _inspection(ground, target, 40, plan=branch_plan, off_site=True)
    _inspection(ground, target, 10, plan=branch_plan, off_site=True)  # the same body within 60 days
    _inspection(ground, target, 5, off_site=True)  # for cause: not counted as a repetition
    twin = type(other).objects.create(
        agency=world.sibling,
        name=other.name,
        credit_code=other.credit_code,
        address="某路1号",
        domain="forestry",
        risk_grade="B",
        credit_grade="B",
    )
    _inspection(ground, other, 101, plan=branch_plan, off_site=True)
    _inspection(ground, twin, 40, agency=world.sibling, plan=sibling_plan, off_site=True)  # 61 days apart: fine
    repeated = _details("inspection.repeated_visits")
    assert len(repeated) == 1
    assert "60 日内重复检查" in repeated[0]
    assert target.credit_code in repeated[0]

    _inspection(ground, twin, 20, agency=world.sibling, plan=sibling_plan, off_site=True)  # two bodies in 30 days
    _inspection(ground, other, 0, plan=branch_plan, off_site=True)
    assert any("不同部门 30 日内" in detail for detail in _details("inspection.repeated_visits"))

    assert _details("inspection.not_scanned") == []  # so far all off-site
    passed = _inspection(ground, target, 2)  # on site, its day past, no code
    _inspection(ground, target, 0)  # today: not yet late
    _inspection(ground, target, 3, state="cancelled")
    assert [f.key for f in RULES["inspection.not_scanned"].find(TODAY)] == [f"inspection:{passed.pk}:not_scanned"]

    assert _details("inspection.over_cap") == []
    flagged = _inspection(ground, other, 1, over_cap=True, cap_note="SX-001 本级 每年最多2次", off_site=True)
    found = list(RULES["inspection.over_cap"].find(TODAY))
    assert [f.key for f in found] == [f"inspection:{flagged.pk}:over_cap"]
    assert "SX-001" in found[0].detail
