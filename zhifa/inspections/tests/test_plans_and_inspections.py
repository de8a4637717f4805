"""Plans and inspections: only listed items (清单之外无检查), two certified officers, the cap refusing a routine
inspection and flagging a for-cause one, the business page showing its count against the cap."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from zhifa.core.errors import Refusal
from zhifa.inspections import services
from zhifa.inspections.choices import Cause, PlanKind, Source
from zhifa.inspections.models import InspectionPlan
from zhifa.testing.factories import TODAY


def _plan(ground: Any, codes: list[str]) -> InspectionPlan:
    return services.plan_create(
        actor=ground.world.officer_user,
        agency=ground.world.branch,
        kind=PlanKind.ROUTINE,
        title="2026年度木材经营加工企业双随机抽查计划",
        year=TODAY.year,
        domains=["forestry"],
        item_codes=codes,
        frequency="每年1次",
        starts_on=TODAY + timedelta(days=1),
        ends_on=date(TODAY.year, 12, 31),
        ratios={"A": 3, "B": 5},
    )


def test_a_plan_with_an_unlisted_item_is_refused_naming_the_rule(ground: Any) -> None:
    with pytest.raises(Refusal) as refused:
        _plan(ground, ["JCX-001", "JCX-999"])
    assert "JCX-999 不在" in refused.value.message
    assert refused.value.rule.startswith("清单之外无检查")


def test_routine_inspections_stop_at_the_cap_and_a_for_cause_one_passes_flagged(ground: Any) -> None:
    world = ground.world
    plan = _plan(ground, ["JCX-001", "JCX-002"])
    with pytest.raises(Refusal, match="检查计划须经机关负责人批准"):
        services.plan_publish(actor=world.officer_user, plan=plan)
    services.plan_approve(actor=ground.head, plan=plan)
    plan = services.plan_publish(actor=world.officer_user, plan=plan)
    officers = [world.officer, world.colleague]
    common = {"actor": world.officer_user, "agency": world.branch, "target": ground.target, "item_codes": ["JCX-001"]}
    with pytest.raises(Refusal, match="两名以上"):
        services.inspection_create(
            **common,
            source=Source.FOR_CAUSE,
            cause=Cause.COMPLAINT,
            reason="群众举报",
            officers=[world.officer, world.auxiliary],
            planned_on=TODAY,
        )
    for days in (10, 20):
        services.inspection_create(
            **common,
            source=Source.ROUTINE,
            plan=plan,
            reason="年度抽查",
            officers=officers,
            planned_on=TODAY + timedelta(days=days),
        )
    with pytest.raises(Refusal) as refused:
        services.inspection_create(
            **common,
            source=Source.ROUTINE,
            plan=plan,
            reason="年度抽查",
            officers=officers,
            planned_on=TODAY + timedelta(days=30),
        )
    assert "已达频次上限 SX-001" in refused.value.message
    assert "测发〔2026〕1号" in refused.value.message
    flagged = services.inspection_create(
        **common,
        source=Source.FOR_CAUSE,
        cause=Cause.COMPLAINT,
        reason="群众举报非法收购木材",
        officers=officers,
        planned_on=TODAY,
    )
    assert flagged.over_cap

    client = Client()
    client.force_login(world.officer_user)
    page = client.get(f"/inspections/targets/{ground.target.pk}/").content.decode()
    assert '<td data-label="计入上限的检查" class="cap-count">2 / 2' in page
    assert "合计超过上限" in page
    assert client.get(f"/inspections/{flagged.pk}/").status_code == 200
