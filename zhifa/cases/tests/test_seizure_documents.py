"""Sealing and impounding on paper and in time: the decision and the inventory handed over on the spot (行政强制法
第二十四条), the extension told in writing with its reason (第二十五条), the release decision (第二十八条), and the
time of testing or appraisal, stated to the party in writing, left out of the seizure's period (第二十五条第三款)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from zhifa.cases import issuing, selectors, services
from zhifa.cases.models import Case, CaseDeadline
from zhifa.cases.tests.desk import Desk
from zhifa.cases.tests.test_issuing import text_of
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import at

pytestmark = pytest.mark.django_db

ITEMS = "油锯，1台，斯蒂尔MS180\n油松原木，12根，暂存保护站木材场"


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 7, 1), act_ended_on=date(2026, 6, 30))
    desk.investigate(date(2026, 7, 2))
    return desk


def seize(desk: Desk, on: date = date(2026, 7, 7), **extra: object) -> Case:
    fields = {
        "officers": desk.team,
        "items": ITEMS,
        "measure": "impound",
        "reason": "张某涉嫌无证采伐林木，油锯和原木为涉案财物",
        "basis": "《中华人民共和国森林法》第六十八条",
        "place": "二号林班",
        "approved_by": desk.approver,
        "evidence": [desk.video],
        **extra,
    }
    return desk("seize", on, **fields)


def seizure_due(case: Case) -> tuple[date, str]:
    """The running seizure period's last day and the rule the case page prints beside it."""
    (row,) = CaseDeadline.objects.filter(case=case, period__in=["seizure", "seizure_extension"], stopped_on=None)
    return row.due_on, row.source


def seizure_documents(case: Case) -> list[str]:
    return [pending.kind for pending in issuing.issuable(case) if pending.spec.act == "seize"]


def facts_of(case: Case, action: str) -> dict[str, object]:
    entry = Entry.objects.filter(action=f"case.{action}").order_by("index").last()
    assert entry is not None
    facts: dict[str, object] = json.loads(entry.facts.facts)
    return facts


def test_the_decision_and_the_inventory_are_issued_from_the_seize_act(desk):
    case = seize(desk)
    assert seizure_documents(case) == ["seizure_decision", "seizure_inventory"]
    assert facts_of(case, "seize")["inventory"] == [
        ["油锯", "1台", "斯蒂尔MS180"],
        ["油松原木", "12根", "暂存保护站木材场"],
    ]

    decision = issuing.issue_document(desk.officer, case, "seizure_decision")
    text = text_of(decision)
    seized = Entry.objects.get(index=decision.documents_entry)
    assert seized.action == "case.seize"
    assert bytes(seized.leaf_hash).hex() in text
    # 第二十四条: the party, the reason, basis and period, the goods by name and quantity, the remedies.
    assert "当事人：张某" in text
    assert "张某涉嫌无证采伐林木" in text
    assert "依据《中华人民共和国森林法》第六十八条，经本机关负责人批准" in text
    assert "油锯1台斯蒂尔MS180" in text
    assert "油松原木12根" in text
    assert "扣押期限为三十日，自2026年7月7日起至2026年8月6日止" in text
    assert "如不服本扣押决定，可以在收到本决定书之日起六十日内" in text

    inventory = issuing.issue_document(desk.officer, case, "seizure_inventory")
    text = text_of(inventory)
    assert decision.number in text  # the decision it belongs to
    assert "油松原木12根" in text
    assert "本清单一式二份，由当事人和本机关分别保存" in text
    assert "当事人（签名或盖章）" in text
    assert "甲执法" in text
    assert seizure_documents(case) == []
    assert verify_ledger().ok


def test_a_seizure_without_quantities_or_reasons_is_printed_on_paper_on_the_spot(desk):
    case = seize(desk, items="油锯一台", reason="", basis="")
    assert seizure_documents(case) == []
    with pytest.raises(Refusal, match="未录入理由和依据"):
        issuing.issue_document(desk.officer, case, "seizure_decision")
    with pytest.raises(Refusal, match="未逐项写明名称和数量"):
        issuing.issue_document(desk.officer, case, "seizure_inventory")


def test_the_extension_is_told_in_writing_with_its_reason_and_the_release_returns_the_goods(desk):
    case = seize(desk)
    decision = issuing.issue_document(desk.officer, case, "seizure_decision")
    case = desk("extend_seizure", date(2026, 8, 5), reason="林木材积鉴定尚未完成")
    extension = issuing.issue_document(desk.approver, case, "seizure_extension")
    text = text_of(extension)
    assert bytes(Entry.objects.get(index=extension.documents_entry).leaf_hash).hex() in text
    assert decision.number in text
    assert "期限至2026年8月6日届满" in text
    assert "因林木材积鉴定尚未完成" in text  # 第二十五条: 说明理由
    assert "决定将扣押期限延长三十日，至2026年9月5日止" in text

    case = desk("release_seizure", date(2026, 8, 20), reason="鉴定完成，涉案财物与违法行为无关")
    release = issuing.issue_document(desk.officer, case, "seizure_release")
    text = text_of(release)
    assert "因鉴定完成，涉案财物与违法行为无关" in text
    assert "决定自2026年8月20日起解除扣押，上述财物立即退还你（单位）" in text
    assert "油锯1台" in text
    assert verify_ledger().ok


def test_appraisal_time_stated_in_writing_is_not_counted_in_the_seizure(desk, client, time_machine):
    case = seize(desk)
    assert seizure_due(case) == (date(2026, 8, 6), "")
    sent = {"kind": "appraisal", "items": "油松原木12根", "institution": "林业司法鉴定中心"}
    case = desk("start_appraisal", date(2026, 7, 10), **sent, ends_on=date(2026, 7, 20))
    # Sent on the 10th, stated to end on the 20th: the seizure's ten days from the 11th are not counted.
    due, source = seizure_due(case)
    assert due == date(2026, 8, 16)
    assert "不计入检测、检验、检疫或者技术鉴定期间 10 日" in source
    assert facts_of(case, "start_appraisal")["seizure_due"] == "2026-08-16"
    running = CaseDeadline.objects.get(case=case, period="appraisal")
    assert (running.due_on, running.stopped_on) == (date(2026, 7, 20), None)

    notice = issuing.issue_document(desk.officer, case, "appraisal_notice")
    text = text_of(notice)
    assert "已于2026年7月10日送交林业司法鉴定中心" in text
    assert "技术鉴定的期间至2026年7月20日止，该期间不计入查封、扣押期间" in text
    assert "查封、扣押期限相应顺延至2026年8月16日" in text

    # Back early: only the days it took are left out.
    case = desk("end_appraisal", date(2026, 7, 17), result="材积5立方米", evidence=[desk.scan])
    due, source = seizure_due(case)
    assert due == date(2026, 8, 13)
    assert "7 日" in source
    assert facts_of(case, "end_appraisal")["excluded_days"] == 7
    assert CaseDeadline.objects.get(case=case, period="appraisal").stopped_on == date(2026, 7, 17)

    # The case page shows the days left out beside the seizure's last day.
    time_machine.move_to(at(date(2026, 7, 20)))
    client.force_login(desk.officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "2026-08-13" in page
    assert "不计入检测、检验、检疫或者技术鉴定期间 7 日" in page
    (shown,) = [d for d in selectors.running_deadlines(case, date(2026, 7, 20)) if d.period == "seizure"]
    assert (shown.due_on, shown.days_left) == (date(2026, 8, 13), 24)
    assert verify_ledger().ok


def test_days_beyond_the_stated_appraisal_period_count_in_the_seizure(desk):
    seize(desk)
    sent = {"kind": "testing", "items": "油锯", "institution": "质检所"}
    desk("start_appraisal", date(2026, 7, 10), **sent, ends_on=date(2026, 7, 20))
    case = desk("end_appraisal", date(2026, 7, 24), result="检测完成", evidence=[desk.scan])
    assert seizure_due(case)[0] == date(2026, 8, 16)  # ten days, not fourteen: the party was told of ten
    facts = facts_of(case, "end_appraisal")
    assert (facts["excluded_days"], facts["beyond_stated_days"]) == (10, 4)
    assert "计入查封、扣押期间" in case.records.get(action="end_appraisal").summary


def test_the_extension_runs_on_from_the_end_the_appraisal_moved(desk):
    seize(desk)
    sent = {"kind": "quarantine", "items": "原木", "institution": "检疫站"}
    desk("start_appraisal", date(2026, 7, 10), **sent, ends_on=date(2026, 8, 9))  # 30 days stated
    assert seizure_due(desk.case)[0] == date(2026, 9, 5)
    case = desk("extend_seizure", date(2026, 8, 5), reason="检疫尚未完成")
    extension = CaseDeadline.objects.get(case=case, period="seizure_extension")
    assert (extension.started_on, extension.due_on) == (date(2026, 9, 5), date(2026, 10, 5))
    assert "30 日" in extension.source
    # Back two days early: the first thirty days end two days sooner, and the extension with them.
    case = desk("end_appraisal", date(2026, 8, 7), result="检疫合格", evidence=[desk.scan])
    extension.refresh_from_db()
    assert (extension.started_on, extension.due_on) == (date(2026, 9, 3), date(2026, 10, 3))
    assert "28 日" in extension.source


def test_an_appraisal_needs_a_seizure_in_time_a_stated_end_and_one_at_a_time(desk):
    sent = {"kind": "testing", "items": "油锯", "institution": "质检所", "ends_on": date(2026, 7, 20)}
    assert "没有正在进行的查封、扣押" in str(desk.refused("start_appraisal", date(2026, 7, 6), **sent))
    seize(desk)
    refusal = desk.refused("start_appraisal", date(2026, 7, 10), **{**sent, "ends_on": date(2026, 7, 10)})
    assert refusal.field == "ends_on"
    assert "第二十五条第三款" in refusal.rule
    nothing_sent = desk.refused("end_appraisal", date(2026, 7, 10), result="无", evidence=[desk.scan])
    assert "没有正在进行的检测" in str(nothing_sent)
    desk("start_appraisal", date(2026, 7, 10), **sent)
    assert "尚未结束" in str(desk.refused("start_appraisal", date(2026, 7, 11), **sent))
    assert desk.refused("end_appraisal", date(2026, 7, 12), result="完成").field == "evidence"
    desk("end_appraisal", date(2026, 7, 12), result="完成", evidence=[desk.scan])
    # After the seizure's last day nothing more is left out of it: it must be released.
    late = {**sent, "ends_on": date(2026, 8, 30)}
    refusal = desk.refused("start_appraisal", date(2026, 8, 9), **late)
    assert "届满" in refusal.message
    assert "应当解除" in refusal.message
    # The appraisal's acts are the case team's, and the case page offers them only while they may be taken.
    offered = {a.action.name: a.allowed for a in services.availability(desk.officer, desk.case, date(2026, 8, 9))}
    assert offered["end_appraisal"] is False
    assert offered["release_seizure"] is True


def test_releasing_the_seizure_ends_the_appraisal_s_exclusion(desk):
    seize(desk)
    sent = {"kind": "testing", "items": "油锯", "institution": "质检所", "ends_on": date(2026, 7, 20)}
    desk("start_appraisal", date(2026, 7, 10), **sent)
    case = desk("release_seizure", date(2026, 7, 12), reason="与违法行为无关")
    assert not CaseDeadline.objects.filter(case=case, stopped_on=None, period__in=["appraisal", "seizure"]).exists()
