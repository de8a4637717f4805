"""重大执法决定法制审核: the catalog decides whether a case is major, by the version in force on the act's date and
the case's facts; no major decision without a review passed on the proposal decided (行政处罚法 第五十八条)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from zhifa.cases import agency_settings, major
from zhifa.cases.tests.desk import APPROVED_REVIEW, SMALL_FINE_REPORT, Desk, returned_review
from zhifa.cases.tests.test_issuing import text_of
from zhifa.cases.workflow import State
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db

CATALOG = {
    "effective_from": "2026-01-01",
    "source": "测试管理局重大执法决定法制审核目录（测管发〔2025〕9号）",
    "fine_citizen": "10000",
    "fine_organisation": "100000",
    "inclusive": "on",
    "penalty_kinds": ["revoke_licence"],
    "after_hearing": "on",
}
CLAUSE = "对公民处10,000元以上罚款（测试管理局重大执法决定法制审核目录（测管发〔2025〕9号））"
DECISION = {k: v for k, v in SMALL_FINE_REPORT.items() if k not in ("facts_found", "legal_basis")}


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    major.add_version(world.admin, world.bureau, CATALOG)  # the bureau's catalog, followed by its branch
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    return desk


def big(fine: int, **extra: object) -> dict[str, object]:
    return {**SMALL_FINE_REPORT, "fine": Decimal(fine), "penalty_text": f"罚款{fine}元", **extra}


def test_the_catalog_makes_a_case_major_and_an_unticked_box_does_not_undo_it(desk):
    # The branch follows its bureau's catalog; the amount reaches it, so the case is major whatever the box says.
    desk("report", date(2026, 10, 14), **big(10000, major=False))
    refused = desk.refused("submit_approval", date(2026, 10, 14))
    assert CLAUSE in refused.message
    assert refused.rule == "行政处罚法 第五十八条"
    desk("submit_review", date(2026, 10, 14))
    # Returned for more investigation, reported again with the box unticked: still major, still reviewed.
    desk("return_review", date(2026, 10, 15), **returned_review("缺少鉴定意见"))
    desk("report", date(2026, 10, 16), **big(10000, major=False))
    assert CLAUSE in desk.refused("submit_approval", date(2026, 10, 16)).message
    desk("submit_review", date(2026, 10, 16))
    desk("pass_review", date(2026, 10, 17), **APPROVED_REVIEW)
    desk("approve", date(2026, 10, 17))
    desk("notify", date(2026, 10, 19), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    case = desk("decide", date(2026, 10, 20), **{**DECISION, "fine": Decimal(10000), "penalty_text": "罚款一万元"})
    assert case.state == State.DECIDED
    assert verify_ledger().ok


def test_below_the_catalog_a_case_is_ordinary_unless_the_handler_marks_it(desk):
    desk("report", date(2026, 10, 14), **big(9999))
    assert major.clauses(desk.case, date(2026, 10, 14)) == []
    assert "不属于" in desk.refused("submit_review", date(2026, 10, 14)).message
    case = desk("submit_approval", date(2026, 10, 14))
    assert case.state == State.APPROVING


def test_the_handler_marks_a_case_major_that_the_catalog_does_not_reach(desk):
    desk("report", date(2026, 10, 14), **big(2000, major=True))
    found = major.clauses(desk.case, date(2026, 10, 14))
    assert [clause.text for clause in found] == [
        "承办人员认定：涉及重大公共利益，或者案情疑难复杂、涉及多个法律关系，或者目录所列其他情形"
    ]
    assert "承办人员认定" in desk.refused("submit_approval", date(2026, 10, 14)).message
    desk("submit_review", date(2026, 10, 14))


def test_a_heavier_proposal_that_crosses_the_threshold_needs_the_review(desk):
    desk("report", date(2026, 10, 14), **big(8000))
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("revise_proposal", date(2026, 10, 19), **big(12000, reason="补充调查认定了新的违法事实"))
    assert "对公民处10,000元以上罚款" in desk.refused("submit_approval", date(2026, 10, 19)).message
    desk("submit_review", date(2026, 10, 19))
    desk("pass_review", date(2026, 10, 19), **APPROVED_REVIEW)
    desk("approve", date(2026, 10, 20))
    desk("notify", date(2026, 10, 20), rights_stated=True)
    desk("record_statement", date(2026, 10, 21), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    decided = {**DECISION, "fine": Decimal(12000), "penalty_text": "罚款一万二千元"}
    assert desk("decide", date(2026, 10, 22), **decided).state == State.DECIDED


def test_a_catalog_version_applies_from_its_effective_date_only(desk, world):
    # A new version lowers the amount from 20 October: a decision on or after that day is major under it.
    major.add_version(world.admin, world.bureau, {**CATALOG, "effective_from": "2026-10-20", "fine_citizen": "5000"})
    desk("report", date(2026, 10, 14), **big(8000))
    assert major.clauses(desk.case, date(2026, 10, 19)) == []
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    decided = {**DECISION, "fine": Decimal(8000), "penalty_text": "罚款八千元"}
    refused = desk.refused("decide", date(2026, 10, 20), **decided)
    assert "对公民处5,000元以上罚款" in refused.message
    assert "未经法制审核" in refused.message


def test_the_legal_office_publishes_a_version_recorded_and_never_edited(client, world):
    reviewer = make_user("bureau-reviewer", world.bureau, Role.LEGAL_REVIEWER)
    with pytest.raises(Refusal) as refused:
        major.add_version(reviewer, world.bureau, {**CATALOG, "fine_organisation": ""})
    assert refused.value.field == "fine_organisation"
    version = major.add_version(reviewer, world.bureau, CATALOG)
    facts = json.loads(Entry.objects.get(action="major_catalog.add").facts.facts)
    assert facts["fine_citizen"] == "10000.00"
    assert facts["penalty_kinds"] == ["revoke_licence"]
    with pytest.raises(Refusal, match="新的施行日期"):
        major.add_version(reviewer, world.bureau, CATALOG)
    with pytest.raises(Refusal):
        major.add_version(world.officer_user, world.bureau, {**CATALOG, "effective_from": "2026-02-01"})
    assert major.catalog_in_force(world.branch, date(2026, 6, 1)) == version
    assert major.catalog_in_force(world.branch, date(2025, 12, 31)) is None
    client.force_login(reviewer)
    page = client.get(f"/cases/major-catalog/{world.branch.pk}/").content.decode()
    assert "沿用测试管理局的目录" in page
    assert "拟作出吊销许可证件" in page
    client.force_login(world.officer_user)
    page = client.get(f"/cases/major-catalog/{world.branch.pk}/").content.decode()
    assert "发布新版目录" not in page
    assert client.post(f"/cases/major-catalog/{world.branch.pk}/", CATALOG).status_code == 404
    assert verify_ledger().ok


def test_the_review_page_assembles_the_materials_and_marks_what_changed_since_the_return(client, desk):
    desk("report", date(2026, 10, 14), **big(10000))
    desk("submit_review", date(2026, 10, 14))
    desk("return_review", date(2026, 10, 15), **returned_review("缺少鉴定意见"))
    desk("report", date(2026, 10, 16), **big(12000, facts_found="张某滥伐林木2株，经鉴定蓄积3立方米"))
    desk("submit_review", date(2026, 10, 16))
    client.force_login(desk.reviewer)
    url = f"/cases/{desk.case.pk}/actions/pass_review/"
    page = client.get(url).content.decode()
    assert CLAUSE in page
    assert "第1轮，2026年10月14日 提交：退回补充调查：缺少鉴定意见（问题：缺少鉴定意见）" in page
    assert "第2轮，2026年10月16日 提交：待审核" in page
    assert "<mark>违法事实</mark>：张某滥伐林木2株 → 张某滥伐林木2株，经鉴定蓄积3立方米" in page
    assert "<mark>罚款金额</mark>：10000.00 → 12000.00" in page
    # The opinion is required and written; "同意" needs every item of the checklist in order.
    form = {"on_date": "2026-10-17", "conclusion": "approve", "checked": ["subject", "facts"], "opinion": ""}
    page = client.post(url, form).content.decode()
    assert "请填写审核意见" in page
    assert "各审核事项均应符合" in page
    assert desk.case.records.filter(action="pass_review").count() == 0
    client.post(url, {**form, "checked": [key for key, _label in major.CHECKLIST], "opinion": "同意"})
    passed = desk.case.records.get(action="pass_review")
    assert passed.data["conclusion"] == "approve"
    assert all(passed.data["checklist"].values())
    # Each round's opinion is a numbered document made by the reviewer's act, carrying its entry's hash.
    returned = desk.case.documents.get(kind="legal_review_return")
    opinion = desk.case.documents.get(kind="legal_review_opinion")
    year = timezone.localdate().year  # documents are numbered in the year they are made
    assert returned.number.endswith(f"法退字〔{year}〕第1号")
    assert opinion.number.endswith(f"法审字〔{year}〕第1号")
    assert opinion.documents_entry == passed.entry_index
    text = text_of(opinion)
    assert "审核结论：同意" in text
    assert "第2次提交审核" in text
    assert "对公民处10,000元以上罚款" in text
    assert "缺少鉴定意见" in text_of(returned)


def test_the_review_has_its_time_in_working_days_and_the_head_extends_it_once(desk, world):
    # The agency's own rule sets the days (here 3); without it the default five, named as a default.
    agency_settings.update(world.admin, world.bureau, {"legal_review_days": 3, "periods_source": "测试局法制审核办法"})
    desk("report", date(2026, 10, 14), **big(10000))
    case = desk("submit_review", date(2026, 10, 14))
    period = case.deadlines.get(period="legal_review")
    assert (period.due_on, period.source) == (date(2026, 10, 19), "测试局法制审核办法")  # Wed + 3 working days
    assert desk.refused("extend_review", date(2026, 10, 20), reason="案情复杂").field == "on_date"
    case = desk("extend_review", date(2026, 10, 19), reason="案情复杂，需补充查阅鉴定材料")
    extension = case.deadlines.get(period="legal_review_extension")
    assert extension.due_on == date(2026, 10, 22)
    assert "已经延长" in desk.refused("extend_review", date(2026, 10, 20), reason="再延").message
    case = desk("pass_review", date(2026, 10, 21), **APPROVED_REVIEW)
    assert case.deadlines.get(period="legal_review_extension").stopped_on == date(2026, 10, 21)
    # A returned and resubmitted case has a new period of its own.
    assert not case.deadlines.filter(period__in=("legal_review", "legal_review_extension"), stopped_on=None).exists()


def test_a_major_decision_is_filed_with_the_body_above_within_the_days(desk):
    desk("report", date(2026, 10, 14), **big(10000))
    desk("submit_review", date(2026, 10, 14))
    desk("pass_review", date(2026, 10, 15), **APPROVED_REVIEW)
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    case = desk("decide", date(2026, 10, 20), **{**DECISION, "fine": Decimal(10000), "penalty_text": "罚款一万元"})
    # Fifteen days by default, named as a default, on the lists until filed.
    filing = case.deadlines.get(period="major_filing")
    assert (filing.due_on, filing.stopped_on) == (date(2026, 11, 4), None)
    assert desk.refused("file_major_penalty", date(2026, 10, 21), filed_with="测试市司法局").field == "evidence"
    case = desk("file_major_penalty", date(2026, 10, 21), filed_with="测试市司法局", evidence=[desk.scan])
    assert case.deadlines.get(period="major_filing").stopped_on == date(2026, 10, 21)
    assert case.records.get(action="file_major_penalty").data == {"filed_with": "测试市司法局", "late": False}
    assert (
        "没有待备案"
        in desk.refused("file_major_penalty", date(2026, 10, 22), filed_with="x", evidence=[desk.scan]).message
    )


def test_an_ordinary_decision_has_nothing_to_file(desk):
    desk("report", date(2026, 10, 14), **big(2000))
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    case = desk("decide", date(2026, 10, 20), **{**DECISION, "fine": Decimal(2000), "penalty_text": "罚款二千元"})
    assert not case.deadlines.filter(period="major_filing").exists()


def test_the_heads_amendment_is_what_is_noticed_and_their_no_is_never_decided(desk):
    # 行政处罚法 第五十七条第二款: the heads' collective decision binds; an amendment before approval is noticed.
    desk("report", date(2026, 10, 14), **big(2000, collective=True))
    desk("submit_approval", date(2026, 10, 14))
    desk("refer_collective", date(2026, 10, 14))
    heads = [desk.approver, desk.deputy]
    amended = {
        "conclusion": "amend",
        "minutes": "情节较重，改为罚款三千元",
        "penalty_kinds": ["fine"],
        "fine": Decimal(3000),
        "penalty_text": "罚款三千元",
        "evidence": [desk.scan],
    }
    assert desk.refused("record_collective", date(2026, 10, 15), participants=heads, **{**amended, "penalty_text": ""})
    case = desk("record_collective", date(2026, 10, 15), participants=heads, **amended)
    assert (case.fine, case.penalty_text) == (Decimal(3000), "罚款三千元")
    desk("approve", date(2026, 10, 15))
    case = desk("notify", date(2026, 10, 16), rights_stated=True)
    assert case.proposed_fine == Decimal(3000)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    # After the statement the heads conclude no penalty: a penalty decision is then refused.
    refusal = {"conclusion": "no_penalty", "minutes": "违法事实不清，不予处罚", "evidence": [desk.scan]}
    desk("record_collective", date(2026, 10, 20), participants=heads, **refusal)
    decided = {**DECISION, "fine": Decimal(3000), "penalty_text": "罚款三千元"}
    assert "结论不是作出处罚" in desk.refused("decide", date(2026, 10, 20), **decided).message
