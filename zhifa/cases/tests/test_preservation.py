"""Evidence registered and preserved (先行登记保存) is decided on within seven working days, by the case team with the
head's approval, in a numbered decision (行政处罚法 第五十六条; 市场监督管理行政处罚程序规定 第三十四条); a late
decision is still made, the period shown overdue until then."""

from __future__ import annotations

import json
from datetime import date

import pytest

from zhifa.cases import issuing, selectors, services
from zhifa.cases.models import Case, CaseDeadline
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.cases.tests.test_issuing import text_of
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 7, 1), act_ended_on=date(2026, 6, 30))
    desk.investigate(date(2026, 7, 2))
    return desk


def preserve(desk: Desk, on: date, items: str) -> Case:
    fields = {"officers": desk.team, "items": items, "approved_by": desk.approver, "evidence": [desk.photo]}
    return desk("preserve_evidence", on, **fields)


def period(case: Case) -> list[tuple[date, date | None, str]]:
    rows = CaseDeadline.objects.filter(case=case, period="preservation_decision").order_by("pk")
    return [(row.due_on, row.stopped_on, row.stopped_by) for row in rows]


DECISION = {"measure": "recorded_returned", "reason": "采伐记录本已复制并经当事人签字确认，原件无须继续保存"}


def test_the_team_decides_on_the_preserved_evidence_with_the_heads_approval(desk):
    preserve(desk, date(2026, 7, 6), "采伐作业记录本1本")
    assert period(desk.case) == [(date(2026, 7, 15), None, "")]  # seven working days from Monday the 6th
    refusal = desk.refused("decide_preserved", date(2026, 7, 9), **DECISION)
    assert refusal.field == "approved_by"
    assert "第五十六条" in refusal.rule
    case = desk("decide_preserved", date(2026, 7, 9), **DECISION, approved_by=desk.approver)
    assert period(case) == [(date(2026, 7, 15), date(2026, 7, 9), "decide_preserved")]
    facts = json.loads(Entry.objects.filter(action="case.decide_preserved").get().facts.facts)
    assert facts["measure"] == "recorded_returned"
    assert facts["items"] == "采伐作业记录本1本"
    assert facts["late"] is False
    assert facts["approved_by"]["id"] == desk.approver.pk

    document = issuing.issue_document(desk.officer, case, "preservation_decision")
    text = text_of(document)
    assert bytes(Entry.objects.get(index=document.documents_entry).leaf_hash).hex() in text
    assert "本机关于2026年7月6日依照《中华人民共和国行政处罚法》第五十六条的规定" in text
    assert "采伐作业记录本1本" in text
    assert "经本机关负责人批准，现作出如下处理决定：采取记录、复制、拍照、录像等证据保全措施后退还" in text
    assert "领回上述物品" in text
    # Decided once: nothing is left to decide on.
    assert "没有待作出处理决定" in str(desk.refused("decide_preserved", date(2026, 7, 10), **DECISION))
    assert verify_ledger().ok


def test_a_late_decision_is_still_made_and_the_period_shows_overdue_until_then(desk, time_machine):
    preserve(desk, date(2026, 7, 6), "原木样品2段")
    time_machine.move_to(at(date(2026, 7, 17)))
    (shown,) = [d for d in selectors.running_deadlines(desk.case, date(2026, 7, 17)) if d.period.startswith("pres")]
    assert (shown.level, shown.days_overdue) == ("overdue", 2)
    offered = {a.action.name: a for a in services.availability(desk.officer, desk.case, date(2026, 7, 17))}
    assert offered["decide_preserved"].allowed
    send = {"measure": "sent_for_appraisal", "reason": "需鉴定树种"}
    case = desk("decide_preserved", date(2026, 7, 17), **send, approved_by=desk.approver)
    record = case.records.get(action="decide_preserved")
    assert record.data["late"] is True
    assert "超过七个工作日" in record.summary
    assert period(case)[0][1:] == (date(2026, 7, 17), "decide_preserved")
    text = text_of(issuing.issue_document(desk.officer, case, "preservation_decision"))
    assert "送交检测、检验、检疫、鉴定" in text
    assert "领回" not in text  # nothing is returned yet


def test_each_decision_covers_the_preservations_not_yet_decided(desk):
    preserve(desk, date(2026, 7, 6), "采伐作业记录本1本")
    preserve(desk, date(2026, 7, 7), "油锯1台")
    release = {"measure": "released", "reason": "与违法行为无关"}
    case = desk("decide_preserved", date(2026, 7, 8), **release, approved_by=desk.approver)
    assert [stopped for _due, stopped, _by in period(case)] == [date(2026, 7, 8), date(2026, 7, 8)]
    assert case.records.get(action="decide_preserved").data["items"] == "采伐作业记录本1本；油锯1台"
    preserve(desk, date(2026, 7, 9), "运输车辆1辆")
    case = desk("decide_preserved", date(2026, 7, 10), **DECISION, items="", approved_by=desk.approver)
    latest = case.records.filter(action="decide_preserved").last()
    assert latest is not None
    assert latest.data["items"] == "运输车辆1辆"
    assert [p["on_date"] for p in latest.data["preserved"]] == ["2026-07-09"]


def test_the_decision_is_offered_until_the_penalty_decision_which_also_ends_the_period(desk):
    preserve(desk, date(2026, 7, 6), "原木样品2段")
    desk("report", date(2026, 7, 7), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 7, 7))
    desk("approve", date(2026, 7, 8))
    desk("notify", date(2026, 7, 8), rights_stated=True)
    offered = {a.action.name: a.allowed for a in services.availability(desk.officer, desk.case, date(2026, 7, 9))}
    assert offered["decide_preserved"] is True  # still open after the advance notice
    desk("record_statement", date(2026, 7, 9), waived_statement=True, evidence=[desk.scan])
    case = desk("decide", date(2026, 7, 9), **SMALL_FINE_REPORT)
    assert period(case)[0][1:] == (date(2026, 7, 9), "decide")
    assert "decide_preserved" not in {a.action.name for a in services.availability(desk.officer, case)}
