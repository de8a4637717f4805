"""A case judged by the law of its date: the assistant's draft in the report, a departure with its reason, the
first-offence list checked against the party's past, and the decision refused when the law changed since the
proposal (laws/, cases/discretion.py)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from zhifa.cases import discretion, major
from zhifa.cases.tests.desk import Desk
from zhifa.laws.loader import load
from zhifa.laws.models import NoPenaltyItem, Violation
from zhifa.ledger.models import Entry
from zhifa.testing.factories import TODAY, at

LOGGING = "forestry-indiscriminate-logging"


def _facts(action: str) -> dict[str, Any]:
    entry = Entry.objects.filter(action=action).order_by("index").last()
    assert entry is not None
    facts: dict[str, Any] = json.loads(entry.facts.facts)
    return facts


@pytest.fixture
def desk(world: Any, evidence: Path, time_machine: Any) -> Desk:
    time_machine.move_to(at(TODAY))
    load()
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    return desk


def _open(desk: Desk, on: date, **filing: Any) -> None:
    desk("file", on, **filing)
    desk("assign", on, lead=desk.team[0], others=desk.team[1:], declared=desk.team)
    desk("add_evidence", on, officers=desk.team, kind="object", summary="伐桩照片", evidence=[desk.photo])


# 12 poplars worth 2,000 yuan: the ordinary tier is 3.7 to 4.3 times the value (森林法 第七十六条第二款).
REPORT = {
    "facts_found": "张某未申请采伐许可证，在二号林班滥伐杨树12株，林木价值2000元",
    "base": Decimal(2000),
    "penalty_kinds": ["fine"],
    "fine": Decimal(8000),
    "penalty_text": "罚款八千元，责令补种滥伐株数二倍的树木",
}


def test_the_report_is_drafted_from_the_violation_in_force_and_its_benchmark(desk: Desk) -> None:
    logging = Violation.objects.get(code=LOGGING)
    _open(desk, date(2026, 11, 3), violation=logging)
    assert desk.case is not None
    assert desk.case.violation == logging
    case = desk("report", date(2026, 11, 5), violation=logging, **REPORT)
    assert (case.tier, case.legal_basis, case.penalty_basis) == (
        "ordinary",
        "森林法 第五十六条第一款",
        "森林法 第七十六条第二款",
    )
    assert "适用“一般”档" in case.discretion_reasons
    assert "7,400至8,600元" in case.discretion_reasons
    assert case.violation_rule is not None
    assert case.violation_rule.effective_from == date(2020, 7, 1)
    facts = _facts("case.report")
    assert facts["violation"] == LOGGING
    assert facts["tier"] == "ordinary"
    assert "森林法 第七十六条第二款" in facts["citations"]


def test_a_fine_outside_the_tier_needs_a_reason_which_makes_the_case_major(desk: Desk, world: Any) -> None:
    logging = Violation.objects.get(code=LOGGING)
    _open(desk, date(2026, 11, 3))
    report = {**REPORT, "violation": logging, "fine": Decimal(9800)}
    refusal = desk.refused("report", date(2026, 11, 5), **report)
    assert refusal.field == "departure_reason"
    assert "罚款 9,800元 不在建议幅度 7,400至8,600元 内" in str(refusal)
    case = desk("report", date(2026, 11, 5), **report, departure_reason="滥伐发生在防火隔离带，危害较大")
    assert case.departure_reason == "滥伐发生在防火隔离带，危害较大"
    facts = _facts("case.report")
    assert facts["departure_reason"] == case.departure_reason
    assert not major.clauses(case, date(2026, 11, 5))
    major.add_version(
        world.admin,
        world.branch,
        {"effective_from": "2026-11-01", "source": "分局重大执法决定法制审核目录", "outside_benchmark": "on"},
    )
    assert [clause.text for clause in major.clauses(case, date(2026, 11, 5))] == ["不按裁量基准处罚或者减轻处罚"]


def _no_penalty_item() -> NoPenaltyItem:
    return NoPenaltyItem.objects.filter(violation__code=LOGGING, kind="first_offence").first()  # type: ignore[return-value]


def test_a_first_offence_goes_unpunished_and_a_second_within_two_years_does_not(desk: Desk) -> None:
    logging = Violation.objects.get(code=LOGGING)
    item = _no_penalty_item()
    assert item is not None
    _open(desk, date(2026, 11, 3), violation=logging)
    assert desk.case is not None
    assert item in discretion.no_penalty_items(desk.case)
    desk("report", date(2026, 11, 5), violation=logging, **REPORT)
    desk("submit_approval", date(2026, 11, 5))
    first = desk(
        "decide_no_penalty",
        date(2026, 11, 6),
        ground="first_offence",
        list_item=item,
        reason="初次违法，已补种",
        education="宣讲森林法",
    )
    facts = _facts("case.decide_no_penalty")
    assert facts["list_item"]["list"] == item.no_penalty_list.name
    desk("close", date(2026, 11, 9))

    # The same 张某 again, within two years: no longer a first offence.
    desk.case, desk.done = None, []
    desk.lead(date(2026, 11, 12), act_ended_on=date(2026, 11, 11))
    _open(desk, date(2026, 11, 13), violation=logging)
    assert desk.case is not None
    assert [prior.case for prior in discretion.prior_violations(desk.case)] == [first]
    desk("report", date(2026, 11, 16), violation=logging, **REPORT)
    desk("submit_approval", date(2026, 11, 16))
    refusal = desk.refused(
        "decide_no_penalty",
        date(2026, 11, 17),
        ground="first_offence",
        list_item=item,
        reason="初次违法",
        education="宣讲森林法",
    )
    assert "不属于初次违法" in str(refusal)
    assert refusal.rule == "行政处罚法 第三十三条第一款"


def test_the_report_page_drafts_the_reasoning_without_recording_anything(desk: Desk, client: Any) -> None:
    logging = Violation.objects.get(code=LOGGING)
    _open(desk, date(2026, 11, 3), violation=logging)
    assert desk.case is not None
    client.force_login(desk.officer)
    url = reverse("case_action", args=[desk.case.pk, "report"])
    page = client.get(url).content.decode()
    assert "裁量建议" in page
    assert "裁量试算" in page
    before = Entry.objects.count()
    light = next(key for key, label in discretion.choices_for(desk.case, logging, TODAY) if key.startswith("lighter:"))
    answer = client.post(
        url,
        {"preview": "1", "on_date": "2026-11-05", "violation": logging.pk, "circumstances": [light], "base": "2000"},
    )
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "从轻" in text
    assert "6,000至7,400元" in text  # 3 to 3.7 times 2,000
    assert "森林法 第七十六条第二款" in text
    assert Entry.objects.count() == before


TEST_DATA = Path(__file__).resolve().parents[2] / "laws" / "tests" / "data"


def _ecology_desk(world: Any, evidence: Path, code: str, time_machine: Any) -> tuple[Desk, Violation]:
    """A pollution case of the test data's `code`, done on 2026-08-01 and filed on 2026-08-04, before the code."""
    time_machine.move_to(at(TODAY))
    load(TEST_DATA)
    violation = Violation.objects.get(code=code)
    world.branch.domains = ["forestry", "ecology"]
    world.branch.save()
    desk = Desk(world, evidence)
    desk.lead(date(2026, 8, 3), act_ended_on=date(2026, 8, 1), domain="ecology", title="测试违法行为")
    _open(desk, date(2026, 8, 4), violation=violation)
    return desk, violation


def test_a_lighter_law_in_force_before_the_decision_sends_the_proposal_back(
    world: Any, evidence: Path, time_machine: Any
) -> None:
    # The test data's violation whose fine the 生态环境法典 lowers from 2026-08-15 (10,000–100,000 → 5,000–50,000).
    desk, lighter = _ecology_desk(world, evidence, "ecology-made-lighter", time_machine)
    report = {**REPORT, "base": None, "fine": Decimal(50000), "penalty_text": "罚款五万元"}
    case = desk("report", date(2026, 8, 5), violation=lighter, **report)
    assert case.violation_rule is not None
    assert case.violation_rule.fine_max == 100000  # the old law, the only one then
    desk("submit_approval", date(2026, 8, 5))
    desk("approve", date(2026, 8, 6))
    desk("notify", date(2026, 8, 7), rights_stated=True)
    decision = {"penalty_kinds": ["fine"], "fine": Decimal(50000), "penalty_text": "罚款五万元"}
    decision["discretion_reasons"] = case.discretion_reasons
    refusal = desk.refused("decide", date(2026, 8, 20), **decision)
    assert "作出决定时适用的规定已变化" in refusal.message
    assert "新的规定处罚较轻" in refusal.message
    assert refusal.rule == "行政处罚法 第三十七条"
    revised = {**report, "fine": Decimal(20000), "penalty_text": "罚款二万元", "legal_basis": "水污染防治法 第九十条"}
    case = desk("revise_proposal", date(2026, 8, 20), violation=lighter, reason="法典施行，适用较轻的新规定", **revised)
    assert case.violation_rule is not None
    assert case.violation_rule.fine_max == 50000
    # The revised proposal cites the rule now applied, whatever the form still held, and its reasoning says why.
    assert (case.legal_basis, case.penalty_basis) == ("生态环境法典 第一千一百九十条", "生态环境法典 第一千一百九十条")
    assert "新的规定处罚较轻" in case.discretion_reasons


def test_an_act_no_longer_an_offence_is_never_penalised(world: Any, evidence: Path, time_machine: Any) -> None:
    desk, repealed = _ecology_desk(world, evidence, "ecology-repealed", time_machine)
    warning = {"facts_found": "测试", "penalty_kinds": ["warning"], "penalty_text": "警告"}
    desk("report", date(2026, 8, 5), violation=repealed, **warning)
    desk("submit_approval", date(2026, 8, 5))
    desk("approve", date(2026, 8, 6))
    desk("notify", date(2026, 8, 7), rights_stated=True)
    assert desk.case is not None
    decision = {**warning, "discretion_reasons": desk.case.discretion_reasons}
    refusal = desk.refused("decide", date(2026, 8, 20), **decision)
    assert "不再认为该行为违法" in refusal.message
    assert "只能决定不予行政处罚" in refusal.message
    refusal = desk.refused("revise_proposal", date(2026, 8, 20), violation=repealed, reason="法律修改", **warning)
    assert refusal.field == "penalty_kinds"
    assert refusal.rule == "行政处罚法 第三十七条"


def test_the_law_bounds_the_fine_whatever_reason_is_given(desk: Desk) -> None:
    logging = Violation.objects.get(code=LOGGING)
    _open(desk, date(2026, 11, 3), violation=logging)
    # A fine set as a multiple needs its base: 3 to 5 times the value of the trees.
    refusal = desk.refused("report", date(2026, 11, 5), **{**REPORT, "violation": logging, "base": None})
    assert refusal.field == "base"
    # Above the legal ceiling (5 × 2,000), no reason lets it through; nor a kind the law does not provide.
    over = {**REPORT, "violation": logging, "fine": Decimal(12000), "departure_reason": "情节恶劣"}
    assert "超过森林法 第七十六条第二款规定的上限10,000元" in str(desk.refused("report", date(2026, 11, 5), **over))
    closing = {**REPORT, "violation": logging, "penalty_kinds": ["fine", "close"], "departure_reason": "情节恶劣"}
    assert desk.refused("report", date(2026, 11, 5), **closing).field == "penalty_kinds"
    # Below the floor only with a circumstance of 第三十二条 (减轻), and then with the reason for leaving the tier.
    under = {**REPORT, "violation": logging, "fine": Decimal(4000), "departure_reason": "家庭困难"}
    assert "低于法定下限6,000元" in str(desk.refused("report", date(2026, 11, 5), **under))
    case = desk("report", date(2026, 11, 5), **under, circumstances=["confessed"])
    assert case.fine == Decimal(4000)


def test_the_decision_is_checked_against_the_tier_like_the_proposal(desk: Desk) -> None:
    logging = Violation.objects.get(code=LOGGING)
    _open(desk, date(2026, 11, 3), violation=logging)
    case = desk("report", date(2026, 11, 5), violation=logging, **REPORT)
    desk("submit_approval", date(2026, 11, 5))
    desk("approve", date(2026, 11, 6))
    desk("notify", date(2026, 11, 6), rights_stated=True)
    decision = {"penalty_kinds": ["fine"], "fine": Decimal(6000), "penalty_text": "罚款六千元"}
    decision["discretion_reasons"] = case.discretion_reasons
    refusal = desk.refused("decide", date(2026, 11, 16), **decision)
    assert refusal.field == "departure_reason"
    case = desk("decide", date(2026, 11, 16), **decision, departure_reason="当事人陈述申辩中补种完毕，酌情降低")
    assert case.departure_reason == "当事人陈述申辩中补种完毕，酌情降低"
    assert _facts("case.decide")["departure_reason"] == case.departure_reason


def test_a_first_offence_needs_the_violation(desk: Desk) -> None:
    desk.investigate(date(2026, 11, 3))
    basis = {
        "legal_basis": "森林法",
        "penalty_basis": "森林法",
        "discretion_reasons": "情节一般，按裁量基准中间档次处罚",
    }
    desk("report", date(2026, 11, 5), **basis, **REPORT)
    desk("submit_approval", date(2026, 11, 5))
    refusal = desk.refused(
        "decide_no_penalty", date(2026, 11, 6), ground="first_offence", reason="初次违法", education="宣讲"
    )
    assert "须先确定违法行为" in refusal.message


def test_the_api_proposes_without_recording_and_refuses_what_the_benchmark_does_not_offer(
    desk: Desk, world: Any
) -> None:
    from zhifa.api.tests.test_api import Caller

    logging = Violation.objects.get(code=LOGGING)
    _open(desk, date(2026, 11, 3), violation=logging)
    assert desk.case is not None
    officer = Caller(world.officer_user)
    path = f"/cases/{desk.case.pk}/proposal"
    before = Entry.objects.count()
    answer = officer.post(
        path, {"violation": LOGGING, "circumstances": ["heavier:0"], "base": "2000", "on_date": "2026-11-05"}
    )
    assert answer["tier"] == "heavier"
    assert answer["penalty_basis"] == "森林法 第七十六条第二款"
    assert (answer["fine_min"], answer["fine_max"]) == ("8600.00", "10000.00")  # 4.3 to 5 times 2,000
    assert "适用“从重”档" in answer["paragraph"]
    assert any(item["key"] == "heavier:0" for item in answer["circumstances"])
    assert Entry.objects.count() == before
    refused = officer.post(path, {"violation": LOGGING, "circumstances": ["heavier:99"]}, status=422)
    assert (refused["field"], "裁量情节" in refused["message"]) == ("circumstances", True)
    outsider = Caller(world.outsider)
    assert (
        outsider.client.post(f"/api/v1{path}", {"violation": LOGGING}, content_type="application/json").status_code
        == 404
    )


def test_an_on_the_spot_decision_cites_the_rule_and_keeps_within_the_law(world: Any, evidence: Path, time_machine: Any):
    from zhifa.cases.tests.desk import ON_THE_SPOT

    time_machine.move_to(at(TODAY))
    load()
    marker = Violation.objects.get(code="reserve-boundary-marker")  # 2026: 罚款 up to 20,000, no warning
    desk = Desk(world, evidence)
    spot = {**ON_THE_SPOT, "officers": desk.team, "violation": marker, "legal_basis": ""}
    warned = {**spot, "penalty_kinds": ["warning"], "fine": None}
    assert desk.refused("decide_on_the_spot", date(2026, 11, 20), **warned).field == "penalty_kinds"
    case = desk("decide_on_the_spot", date(2026, 11, 20), **spot)
    assert case.violation_rule is not None
    assert case.violation_rule.effective_from == date(2026, 3, 15)
    assert case.penalty_basis.startswith("自然保护区条例 第")
    assert _facts("case.decide_on_the_spot")["violation"] == "reserve-boundary-marker"
