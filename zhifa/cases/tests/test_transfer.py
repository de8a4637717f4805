"""Sending a case on (移送): to the agency with jurisdiction, or to the judicial organs when the facts meet a
criminal threshold (行政处罚法 第二十七条、第五十七条第一款第四项; 行政执法机关移送涉嫌犯罪案件的规定), and
what happens when the public-security organ answers; ending a case from every state before its decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhifa.cases import issuing
from zhifa.cases.models import Case
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.cases.tests.test_issuing import text_of
from zhifa.cases.workflow import ACTIONS
from zhifa.core.errors import Refusal
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db

LARGE_REPORT = {**SMALL_FINE_REPORT, "fine": Decimal(10000), "penalty_text": "罚款一万元"}  # opens a hearing
REPORT = {
    "suspected_crime": "滥伐林木罪",
    "report": "经查，张某滥伐林木立木蓄积二十五立方米，达到滥伐林木罪的立案追诉标准",
    "items": "油锯一台\n原木十二根",
}
TRANSFER = {"receiver": "大青山市公安局森林警察支队", "procuratorate": "大青山市人民检察院"}


@pytest.fixture
def desk(world, evidence, time_machine):
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    return desk


def periods(case: Case) -> dict[str, tuple[date, date | None, str]]:
    """The case's periods by name (the latest of each): due, stopped, stopped by."""
    found = {}
    for deadline in case.deadlines.order_by("pk"):
        found[deadline.period] = (deadline.due_on, deadline.stopped_on, deadline.stopped_by)
    return found


def transferred(desk: Desk, on: date, **extra: Any) -> Case:
    desk("propose_transfer", on, **REPORT)
    return desk("transfer_to_judiciary", on, **TRANSFER, **extra)


def test_a_case_waiting_for_its_hearing_can_still_be_ended(desk):
    # 行政处罚法 第五十七条: until the decision the case may end — the hearing's waiting states too.
    desk("report", date(2026, 10, 14), **LARGE_REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("request_hearing", date(2026, 10, 19))
    hearing = {"hearing_on": date(2026, 10, 30), "hearing_time": "09:00", "place": "会议室", "chair": desk.chair}
    desk("notify_hearing", date(2026, 10, 20), **hearing)
    case = desk("terminate", date(2026, 10, 21), reason="当事人死亡")
    assert case.state == "terminated"
    stopped = periods(case)
    assert stopped["hearing"][1:] == (date(2026, 10, 21), "terminate")
    assert stopped["decision"][1:] == (date(2026, 10, 21), "terminate")
    for state in ("filed", "legal_review", "collective", "approved", "hearing_requested", "hearing_scheduled"):
        assert state in ACTIONS["terminate"].sources


def test_a_case_outside_the_agencys_jurisdiction_goes_to_the_competent_agency(desk):
    refusal = desk.refused("transfer_jurisdiction", date(2026, 10, 14), reason="违法行为发生地不在本辖区")
    assert (refusal.field, refusal.rule) == ("receiver", "行政处罚法 第二十二条、第二十三条")
    seize = {"officers": desk.team, "items": "油锯一台", "approved_by": desk.approver, "evidence": [desk.video]}
    desk("seize", date(2026, 10, 14), **seize)
    moving = {"receiver": "大青山市青山区林业和草原局", "reason": "违法行为发生地不在本辖区"}
    # The receiving agency takes its own measures: a seizure is lifted first, not handed over.
    assert "查封、扣押尚未解除" in desk.refused("transfer_jurisdiction", date(2026, 10, 14), **moving).message
    desk("release_seizure", date(2026, 10, 14), reason="移送管辖，退还当事人")
    case = desk("transfer_jurisdiction", date(2026, 10, 15), **moving)
    assert case.state == "handed_over"
    assert periods(case)["decision"][1:] == (date(2026, 10, 15), "transfer_jurisdiction")
    assert case.records.get(action="transfer_jurisdiction").summary.startswith("移送大青山市青山区林业和草原局")
    assert desk("close", date(2026, 10, 16)).state == "closed"


def test_an_officer_cannot_transfer_and_a_refused_transfer_records_nothing(desk):
    on = date(2026, 10, 14)
    # Only on the team's written report (310号令 第五条), and the report carries the materials (第六条).
    refusal = desk.refused("transfer_to_judiciary", on, **TRANSFER)
    assert refusal.rule == "行政执法机关移送涉嫌犯罪案件的规定 第五条"
    refusal = desk.refused("propose_transfer", on, **{**REPORT, "items": ""})
    assert (refusal.field, refusal.rule) == ("items", "行政执法机关移送涉嫌犯罪案件的规定 第四条、第六条第三项")
    refusal = desk.refused("propose_transfer", on, **REPORT, tested=True)
    assert refusal.field == "evidence"
    desk("propose_transfer", on, **REPORT)
    # The approval is the head's: the officer who wrote the report cannot give it.
    desk.approver, head = desk.officer, desk.approver
    assert "审批" in desk.refused("transfer_to_judiciary", on, **TRANSFER).message
    desk.approver = head
    assert desk.refused("transfer_to_judiciary", on, receiver="", procuratorate="大青山市人民检察院").field == (
        "receiver"
    )
    refusal = desk.refused("transfer_to_judiciary", on, receiver=TRANSFER["receiver"])
    assert refusal.field == "procuratorate"
    assert Case.objects.get(pk=desk.case.pk).state == "investigating"


def test_the_head_approves_the_transfer_within_three_days_and_the_document_lists_the_materials(desk):
    desk("propose_transfer", date(2026, 10, 14), **REPORT)
    # 310号令 第五条: three days from the report (calendar days; 2026-10-17 is a Saturday, moved to Monday).
    assert periods(desk.case)["transfer_approval"] == (date(2026, 10, 19), None, "")
    case = desk("transfer_to_judiciary", date(2026, 10, 16), **TRANSFER)
    assert case.state == "judiciary"
    stopped = periods(case)
    assert stopped["transfer_approval"][1:] == (date(2026, 10, 16), "transfer_to_judiciary")
    assert stopped["decision"][1:] == (date(2026, 10, 16), "transfer_to_judiciary")
    assert stopped["judiciary_answer"] == (date(2026, 10, 19), None, "")  # the police's three days (第八条)
    assert "超过三日" not in case.records.get(action="transfer_to_judiciary").summary
    document = issuing.issue_document(desk.approver, case, "crime_transfer")
    assert "移司" in document.number
    text = text_of(document)
    for printed in (
        "大青山市公安局森林警察支队：",
        "抄送：大青山市人民检察院",
        "涉嫌滥伐林木罪",
        "油锯一台",
        "涉案物品清单",
    ):
        assert printed in text
    assert "伐桩照片" in text  # the case's other evidence goes with it
    assert verify_ledger().ok


def test_seized_goods_go_with_the_case_and_the_party_is_told(desk):
    seize = {"officers": desk.team, "items": "油锯一台", "approved_by": desk.approver, "evidence": [desk.video]}
    desk("seize", date(2026, 10, 14), **seize)
    desk("propose_transfer", date(2026, 10, 14), **REPORT)
    refusal = desk.refused("transfer_to_judiciary", date(2026, 10, 15), **TRANSFER)
    assert (refusal.field, refusal.rule) == ("hand_over_seized", "行政强制法 第二十一条")
    refusal = desk.refused("transfer_to_judiciary", date(2026, 10, 15), **TRANSFER, hand_over_seized=True)
    assert refusal.field == "party_told"
    case = desk("transfer_to_judiciary", date(2026, 10, 15), **TRANSFER, hand_over_seized=True, party_told=True)
    assert periods(case)["seizure"][1:] == (date(2026, 10, 15), "transfer_to_judiciary")
    assert "一并移送" in case.records.get(action="transfer_to_judiciary").summary


def test_the_head_may_decline_the_transfer_with_the_reasons_on_file(desk):
    on = date(2026, 10, 14)
    desk("propose_transfer", on, **REPORT)
    assert "待负责人决定" in desk.refused("propose_transfer", on, **REPORT).message
    case = desk("decline_transfer", date(2026, 10, 15), reason="蓄积量未达追诉标准")
    assert case.state == "investigating"
    assert case.records.get(action="decline_transfer").summary == "不批准移送：蓄积量未达追诉标准"
    assert periods(case)["transfer_approval"][1:] == (date(2026, 10, 15), "decline_transfer")
    desk("report", date(2026, 10, 16), **SMALL_FINE_REPORT)  # the agency goes on with its own case


def test_accepted_the_case_waits_on_the_judiciary_and_is_closed_when_the_criminal_matter_ends(desk):
    transferred(desk, date(2026, 10, 14))
    desk.make_documents = False
    refusal = desk.refused("judiciary_accepts", date(2026, 10, 16), evidence=[desk.scan])
    assert "涉嫌犯罪案件移送书" in refusal.message  # the police sign its receipt (第七条)
    desk.make_documents = True
    assert desk.refused("judiciary_accepts", date(2026, 10, 16)).field == "evidence"
    case = desk("judiciary_accepts", date(2026, 10, 16), notice_number="青公林立字〔2026〕15号", evidence=[desk.scan])
    assert case.state == "prosecuted"
    assert periods(case)["judiciary_answer"][1:] == (date(2026, 10, 16), "judiciary_accepts")
    # Nothing of the agency's own procedure while the judiciary has the case (no 以罚代刑).
    assert "不能" in desk.refused("report", date(2026, 10, 20), **SMALL_FINE_REPORT).message
    outcome = {"outcome": "convicted", "organ": "大青山市青山区人民法院", "sentence": "有期徒刑一年，缓刑二年"}
    case = desk("record_criminal_outcome", date(2026, 11, 16), **outcome, evidence=[desk.scan])
    assert case.state == "criminal_ended"
    case = desk("close", date(2026, 11, 17))
    assert case.state == "closed"
    closure = text_of(issuing.issue_document(desk.approver, case, "closure_report"))
    assert "本案已移送司法机关，大青山市青山区人民法院判处刑罚：有期徒刑一年，缓刑二年。" in closure
    assert verify_ledger().ok


def test_refused_the_agency_may_contest_within_three_days_or_go_on_with_its_own_case(desk):
    transferred(desk, date(2026, 10, 14))
    desk("judiciary_refuses", date(2026, 10, 16), reason="犯罪事实显著轻微，不需要追究刑事责任")
    assert periods(desk.case)["refusal_review"] == (date(2026, 10, 19), None, "")
    contest = {"channel": "reconsideration", "reason": "蓄积量经鉴定已达追诉标准"}
    refusal = desk.refused("contest_refusal", date(2026, 10, 20), **contest)
    assert (refusal.field, refusal.rule) == ("on_date", "行政执法机关移送涉嫌犯罪案件的规定 第九条")
    desk("contest_refusal", date(2026, 10, 19), **contest)
    assert "尚未收到" in desk.refused("resume_after_refusal", date(2026, 10, 19)).message
    desk("judiciary_refuses", date(2026, 10, 21), reason="复议维持不予立案决定")
    # After the police's reconsideration, only the procuratorate's supervision is left (第九条第二款).
    assert desk.refused("contest_refusal", date(2026, 10, 22), **contest).field == "channel"
    # The agency accepts the refusal and goes on with its own case (第十条), the decision period's days left
    # counted again from today: 90 days from 2026-10-13 ran to 2027-01-11, 89 were left on 2026-10-14.
    case = desk("resume_after_refusal", date(2026, 10, 22), opinion="依法给予行政处罚")
    assert case.state == "investigating"
    assert periods(case)["decision"] == (date(2027, 1, 19), None, "")
    assert periods(case)["refusal_review"][1:] == (date(2026, 10, 22), "resume_after_refusal")
    assert "办案期限余89日" in case.records.get(action="resume_after_refusal").summary
    desk("report", date(2026, 10, 23), **SMALL_FINE_REPORT)


def test_a_case_the_judiciary_returns_for_an_administrative_penalty_resumes(desk):
    # 行政处罚法 第二十七条第一款: no criminal liability (or exempted) but a penalty due — the case comes back.
    transferred(desk, date(2026, 10, 14))
    desk("judiciary_accepts", date(2026, 10, 16), evidence=[desk.scan])
    assert desk.refused("return_from_judiciary", date(2026, 11, 4), reason="免予刑事处罚").field == "evidence"
    returned = {"reason": "检察院决定不起诉，建议给予行政处罚", "evidence": [desk.scan]}
    case = desk("return_from_judiciary", date(2026, 11, 4), **returned)
    assert case.state == "investigating"
    assert periods(case)["decision"][0] == date(2027, 2, 1)  # the 89 days left, from 2026-11-04
    desk("report", date(2026, 11, 5), **SMALL_FINE_REPORT)


def test_a_fine_decided_before_the_transfer_is_credited_against_the_criminal_fine(desk, world, client):
    desk("report", date(2026, 10, 14), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 16), waived_statement=True, evidence=[desk.scan])
    desk("decide", date(2026, 10, 19), **SMALL_FINE_REPORT)
    desk("serve", date(2026, 10, 19), method="direct", evidence=[desk.scan])
    desk("record_payment", date(2026, 10, 20), amount=Decimal(1000), receipt="NS20261020001")
    # More trees are found: the facts now meet the criminal threshold. The decision is not stopped (第十一条).
    case = transferred(desk, date(2026, 10, 26))
    assert case.state == "judiciary"
    assert "罚款一千元" in text_of(issuing.issue_document(desk.approver, case, "crime_transfer"))
    # The police refuse: the decided case is not investigated again, its decision goes on being executed.
    desk("judiciary_refuses", date(2026, 10, 27), reason="情节显著轻微")
    assert "不再重新调查" in desk.refused("resume_after_refusal", date(2026, 10, 28)).message
    desk("contest_refusal", date(2026, 10, 28), channel="supervision", reason="已达追诉标准")
    desk("judiciary_accepts", date(2026, 11, 2), evidence=[desk.scan])
    conviction = {
        "outcome": "convicted",
        "organ": "青山区人民法院",
        "criminal_fine": Decimal(5000),
        "evidence": [desk.scan],
    }
    refusal = desk.refused("record_criminal_outcome", date(2026, 11, 20), **conviction)
    assert (refusal.field, refusal.rule.split("；")[0]) == ("credited", "行政处罚法 第三十五条第二款")
    assert "应折抵 1000" in refusal.message
    refusal = desk.refused("record_criminal_outcome", date(2026, 11, 20), **conviction, credited=Decimal(2000))
    assert "不能超过当事人已缴纳的罚款" in refusal.message
    case = desk("record_criminal_outcome", date(2026, 11, 20), **conviction, credited=Decimal(1000))
    assert case.state == "criminal_ended"
    client.force_login(world.officer_user)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "青山区人民法院判处刑罚；已缴纳的罚款折抵罚金 1000.00 元（行政处罚法 第三十五条）" in page
    assert desk("close", date(2026, 11, 21)).state == "closed"


def test_a_late_approval_is_taken_and_marked_late(desk):
    # Refusing a late transfer would leave the crime with the agency (以罚代刑, 行政处罚法 第八十二条).
    desk("propose_transfer", date(2026, 10, 14), **REPORT)
    case = desk("transfer_to_judiciary", date(2026, 10, 21), **TRANSFER)
    assert case.records.get(action="transfer_to_judiciary").summary.endswith("（超过三日作出决定）")


def test_no_fine_is_recorded_as_paid_before_it_is_decided(desk):
    desk("report", date(2026, 10, 14), **SMALL_FINE_REPORT)
    transferred(desk, date(2026, 10, 15))
    with pytest.raises(Refusal, match="没有未缴纳的罚款"):
        desk("record_payment", date(2026, 10, 16), amount=Decimal(1000), receipt="NS1")


def test_no_penalty_decision_or_ending_while_the_transfer_report_waits_for_the_head(desk):
    # 以罚代刑 is forbidden (行政处罚法 第二十七条; 310号令 第十一条): while the written report of a suspected crime
    # waits, the head transfers or declines it first; he may not decide, let go or close the case around it.
    desk("report", date(2026, 10, 14), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    desk("propose_transfer", date(2026, 10, 19), **REPORT)
    decision = {k: v for k, v in SMALL_FINE_REPORT.items() if k not in ("facts_found", "legal_basis")}
    for name, fields in (
        ("decide", decision),
        ("decide_no_penalty", {"ground": "facts_unclear", "reason": "事实不清"}),
        ("terminate", {"reason": "当事人死亡"}),
        ("transfer_jurisdiction", {"receiver": "邻县林业和草原局", "reason": "不属本机关管辖"}),
    ):
        assert "待负责人决定" in desk.refused(name, date(2026, 10, 20), **fields).message, name
    desk("decline_transfer", date(2026, 10, 20), reason="蓄积量未达追诉标准")
    assert desk("decide", date(2026, 10, 20), **decision).state == "decided"
    assert periods(desk.case)["transfer_approval"][1:] == (date(2026, 10, 20), "decline_transfer")
