"""Word drafts of a case's documents: filled from the case like the PDF, for those who may issue them before the
document is issued and as a copy after; never for a case out of the user's scope or a document not due."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document

from zhifa.cases import issuing
from zhifa.cases.tests.desk import ON_THE_SPOT, Desk
from zhifa.cases.tests.test_seizure_documents import seize
from zhifa.documents.word import CONTENT_TYPE
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db

REPORT = {
    "facts_found": "张某未经许可采伐林木12株",
    "legal_basis": "森林法 第五十六条",
    "penalty_basis": "森林法 第七十六条",
    "penalty_kinds": ["fine"],
    "fine": Decimal(1500),
    "penalty_text": "罚款人民币1500元",
    "discretion_reasons": "滥伐数量较少，属一般情节，按裁量基准处罚",
}


@pytest.fixture
def desk(world, evidence, time_machine):
    time_machine.move_to(at(TODAY))  # the year a copy's number carries, and the draft's dates
    desk = Desk(world, evidence)
    world.branch.short_name = "测甲"
    world.branch.save()
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    return desk


def draft(client, case, kind, **query):
    url = reverse("document_draft", args=[case.pk, kind])
    return client.get(url, query)


def text_of(response) -> str:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == CONTENT_TYPE
    document = Document(io.BytesIO(response.content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for p in document.sections[0].header.paragraphs]
    return "".join("".join(parts).split())


def test_the_officer_drafts_in_word_before_issuing_and_gets_a_copy_after(client, desk, world):
    desk("report", date(2026, 10, 14), **REPORT)
    desk("submit_approval", date(2026, 10, 14))
    client.force_login(world.officer_user)
    page = client.get(reverse("case_detail", args=[desk.case.pk])).content.decode()
    assert "下载 Word 草稿：立案审批表" in page
    assert "下载 Word 草稿：案件调查终结报告" in page

    filing = text_of(draft(client, desk.case, "filing_approval"))
    assert "立案审批表（草稿）" in filing
    assert "张某" in filing
    assert "滥伐林木" in filing
    assert "不是正式文书" in filing
    report = text_of(draft(client, desk.case, "investigation_report"))
    assert "张某未经许可采伐林木12株" in report  # the facts found
    assert "罚款人民币1500元" in report  # the penalty proposed
    assert "（草稿）" in report

    document = issuing.issue_document(desk.approver, desk.case, "filing_approval")
    copy = text_of(draft(client, desk.case, "filing_approval", entry=document.documents_entry))
    assert "测甲立审字〔2026〕第1号" in copy
    assert "（草稿）" not in copy
    assert "正式文书以系统出具的PDF（测甲立审字〔2026〕第1号）为准" in copy
    page = client.get(reverse("case_detail", args=[desk.case.pk])).content.decode()
    assert "下载 Word 草稿：立案审批表" not in page
    assert "下载 Word 草稿（已制作的 立案审批表 测甲立审字〔2026〕第1号 的副本）" in page


def test_the_penalty_decision_drafted_before_it_is_issued(client, desk, world):
    desk("report", date(2026, 10, 14), **REPORT)
    desk("submit_approval", date(2026, 10, 14))
    desk("approve", date(2026, 10, 15))
    desk("notify", date(2026, 10, 16), rights_stated=True)
    desk("record_statement", date(2026, 10, 19), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    desk("decide", date(2026, 10, 20), **REPORT)
    client.force_login(desk.approver)
    text = text_of(draft(client, desk.case, "penalty_decision"))
    assert "行政处罚决定书（草稿）" in text
    assert "当事人：张某" in text
    assert "经查明：张某未经许可采伐林木12株" in text
    assert "本机关决定对当事人作出如下行政处罚：罚款人民币1500元" in text
    assert "人民币1,500.00元（大写：壹仟伍佰元整）" in text


def test_the_seizure_inventory_lists_the_goods(client, desk, world):
    case = seize(desk, date(2026, 10, 14))
    client.force_login(world.officer_user)
    text = text_of(draft(client, case, "seizure_inventory"))
    assert "查封、扣押清单（草稿）" in text
    assert "1油锯1台" in text  # 序号, 名称, 数量 in a row
    assert "油松原木" in text


def test_the_decision_made_on_the_spot_comes_as_a_copy_with_its_number(client, desk, world):
    desk.case = None  # a new case, decided on the spot
    case = desk("decide_on_the_spot", date(2026, 11, 20), **ON_THE_SPOT, officers=[world.officer, world.colleague])
    client.force_login(world.officer_user)
    text = text_of(draft(client, case, "summary_decision"))
    assert "测甲当罚字〔2026〕第1号" in text
    assert "当事人：王某" in text
    assert "王某在林区野外用火" in text


def test_no_draft_outside_the_users_scope_nor_of_a_document_not_due(client, desk, world):
    desk("report", date(2026, 10, 14), **REPORT)
    client.force_login(world.outsider)  # a supervisor of another agency: the case is not his to see
    assert draft(client, desk.case, "filing_approval").status_code == 404
    client.force_login(world.officer_user)
    assert draft(client, desk.case, "penalty_decision").status_code == 404  # not decided yet
    assert draft(client, desk.case, "no_such_kind").status_code == 404
    assert draft(client, desk.case, "filing_approval", entry=1).status_code == 404  # not the filing's entry
    # The bureau's supervisor sees the case but issues nothing: no draft of what is not issued, no link to one.
    client.force_login(world.supervisor)
    assert draft(client, desk.case, "filing_approval").status_code == 403
    page = client.get(reverse("case_detail", args=[desk.case.pk])).content.decode()
    assert "下载 Word 草稿" not in page
