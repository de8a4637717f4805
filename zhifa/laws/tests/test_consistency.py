"""同案不同罚: the spread of fines per violation and tier over the decided cases a supervisor may see; a case outside
its tier's range and a case far from its peers (Tukey's fences) flagged; no totals of fines and no ranking anywhere
(国办发〔2022〕27号); the page (a table without JavaScript, a box plot with it) and /api/v1/laws/consistency."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from zhifa.api.tests.test_api import Caller
from zhifa.cases.choices import LeadSource
from zhifa.cases.models import Case, CaseOfficer
from zhifa.cases.workflow import State
from zhifa.core.choices import Domain
from zhifa.laws.consistency import Summary, as_data, consistency_for, summarise
from zhifa.laws.loader import load
from zhifa.laws.models import Violation, ViolationRule
from zhifa.testing.factories import TODAY, at

DATA = Path(__file__).parent / "data"
START, END = date(2026, 1, 1), TODAY
OLD_LAW = date(2018, 1, 1)  # the rule whose shipped tiers are 从轻 100,000–400,000, 一般 400,000–700,000


def decided(world: Any, title: str, fine: int, officer: Any, *, tier: str = "ordinary", agency: Any = None) -> Case:
    """A case decided in June 2026 under the old water law, made directly (the analytics only read)."""
    violation = Violation.objects.get(code="ecology-water-excess-discharge")
    case = Case.objects.create(
        agency=agency or world.branch,
        domain=Domain.ECOLOGY,
        state=State.CLOSED,
        title=title,
        lead_source=LeadSource.INSPECTION,
        lead_summary="监测发现",
        received_on=date(2026, 5, 1),
        violation=violation,
        violation_rule=ViolationRule.objects.get(violation=violation, effective_from=OLD_LAW),
        tier=tier,
        penalty_kinds=["fine"],
        fine=Decimal(fine),
        decided_on=date(2026, 6, 15),
        created_by=world.admin,
    )
    CaseOfficer.objects.create(case=case, officer=officer, is_lead=True, declared_no_conflict_on=date(2026, 5, 2))
    return case


@pytest.fixture
def cases(world, time_machine):
    """Seven like cases in the 一般 tier: 甲 (branch) low, 乙 (branch) high with one far above the rest, 丙 (sibling)
    between — so that neither the officers' names nor the agencies' tree order follows the fines. One 从轻 case fined
    above its tier's ceiling. One case still in investigation, which does not count."""
    time_machine.move_to(at(TODAY))
    load(DATA)
    jia, yi, bing = world.officer, world.colleague, world.sibling_officer
    for number, fine in enumerate((500000, 505000, 510000)):
        decided(world, f"甲案{number}", fine, jia)
    decided(world, "乙案0", 520000, yi)
    decided(world, "偏离同类的案件", 690000, yi)
    for number, fine in enumerate((515000, 525000)):
        decided(world, f"丙案{number}", fine, bing, agency=world.sibling)
    decided(world, "超出档次的案件", 450000, jia, tier="lighter")
    pending = decided(world, "调查中的案件", 900000, jia)
    Case.objects.filter(pk=pending.pk).update(state=State.INVESTIGATING)
    return world


def test_quartiles_interpolate_and_fences_need_five_peers() -> None:
    four = summarise([Decimal(n) for n in (1, 2, 3, 4)])
    assert (four.q1, four.median, four.q3) == (Decimal("1.75"), Decimal("2.50"), Decimal("3.25"))
    assert four.low_fence is None
    assert not four.far(Decimal(100))
    five = summarise([Decimal(n) for n in (10, 11, 12, 13, 40)])
    assert isinstance(five, Summary)
    assert (five.q1, five.q3, five.high_fence) == (Decimal(11), Decimal(13), Decimal(16))
    assert five.far(Decimal(40))


def test_a_case_outside_its_tier_and_a_case_far_from_its_peers_are_flagged(cases):
    result = consistency_for(cases.supervisor, START, END, TODAY)
    by_tier = {group.tier: group for group in result.groups}
    ordinary_group, lighter_group = by_tier["ordinary"], by_tier["lighter"]
    assert ordinary_group.summary.count == 7  # the case in investigation is left out
    assert (ordinary_group.summary.minimum, ordinary_group.summary.median) == (Decimal(500000), Decimal(515000))
    assert (ordinary_group.summary.q1, ordinary_group.summary.q3) == (Decimal("507500.00"), Decimal("522500.00"))
    [far] = ordinary_group.flagged
    assert far.title == "偏离同类的案件"
    assert far.far
    assert not far.outside_tier  # 690,000 is inside 一般 400,000–700,000, but far from its like cases
    [outside] = lighter_group.flagged
    assert outside.title == "超出档次的案件"
    assert outside.outside_tier
    assert (outside.tier_low, outside.tier_high) == (Decimal(100000), Decimal(400000))
    assert outside.reasons == ["超出“从轻”档幅度 100,000至400,000元"]


def test_a_fine_set_as_a_multiple_is_checked_against_the_tier_times_the_base(world, time_machine):
    # 滥伐林木 (test data): 一般 is 3.6 to 4.3 times the value of the trees; the report found a value of 2,000 yuan.
    time_machine.move_to(at(TODAY))
    load(DATA)
    logging = Violation.objects.get(code="forestry-indiscriminate-logging")
    for title, fine in (("档内", 8000), ("档外", 9000)):
        case = decided(world, title, fine, world.officer)
        Case.objects.filter(pk=case.pk).update(
            violation=logging, violation_rule=logging.rules.get(), domain=Domain.FORESTRY, fine_base=Decimal(2000)
        )
    [group] = consistency_for(world.supervisor, START, END, TODAY).groups
    [outside] = group.flagged
    assert outside.title == "档外"
    assert (outside.tier_low, outside.tier_high) == (Decimal("7200.00"), Decimal("8600.00"))


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def test_no_totals_and_no_ranking_anywhere(cases):
    data = as_data(consistency_for(cases.supervisor, START, END, TODAY))
    keys = _keys(data)
    assert not [key for key in keys if any(word in key for word in ("total", "sum", "rank", "amount"))]
    group = next(g for g in data["groups"] if g["tier"] == "ordinary")
    # Officers by name (丙 < 乙 < 甲 in the code order of the characters), agencies by the tree: not by fine.
    assert [o["officer"] for o in group["officers"]] == ["丙执法", "乙执法", "甲执法"]
    medians = [Decimal(o["spread"]["median"]) for o in group["officers"]]
    assert medians not in (sorted(medians), sorted(medians, reverse=True))
    assert [a["agency"] for a in group["agencies"]] == ["测试管理局甲分局", "测试管理局乙分局"]
    every_fine = sum((500000, 505000, 510000, 520000, 690000, 515000, 525000, 450000))
    shown = page(cases.supervisor)
    for total in (every_fine, every_fine - 450000):
        assert f"{total:,}" not in shown
        assert str(total) not in json.dumps(data, default=str)
    assert "不统计罚没款合计，不按罚款数额对机关或人员排名" in shown


def page(user: Any, query: str = f"?start={START}&end={END}") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/laws/consistency/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_numbers_as_tables_and_the_method(cases):
    shown = page(cases.supervisor)
    assert "Tukey" in shown
    assert "<td>515,000</td>" in shown  # the median, readable without JavaScript
    assert "偏离同类的案件" in shown
    assert "超出“从轻”档幅度 100,000至400,000元" in shown
    assert "zhifa/vendor/echarts.min.js" in shown
    assert 'type="application/json"' in shown


def test_who_may_see_it(cases):
    officer = Client()
    officer.force_login(cases.officer_user)
    assert officer.get("/laws/consistency/").status_code == 404
    # A supervisor of another tree sees none of these cases.
    assert consistency_for(cases.outsider, START, END, TODAY).groups == []


def test_the_api_answers_supervisors_bounds_the_period_and_refuses_others(cases):
    supervisor = Caller(cases.supervisor)
    answer = supervisor.get(f"/laws/consistency?start={START}&end={END}")
    assert answer.status_code == 200
    groups = answer.json()["groups"]
    assert {g["tier"] for g in groups} == {"ordinary", "lighter"}
    assert supervisor.get("/laws/consistency?start=2010-01-01&end=2026-11-01").status_code == 422
    assert supervisor.get("/laws/consistency?start=2026-01-01&end=2027-01-01").status_code == 422
    assert Caller(cases.officer_user).get("/laws/consistency").status_code == 403
    assert Client().get("/api/v1/laws/consistency").status_code == 401
