"""The party waives a right only by a written, signed statement kept as a file, recorded by the case team; a
waiver lifts only the period of the right waived (行政处罚法 第四十五条、第六十二条、第六十四条)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhifa.cases.tests.desk import Desk
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db

REPORT = {
    "facts_found": "张某滥伐林木20株",
    "legal_basis": "森林法 第七十六条",
    "penalty_basis": "森林法 第七十六条",
    "penalty_kinds": ["fine"],
    "fine": Decimal(10000),  # a large fine: the party may also ask for a hearing
    "penalty_text": "罚款一万元",
    "discretion_reasons": "按裁量基准一般情节处罚",
}


@pytest.fixture
def notified(world, evidence, time_machine):
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 4), **REPORT)
    desk("submit_approval", date(2026, 11, 4))
    desk("approve", date(2026, 11, 5))
    case = desk("notify", date(2026, 11, 6), rights_stated=True)
    assert case.hearing_right
    return desk


def test_a_waiver_without_the_partys_signed_statement_is_refused(notified):
    refusal = notified.refused("record_statement", date(2026, 11, 9), waived_statement=True, waived_hearing=True)
    assert refusal.field == "evidence"
    assert "签名的书面声明" in refusal.message
    assert "第四十五条" in refusal.rule


def test_a_waiver_lifts_only_the_period_of_the_right_waived(notified):
    notified("record_statement", date(2026, 11, 9), waived_statement=True, evidence=[notified.scan])
    # The statement is waived, the hearing is not: the decision waits for the hearing request period.
    refusal = notified.refused("decide", date(2026, 11, 10), **REPORT)
    assert "当事人要求听证期限至" in refusal.message
    notified("record_statement", date(2026, 11, 10), waived_hearing=True, evidence=[notified.scan])
    notified("decide", date(2026, 11, 10), **REPORT)


def test_after_the_defence_a_lighter_kind_may_replace_the_proposed_one_never_a_heavier(notified):
    notified(
        "record_statement", date(2026, 11, 9), waived_statement=True, waived_hearing=True, evidence=[notified.scan]
    )
    heavier = {**REPORT, "penalty_kinds": ["fine", "suspend_licence"], "penalty_text": "罚款并暂扣许可证"}
    refusal = notified.refused("decide", date(2026, 11, 10), **heavier)
    assert refusal.field == "penalty_kinds"
    assert "第四十五条" in refusal.rule
    same_group = {**REPORT, "penalty_kinds": ["fine", "confiscate_gains"], "penalty_text": "罚款并没收违法所得"}
    assert notified.refused("decide", date(2026, 11, 10), **same_group).field == "penalty_kinds"
    # The defence is accepted in part: a warning instead of the fine (art. 45 forbids only heavier).
    lighter = {"penalty_kinds": ["warning"], "penalty_text": "警告", "discretion_reasons": "采纳申辩意见，从轻处罚"}
    case = notified("decide", date(2026, 11, 10), **lighter)
    assert case.penalty_kinds == ["warning"]


def test_the_defence_is_answered_in_writing_before_the_decision_and_the_decision_says_so(notified):
    from zhifa.cases import issuing
    from zhifa.cases.tests.test_issuing import text_of

    notified(
        "record_statement",
        date(2026, 11, 9),
        content="当事人称所伐林木系自家房前零星树木",
        waived_hearing=True,
        evidence=[notified.scan],
    )
    refusal = notified.refused("decide", date(2026, 11, 16), **REPORT)
    assert (refusal.field, refusal.rule) == ("defence_answer", "行政处罚法 第四十五条第一款")
    answered = {**REPORT, "defence_answer": "not_adopted"}
    assert notified.refused("decide", date(2026, 11, 16), **answered).field == "defence_reasons"
    reasons = "经现场勘验，伐桩位于林地范围内，不属于零星树木"
    case = notified("decide", date(2026, 11, 16), **answered, defence_reasons=reasons)
    decision = issuing.issue_document(notified.approver, case, "penalty_decision")
    assert f"本机关经复核认为，其提出的事实、理由和证据不成立，不予采纳：{reasons}" in text_of(decision)


def test_after_the_notice_the_defence_accepted_ends_in_no_penalty(notified):
    notified(
        "record_statement",
        date(2026, 11, 9),
        content="当事人提交了林木采伐许可证，采伐系经批准",
        adopted=True,
        evidence=[notified.scan],
    )
    # No waiting for the periods: a decision in the party's favour (行政处罚法 第五十七条第一款第三项).
    case = notified(
        "decide_no_penalty", date(2026, 11, 10), ground="facts_unclear", reason="当事人持有采伐许可证，违法事实不能成立"
    )
    assert case.state == "no_penalty"
    running = {d.period for d in case.deadlines.all() if d.stopped_on is None}
    assert not running & {"statement", "hearing_request", "decision"}


def test_after_the_notice_a_case_can_still_be_ended(notified):
    case = notified("terminate", date(2026, 11, 9), reason="当事人死亡")
    assert case.state == "terminated"
