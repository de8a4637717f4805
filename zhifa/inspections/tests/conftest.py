"""The inspections' test ground: the usual world, the bureau's inspection-item list and caps, a few businesses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.inspections import services
from zhifa.inspections.models import InspectionTarget
from zhifa.powers.choices import ListKind
from zhifa.powers.services import list_publish
from zhifa.testing.factories import TODAY, at, credit_code, make_user

BASIS = "《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）"


@dataclass
class Ground:
    world: Any
    head: User
    target: InspectionTarget
    other: InspectionTarget


def _item(code: str, body: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"检查事项{code}",
        "inspecting_body": body,
        "basis": "《中华人民共和国森林法》第六十六条",
        "subject": "木材经营加工企业",
        "methods": ["onsite"],
        "random_check": True,
        "ratio": "不低于5%",
        "frequency": "每年1次",
    }


def _cap(code: str, body: str, level: str, scope: str, cap: int) -> dict[str, Any]:
    return {
        "code": code,
        "domain": "forestry",
        "inspecting_body": body,
        "level": level,
        "scope": scope,
        "max_per_year": cap,
        "basis": BASIS,
    }


@pytest.fixture
def ground(world: Any, time_machine: Any) -> Any:
    time_machine.move_to(at(TODAY), tick=False)
    bureau = world.bureau
    start = TODAY - timedelta(days=300)
    for kind, items in (
        (ListKind.INSPECTIONS, [_item("JCX-001", bureau.name), _item("JCX-002", bureau.name)]),
        (
            ListKind.CAPS,
            [
                _cap("SX-001", bureau.name, "本级", "全部企业", 2),
                _cap("SX-002", bureau.name, "本级", "信用风险分类为A类的企业", 1),
            ],
        ),
    ):
        list_publish(
            actor=world.admin,
            agency=bureau,
            kind=kind,
            effective_from=start,
            source="测试管理局关于公布清单的通知（测发〔2026〕1号）",
            reason="首次公布",
            items=items,
        )
    head = make_user("head", bureau, Role.APPROVER)
    values = {"address": "某路1号", "domain": "forestry", "risk_grade": "B", "credit_grade": "B"}
    target = services.target_create(
        actor=world.officer_user,
        agency=world.branch,
        values={"name": "甲木材厂", "credit_code": credit_code(), **values},
    )
    other = services.target_create(
        actor=world.officer_user,
        agency=world.branch,
        values={"name": "乙木材厂", "credit_code": credit_code(), **values},
    )
    return Ground(world, head, target, other)
