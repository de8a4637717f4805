"""After the hearing: the party may challenge the chair (行政处罚法 第六十四条第四项), and the decision rests on the
hearing record and the chair's report, read by the head first (第六十五条)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhifa.cases import issuing
from zhifa.cases.tests.desk import Desk
from zhifa.cases.tests.test_issuing import text_of
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import give_certificate, make_officer

pytestmark = pytest.mark.django_db

REPORT = {
    "facts_found": "张某滥伐林木12株",
    "legal_basis": "森林法 第五十六条",
    "penalty_basis": "森林法 第七十六条",
    "penalty_kinds": ["fine"],
    "fine": Decimal(20000),
    "penalty_text": "罚款二万元",
    "discretion_reasons": "一般情节，按裁量基准中间档处罚",
}
HEARD = {
    "outcome": "held",
    "started_at": "14:30",
    "ended_at": "16:00",
    "statements": "主持人：现在开始听证。\n张某：家庭困难，请求从轻。",
}


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    desk("report", date(2026, 10, 14), **REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("request_hearing", date(2026, 10, 19))
    notice = {"hearing_time": "14:30", "place": "分局听证室", "chair": desk.chair}
    desk("notify_hearing", date(2026, 10, 19), hearing_on=date(2026, 10, 28), **notice)
    return desk


def test_the_party_challenges_the_chair_and_the_head_names_another(desk, world):
    desk("challenge_chair", date(2026, 10, 20), reason="主持人系当事人同村亲属")
    # Not twice at once, and no hearing while the head has not decided.
    assert "尚待" in str(desk.refused("challenge_chair", date(2026, 10, 20), reason="再次申请"))
    assert "第六十四条第四项" in str(desk.refused("hold_hearing", date(2026, 10, 28), **HEARD, evidence=[desk.video]))
    # Granted, the head names another chair: never the challenged one, nor an investigator.
    granted = {"granted": "yes", "reason": "确有亲属关系"}
    assert desk.refused("decide_chair_challenge", date(2026, 10, 21), **granted).field == "chair"
    refused = desk.refused("decide_chair_challenge", date(2026, 10, 21), **granted, chair=desk.chair)
    assert "被申请回避" in refused.message
    refused = desk.refused("decide_chair_challenge", date(2026, 10, 21), **granted, chair=world.officer)
    assert "非本案调查人员" in refused.message
    other = make_officer(world.admin, world.bureau, "己主持")
    give_certificate(world.admin, other, valid_from=date(2025, 12, 1))
    desk("decide_chair_challenge", date(2026, 10, 21), **granted, chair=other)
    assert "没有尚待决定" in str(desk.refused("decide_chair_challenge", date(2026, 10, 21), granted="no", reason="x"))

    desk("hold_hearing", date(2026, 10, 28), **HEARD, evidence=[desk.video])
    record = text_of(issuing.issue_document(desk.officer, desk.case, "hearing_record"))
    assert "己主持" in record  # the chair who held it
    assert "戊主持" not in record
    assert verify_ledger().ok


def test_a_refused_challenge_keeps_the_chair(desk):
    desk("challenge_chair", date(2026, 10, 20), reason="认为主持人偏袒")
    desk("decide_chair_challenge", date(2026, 10, 21), granted="no", reason="申请理由不成立")
    desk("hold_hearing", date(2026, 10, 28), **HEARD, evidence=[desk.video])
    assert "戊主持" in text_of(issuing.issue_document(desk.officer, desk.case, "hearing_record"))


def test_the_decision_after_a_hearing_waits_for_the_chairs_report_and_its_reading(desk):
    desk("hold_hearing", date(2026, 10, 28), **HEARD, evidence=[desk.video])
    desk("review_after_hearing", date(2026, 10, 29), opinion="同意")
    decision = {**REPORT, "fine": Decimal(15000), "penalty_text": "罚款一万五千元"}
    refused = desk.refused("decide", date(2026, 10, 29), **decision, hearing_report_read=True)
    assert refused.rule == "行政处罚法 第六十五条"
    # The report is signed by the chair: without its scan it is refused.
    report = {"findings": "当事人对事实无异议", "opinion": "建议从轻处罚"}
    assert desk.refused("report_hearing", date(2026, 10, 29), **report).field == "evidence"
    desk("report_hearing", date(2026, 10, 29), **report, evidence=[desk.scan])
    assert "已经提交" in str(desk.refused("report_hearing", date(2026, 10, 29), **report, evidence=[desk.scan]))
    record = desk.case.records.get(action="report_hearing")
    assert record.data["chair"]["name"] == "戊主持"
    assert record.data["opinion"] == "建议从轻处罚"
    assert desk.refused("decide", date(2026, 10, 29), **decision).field == "hearing_report_read"
    case = desk("decide", date(2026, 10, 29), **decision, hearing_report_read=True)
    assert case.fine == Decimal(15000)


def test_no_report_when_the_party_did_not_come(desk):
    desk("hold_hearing", date(2026, 10, 28), outcome="absent")
    refused = desk.refused("report_hearing", date(2026, 10, 29), findings="无", opinion="无", evidence=[desk.scan])
    assert "放弃听证" in refused.message
    # Nor does the decision wait for one.
    decision = {**REPORT, "fine": Decimal(15000), "penalty_text": "罚款一万五千元"}
    assert desk("decide", date(2026, 10, 29), **decision).state == "decided"
