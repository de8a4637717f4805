"""Reports (统计年报 and the quarterly report): the figures are those counted by hand on a small world, the lifecycle
leaves its ledger entries with the figures' hash, a report not submitted in time is flagged, the PDF and the Word
file carry the figures and the narrative, the export names its fields."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from zhifa.cases import services
from zhifa.cases.tests.desk import ON_THE_SPOT, SMALL_FINE_REPORT, Desk
from zhifa.core.errors import Refusal
from zhifa.ledger.models import Entry
from zhifa.supervision import report_documents, report_export, reports
from zhifa.supervision.models.reports import ReportKind, ReportState
from zhifa.supervision.rules_reports import late_reports
from zhifa.supervision.statistics import statistics_for
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db

DECISION = {k: v for k, v in SMALL_FINE_REPORT.items() if k not in ("facts_found", "legal_basis")}
NARRATIVE = {
    "work": "本季度开展林区巡护执法",
    "results": "查处滥伐林木案件",
    "problems": "执法人员不足",
    "violations": "无新增违法违规行为",
    "plan": "加强培训",
}


@pytest.fixture
def desk(world, evidence, time_machine):
    """In the branch, the fourth quarter of 2026: 滥伐林木 decided with a fine of 1,000 yuan; a lead left unfiled since
    9 October (its 15 working days to decide on filing long passed); a fine of 50 yuan on the spot."""
    time_machine.move_to(at(TODAY))
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    desk.investigate(date(2026, 11, 3))
    desk("report", date(2026, 11, 4), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 11, 4))
    desk("approve", date(2026, 11, 5))
    desk("notify", date(2026, 11, 6), rights_stated=True)
    desk("record_statement", date(2026, 11, 16), waived_statement=True, waived_hearing=True, evidence=[desk.scan])
    desk("decide", date(2026, 11, 17), **DECISION)
    desk.case = None
    desk.lead(date(2026, 10, 9), title="非法采挖野生植物")
    give = {"on_date": date(2026, 11, 20), "officers": [world.officer, world.colleague]}
    services.perform(world.officer_user, "decide_on_the_spot", {**ON_THE_SPOT, **give}, agency=world.branch)
    return desk


def test_the_figures_are_those_counted_by_hand(desk, world):
    figures = statistics_for(world.bureau, date(2026, 10, 1), date(2026, 12, 31), TODAY)
    counted = {
        "received": 3,  # the two leads and the case opened on the spot
        "filed": 1,
        "decisions": 2,
        "summary": 1,
        "fines": Decimal("1050.00"),
        "confiscated": Decimal(0),
        "kind_fine": 2,
        "kind_warning": 0,
        "no_penalty": 0,
        "hearings": 0,
        "reviews": 0,
        "to_judiciary": 0,
        "closed": 0,
        "overdue": 1,  # the lead not filed in time
        "published_on_time": 0,
        "unpublished": 2,
        "complaints_received": 0,
        # 甲执法, 乙执法 and the reviewer 丁审核 in the branch, 丙执法 in the sibling, the chair 戊主持 in the bureau
        "officers": 5,
        "auxiliaries": 1,  # 丁辅助
        "certificates_valid": 4,  # reissued from December 2025 to 甲, 乙, 丙 and the chair
    }
    assert {key: figures.total[key] for key in counted} == counted
    by_agency = {row.name: row.subtree for row in figures.children()}
    assert by_agency["测试管理局甲分局"]["decisions"] == 2
    assert by_agency["测试管理局甲分局"]["officers"] == 3
    assert by_agency["测试管理局乙分局"]["received"] == 0
    assert by_agency["测试管理局乙分局"]["officers"] == 1
    # Outside the quarter: nothing decided in the third.
    assert statistics_for(world.bureau, date(2026, 7, 1), date(2026, 9, 30), TODAY).total["decisions"] == 0


def _entries(action: str) -> list[dict[str, Any]]:
    return [json.loads(e.facts.facts) for e in Entry.objects.filter(action=action).select_related("facts")]


def test_a_quarterly_report_is_drafted_submitted_returned_and_accepted_each_step_recorded(desk, world):
    branch_head = desk.approver
    report = reports.report_create(
        actor=branch_head, agency=world.branch, kind=ReportKind.QUARTERLY, year=2026, quarter=4, today=TODAY
    )
    assert report.due_on == date(2026, 12, 15)
    assert report.addressed_to == world.bureau
    assert report.figures["total"]["decisions"] == 2
    with pytest.raises(Refusal, match="请先填写报告正文"):
        reports.report_submit(actor=branch_head, report=report, today=TODAY)
    with pytest.raises(Refusal, match="上级机关的执法监督人员"):
        reports.report_accept(actor=branch_head, report=report, today=TODAY)
    reports.report_write(actor=branch_head, report=report, narrative=NARRATIVE)
    report = reports.report_submit(actor=branch_head, report=report, today=TODAY)
    assert report.state == ReportState.SUBMITTED
    submitted = _entries("supervision.report_submit")[-1]
    assert submitted["figures_sha256"] == report.figures_sha256 == reports.figures_hash(report.figures)
    assert submitted["days_late"] == 0
    with pytest.raises(Refusal, match="正文不能再修改"):
        reports.report_write(actor=branch_head, report=report, narrative=NARRATIVE)

    report = reports.report_return(actor=world.supervisor, report=report, reason="请补充案件查处情况", today=TODAY)
    assert report.state == ReportState.RETURNED
    reports.report_write(actor=branch_head, report=report, narrative={**NARRATIVE, "work": "补充：查处两起"})
    reports.report_submit(actor=branch_head, report=report, today=TODAY)
    report = reports.report_accept(actor=world.supervisor, report=report, today=TODAY)
    assert report.state == ReportState.ACCEPTED
    assert report.published_on is None  # a quarterly report is not published
    actions = list(
        Entry.objects.filter(action__startswith="supervision.report_")
        .order_by("index")
        .values_list("action", flat=True)
    )
    assert actions == [
        "supervision.report_create",
        "supervision.report_write",
        "supervision.report_submit",
        "supervision.report_return",
        "supervision.report_write",
        "supervision.report_submit",
        "supervision.report_accept",
    ]


def test_a_report_not_submitted_by_its_due_date_is_flagged_and_listed_late(desk, world):
    branch_head = desk.approver
    # 15 December 2026 passed: the branch submitted its fourth-quarter report on the 18th, the sibling none.
    report = reports.report_create(
        actor=branch_head, agency=world.branch, kind=ReportKind.QUARTERLY, year=2026, quarter=4, today=TODAY
    )
    reports.report_write(actor=branch_head, report=report, narrative=NARRATIVE)
    reports.report_submit(actor=branch_head, report=report, today=date(2026, 12, 18))
    found = {finding.agency_id: finding for finding in late_reports(date(2026, 12, 20))}
    assert world.sibling.pk in found
    assert "已逾期5日未报送" in found[world.sibling.pk].detail
    assert world.branch.pk not in found  # submitted, if late
    assert world.bureau.pk not in found  # the top agency owes no quarterly report (and no annual one is due yet)
    listed = {
        duty.agency.pk: duty for duty in reports.duties(world.supervisor, "quarterly", 2026, 4, date(2026, 12, 20))
    }
    assert listed[world.branch.pk].late
    assert listed[world.branch.pk].days == -3
    assert listed[world.sibling.pk].status == "逾期5日未报送"
    assert _entries("supervision.report_submit")[-1]["days_late"] == 3
    # Before the due date: days left, nothing flagged.
    assert not [f for f in late_reports(date(2026, 12, 14)) if "第4季度" in f.detail]
    assert reports.duties(world.supervisor, "quarterly", 2026, 4, date(2026, 12, 10))[-1].status == "尚余5日"


def test_the_pdf_and_the_word_file_carry_the_figures_the_chart_and_the_narrative(desk, world):
    from docx import Document
    from pypdf import PdfReader

    report = reports.report_create(
        actor=desk.approver, agency=world.branch, kind=ReportKind.QUARTERLY, year=2026, quarter=4, today=TODAY
    )
    report = reports.report_write(actor=desk.approver, report=report, narrative=NARRATIVE)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_documents.render_pdf(report))).pages)
    squeezed = text.replace(" ", "").replace("\n", "")
    assert "执法人员不足" in squeezed
    assert "1,050.00" in squeezed or "1050.00" in squeezed
    assert "三、存在的问题" in squeezed
    word = Document(io.BytesIO(report_documents.render_docx(report)))
    paragraphs = "\n".join(p.text for p in word.paragraphs)
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert "执法人员不足" in paragraphs
    assert "三、存在的问题" in paragraphs
    assert "1,050.00" in cells
    assert len(word.inline_shapes) == 1  # the chart


def test_the_export_names_each_field_after_the_data_standard(desk, world):
    report = reports.report_create(
        actor=desk.approver, agency=world.branch, kind=ReportKind.ANNUAL, year=2026, quarter=0, today=TODAY
    )
    data = report_export.as_json(report)
    assert data["standard"] == report_export.STANDARD
    fields = {field["code"]: field for field in data["fields"]}
    assert fields["XZCFJDS"]["value"] == 2  # 行政处罚决定（件）
    assert fields["FKJE"]["value"] == "1050.00"
    assert fields["TJQQ"]["value"] == "2026-01-01"
    assert fields["ZFZTTYSHXYDM"]["value"] == world.branch.credit_code
    rows = list(csv.reader(io.StringIO(report_export.as_csv(report))))
    assert rows[0] == ["数据元标识", "数据元名称", "值", "单位"]
    assert ["XZCFJDS", "行政处罚决定数", "2", "件"] in rows


def test_reconsiderations_and_lawsuits_are_counted_with_those_corrected_by_the_figures_day(desk, world):
    from zhifa.cases.models import Case
    from zhifa.supervision import challenges

    decided = Case.objects.filter(agency=world.branch, decided_on__isnull=False).exclude(procedure="summary").get()
    row = challenges.reconsideration_record(
        actor=world.supervisor, case=decided, body="测试市人民政府", applied_on=date(2026, 11, 18)
    )
    challenges.reconsideration_decide(actor=world.supervisor, row=row, outcome="revoked", decided_on=date(2026, 11, 20))
    court = "测试区人民法院"
    challenges.litigation_record(actor=world.supervisor, case=decided, court=court, filed_on=date(2026, 11, 19))
    quarter = (date(2026, 10, 1), date(2026, 12, 31))
    figures = statistics_for(world.bureau, *quarter, TODAY).total
    assert (figures["reconsiderations"], figures["reconsiderations_corrected"]) == (1, 1)
    assert (figures["litigations"], figures["litigations_corrected"]) == (1, 0)
    before = statistics_for(world.bureau, *quarter, date(2026, 11, 19)).total
    assert before["reconsiderations_corrected"] == 0  # revoked only on the 20th
    assert statistics_for(world.sibling, *quarter, TODAY).total["reconsiderations"] == 0
