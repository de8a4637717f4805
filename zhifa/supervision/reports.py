"""The reports an agency owes its supervisor, and the supervisor's tracking of them.

- the quarterly report on enforcement (seed 000: 开展情况、取得成效、存在问题、下一步工作计划、有无新增违法违规行为,
  with the cases handled), due by 15 March, 15 June, 15 September and 15 December;
- the year's statistics report (统计年报): the year's data, reported by 31 January of the next year and made public
  (国办发〔2018〕118号; seed 001: 向区司法局报送…并向社会公布; seed 004).

A report is made as a draft with its figures computed from the record (supervision/statistics.py); the agency writes
the narrative; submitting it freezes the figures (recomputed that day) and records their SHA-256 in the ledger; the
supervisor of the agency above accepts it or returns it with a reason; an accepted annual report is published on the
portal. Every change here is one service in one transaction with its ledger entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.scoping import visible_agencies
from zhifa.ledger.services import record
from zhifa.supervision import statistics
from zhifa.supervision.models.reports import AnnualReport, ReportKind, ReportState

# The due dates, as data with their sources (laws by date: a province or an agency may set others).
SCHEDULE: dict[str, dict[str, Any]] = {
    ReportKind.QUARTERLY: {
        # quarter → (month, day) of the same year
        "due": {1: (3, 15), 2: (6, 15), 3: (9, 15), 4: (12, 15)},
        "source": "内蒙古大青山国家级自然保护区管理局规范行政执法行为实施方案（2022）：各分局按3月15日、6月15日、"
        "9月15日、12月15日前报送季度总结（seed 000）",
    },
    ReportKind.ANNUAL: {
        "due": (1, 31),  # of the next year
        "source": "国办发〔2018〕118号：每年1月31日前公开本机关上年度行政执法总体情况有关数据（seeds 001, 004）",
    },
}
# Reports are tracked (and warned of) from the first due date on or after this day: the 行政执法监督条例 takes effect
# (第四十四条); before it the system holds no duty to track.
TRACKED_FROM = date(2026, 2, 1)

# The narrative's headings: the agency writes the text, the figures are filled in below them.
NARRATIVE: dict[str, tuple[tuple[str, str], ...]] = {
    ReportKind.QUARTERLY: (  # seed 000
        ("work", "一、本季度行政执法开展情况"),
        ("results", "二、取得的成效"),
        ("problems", "三、存在的问题"),
        ("violations", "四、有无新增违法违规行为"),
        ("plan", "五、下一步工作计划"),
    ),
    ReportKind.ANNUAL: (  # seed 001: 上年度行政执法情况及有关数据
        ("overview", "一、年度行政执法总体情况"),
        ("measures", "二、主要做法和成效"),
        ("problems", "三、存在的问题和原因"),
        ("plan", "四、下一年度工作安排"),
    ),
}
NARRATIVE_LENGTH = 5000  # characters a section
REASON_LENGTH = 1000


def period_of(kind: str, year: int, quarter: int) -> tuple[date, date]:
    if kind == ReportKind.ANNUAL:
        return date(year, 1, 1), date(year, 12, 31)
    first_month = 3 * (quarter - 1) + 1
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, first_month + 3, 1)
    return date(year, first_month, 1), date.fromordinal(end.toordinal() - 1)


def due_of(kind: str, year: int, quarter: int) -> date:
    if kind == ReportKind.ANNUAL:
        month, day = SCHEDULE[ReportKind.ANNUAL]["due"]
        return date(year + 1, month, day)
    month, day = SCHEDULE[ReportKind.QUARTERLY]["due"][quarter]
    return date(year, month, day)


def owes(agency: Agency, kind: str) -> bool:
    """Every agency owes its annual report; the quarterly report is owed by an agency to the one above (seed 000:
    the branches to the bureau)."""
    return kind == ReportKind.ANNUAL or agency.parent_id is not None


def latest_due(kind: str, today: date) -> tuple[int, int] | None:
    """The (year, quarter) of the last report of `kind` due on or before `today` and tracked."""
    candidates: list[tuple[date, int, int]] = []
    for year in (today.year - 1, today.year):
        if kind == ReportKind.ANNUAL:
            candidates.append((due_of(kind, year, 0), year, 0))
        else:
            candidates.extend((due_of(kind, year, q), year, q) for q in (1, 2, 3, 4))
    passed = [c for c in candidates if TRACKED_FROM <= c[0] <= today]
    if not passed:
        return None
    _due, year, quarter = max(passed)
    return year, quarter


def next_due(kind: str, today: date) -> tuple[int, int]:
    """The (year, quarter) of the next report of `kind` due after `today`."""
    candidates: list[tuple[date, int, int]] = []
    for year in (today.year - 1, today.year, today.year + 1):
        if kind == ReportKind.ANNUAL:
            candidates.append((due_of(kind, year, 0), year, 0))
        else:
            candidates.extend((due_of(kind, year, q), year, q) for q in (1, 2, 3, 4))
    _due, year, quarter = min(c for c in candidates if c[0] > today)
    return year, quarter


def canonical(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def figures_of(agency: Agency, start: date, end: date, as_of: date) -> dict[str, Any]:
    """The figures a report carries: the agency's subtree total and each agency right below it (for the comparison
    and the chart), as JSON."""
    figures = statistics.statistics_for(agency, start, end, as_of)
    return {
        "as_of": figures.as_of.isoformat(),
        "total": statistics.as_data(figures.total),
        "agencies": [
            {"id": row.agency_id, "name": row.name, "figures": statistics.as_data(row.subtree)}
            for row in figures.children()
        ],
    }


def figures_hash(figures: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(figures).encode()).hexdigest()


# Who may do what --------------------------------------------------------------------------------------------------


def may_write(actor: User, agency: Agency) -> bool:
    """The agency's own head writes and submits its report: its approvers (who act for the head) or the officer
    named its head."""
    if not actor.is_authenticated or actor.agency_id != agency.pk:
        return False
    return actor.has_role(Role.APPROVER) or (agency.head is not None and agency.head.user_id == actor.pk)


def may_review(actor: User, report: AnnualReport) -> bool:
    """A supervisor of an agency above the reporting one; for the top agency, which reports outside the system (to
    its government's justice department, 监督条例 第六条), a supervisor of the agency itself records the receipt."""
    if not actor.is_authenticated or actor.agency is None or not actor.has_role(Role.SUPERVISOR):
        return False
    if report.addressed_to_id is None:
        return actor.agency_id == report.agency_id
    return report.agency.is_within(actor.agency) and actor.agency_id != report.agency_id


def reports_for(actor: User) -> QuerySet[AnnualReport]:
    return AnnualReport.objects.filter(agency__in=visible_agencies(actor)).select_related("agency", "addressed_to")


# Services ---------------------------------------------------------------------------------------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Refusal(message)


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update(of=("self",)).select_related("agency").get(pk=report.pk)


def _record(actor: User, verb: str, report: AnnualReport, facts: dict[str, Any]) -> AnnualReport:
    entry = record(
        actor=actor,
        action=f"supervision.report_{verb}",
        subject=report,
        facts={"report": report.pk, "kind": report.kind, "year": report.year, "quarter": report.quarter, **facts},
        agency=report.agency,
    )
    report.entry_index = entry.index
    report.save()
    return report


def report_create(*, actor: User, agency: Agency, kind: str, year: int, quarter: int, today: date) -> AnnualReport:
    """A draft of the agency's report for the period, its figures computed as of `today` (at most the period's end)."""
    _require(may_write(actor, agency), "只有本机关负责人（案件审批人）可以编制本机关的报告")
    if kind not in ReportKind.values:
        raise Refusal("请选择报告种类（季度报告或统计年报）", field="kind")
    if kind == ReportKind.QUARTERLY and quarter not in (1, 2, 3, 4):
        raise Refusal("季度应为一至四", field="quarter")
    if kind == ReportKind.ANNUAL:
        quarter = 0
    if not owes(agency, kind):
        raise Refusal("最上级机关不报送季度报告（季度报告由分局报送上级机关）", field="kind")
    start, end = period_of(kind, year, quarter)
    if today < start:
        raise Refusal("统计期尚未开始，不能编制报告", field="year")
    with transaction.atomic():
        if AnnualReport.objects.filter(agency=agency, kind=kind, year=year, quarter=quarter).exists():
            raise Refusal("本机关该期报告已经编制，请在原报告上修改", field="year")
        figures = figures_of(agency, start, end, today)
        report = AnnualReport.objects.create(
            kind=kind,
            agency=agency,
            addressed_to=agency.parent,
            year=year,
            quarter=quarter,
            period_start=start,
            period_end=end,
            due_on=due_of(kind, year, quarter),
            due_source=SCHEDULE[kind]["source"][:200],
            figures=figures,
            figures_as_of=date.fromisoformat(figures["as_of"]),
            figures_sha256=figures_hash(figures),
            narrative={key: "" for key, _heading in NARRATIVE[kind]},
            entry_index=0,
            created_by=actor,
        )
        return _record(actor, "create", report, {"figures_sha256": report.figures_sha256, "as_of": figures["as_of"]})


def report_refresh(*, actor: User, report: AnnualReport, today: date) -> AnnualReport:
    """The figures computed again from the record as of `today` (a draft or a returned report only)."""
    with transaction.atomic():
        report = _locked(report)
        _require(may_write(actor, report.agency), "只有本机关负责人（案件审批人）可以更新本机关报告的数据")
        _require(report.editable, "报告已报送，数据不能再更新")
        figures = figures_of(report.agency, report.period_start, report.period_end, today)
        report.figures = figures
        report.figures_as_of = date.fromisoformat(figures["as_of"])
        report.figures_sha256 = figures_hash(figures)
        return _record(actor, "refresh", report, {"figures_sha256": report.figures_sha256, "as_of": figures["as_of"]})


def report_write(*, actor: User, report: AnnualReport, narrative: dict[str, str]) -> AnnualReport:
    """The agency's text under each heading (a draft or a returned report only)."""
    with transaction.atomic():
        report = _locked(report)
        _require(may_write(actor, report.agency), "只有本机关负责人（案件审批人）可以修改本机关的报告")
        _require(report.editable, "报告已报送，正文不能再修改")
        text: dict[str, str] = {}
        for key, heading in NARRATIVE[report.kind]:
            value = str(narrative.get(key) or "").strip()
            if len(value) > NARRATIVE_LENGTH:
                raise Refusal(f"「{heading}」不能超过{NARRATIVE_LENGTH}字（现为{len(value)}字）", field=key)
            text[key] = value
        report.narrative = text
        digest = hashlib.sha256(canonical(text).encode()).hexdigest()
        return _record(actor, "write", report, {"narrative_sha256": digest})


def report_submit(*, actor: User, report: AnnualReport, today: date) -> AnnualReport:
    """Submitted to the agency above: the figures computed once more and frozen, their hash in the ledger entry,
    the days late (if any) with it."""
    with transaction.atomic():
        report = _locked(report)
        _require(may_write(actor, report.agency), "只有本机关负责人（案件审批人）可以报送本机关的报告")
        _require(report.editable, "报告已报送，等待审核")
        if today < report.period_start:
            raise Refusal("统计期尚未开始，不能报送", field="submitted_on")
        missing = [heading for key, heading in NARRATIVE[report.kind] if not report.narrative.get(key)]
        if missing:
            raise Refusal(f"请先填写报告正文：{'、'.join(missing)}", field="narrative")
        figures = figures_of(report.agency, report.period_start, report.period_end, today)
        report.figures = figures
        report.figures_as_of = date.fromisoformat(figures["as_of"])
        report.figures_sha256 = figures_hash(figures)
        report.state = ReportState.SUBMITTED
        report.submitted_on = today
        report.submitted_by = actor
        report.return_reason = ""
        days_late = max(0, (today - report.due_on).days)
        facts = {
            "figures": figures,
            "figures_sha256": report.figures_sha256,
            "narrative_sha256": hashlib.sha256(canonical(report.narrative).encode()).hexdigest(),
            "submitted_on": today.isoformat(),
            "due_on": report.due_on.isoformat(),
            "days_late": days_late,
            "addressed_to": report.addressed_to.name if report.addressed_to else "",
        }
        return _record(actor, "submit", report, facts)


def report_accept(*, actor: User, report: AnnualReport, today: date) -> AnnualReport:
    """Accepted by the supervisor; an annual report is published on the portal that day (国办发〔2018〕118号)."""
    with transaction.atomic():
        report = _locked(report)
        _require(may_review(actor, report), "只有上级机关的执法监督人员可以审核报告")
        _require(report.state == ReportState.SUBMITTED, "只有已报送的报告可以接收")
        report.state = ReportState.ACCEPTED
        report.reviewed_on = today
        if report.kind == ReportKind.ANNUAL:
            report.published_on = today
        facts = {"figures_sha256": report.figures_sha256, "reviewed_on": today.isoformat()}
        if report.published_on:
            facts["published_on"] = today.isoformat()
        return _record(actor, "accept", report, facts)


def report_return(*, actor: User, report: AnnualReport, reason: str, today: date) -> AnnualReport:
    """Returned to the agency with the reason: it corrects and submits again (the due date stays)."""
    reason = reason.strip()
    if not reason:
        raise Refusal("请填写退回理由", field="reason")
    if len(reason) > REASON_LENGTH:
        raise Refusal(f"退回理由不能超过{REASON_LENGTH}字", field="reason")
    with transaction.atomic():
        report = _locked(report)
        _require(may_review(actor, report), "只有上级机关的执法监督人员可以审核报告")
        _require(report.state == ReportState.SUBMITTED, "只有已报送的报告可以退回")
        report.state = ReportState.RETURNED
        report.reviewed_on = today
        report.return_reason = reason
        return _record(actor, "return", report, {"reason": reason, "reviewed_on": today.isoformat()})


# Tracking ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    """One agency's report for a period as its supervisor sees it: the report if made, and where it stands."""

    agency: Agency
    kind: str
    year: int
    quarter: int
    due_on: date
    report: AnnualReport | None
    today: date

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.submitted_on is not None

    @property
    def late(self) -> bool:
        """Submitted after the due date, or not yet submitted and the date passed."""
        if self.report is not None and self.report.submitted_on is not None:
            return self.report.submitted_on > self.due_on
        return self.today > self.due_on

    @property
    def days(self) -> int:
        """Days left before the due date (positive), or days late (negative)."""
        end = self.report.submitted_on if self.report is not None and self.report.submitted_on else self.today
        return (self.due_on - end).days

    @property
    def status(self) -> str:
        if self.report is None or self.report.submitted_on is None:
            return f"逾期{-self.days}日未报送" if self.days < 0 else f"尚余{self.days}日"
        label = self.report.get_state_display()
        return f"{label}（逾期{-self.days}日报送）" if self.days < 0 else f"{label}（按期报送）"


def duties(actor: User, kind: str, year: int, quarter: int, today: date) -> list[Duty]:
    """The reports of the period owed by the agencies below the actor's (the supervisor's list): two queries."""
    if actor.agency is None:
        return []
    agencies = [
        agency for agency in visible_agencies(actor).exclude(pk=actor.agency.pk).order_by("path") if owes(agency, kind)
    ]
    quarter = 0 if kind == ReportKind.ANNUAL else quarter
    made = {
        report.agency_id: report
        for report in AnnualReport.objects.filter(
            agency__in=[a.pk for a in agencies], kind=kind, year=year, quarter=quarter
        )
    }
    due = due_of(kind, year, quarter)
    return [Duty(agency, kind, year, quarter, due, made.get(agency.pk), today) for agency in agencies]
