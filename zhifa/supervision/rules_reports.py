"""The warning rule of reports: a report owed and not submitted by its due date (报告逾期未报送)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.utils.translation import gettext_lazy as _

from zhifa.core.models import Agency
from zhifa.supervision import reports
from zhifa.supervision.models.reports import AnnualReport, ReportKind
from zhifa.supervision.warning_rules import Finding, WarningRule, register


def late_reports(today: date) -> Iterator[Finding]:
    """For the last quarterly and the last annual report due (tracked from 2026-02-01): each agency that owes it and
    has not submitted it. Three queries."""
    agencies = list(Agency.objects.only("pk", "name", "parent_id"))
    for kind in (ReportKind.QUARTERLY, ReportKind.ANNUAL):
        period = reports.latest_due(kind, today)
        if period is None:
            continue
        year, quarter = period
        due = reports.due_of(kind, year, quarter)
        submitted = set(
            AnnualReport.objects.filter(kind=kind, year=year, quarter=quarter, submitted_on__isnull=False).values_list(
                "agency_id", flat=True
            )
        )
        label = f"{year}年度统计年报" if kind == ReportKind.ANNUAL else f"{year}年第{quarter}季度行政执法情况报告"
        for agency in agencies:
            if reports.owes(agency, kind) and agency.pk not in submitted:
                yield Finding(
                    agency_id=agency.pk,
                    key=f"reports.late:{kind}:{year}:{quarter}:{agency.pk}",
                    detail=f"{agency.name}的{label}应于{due.year}年{due.month}月{due.day}日前报送，"
                    f"已逾期{(today - due).days}日未报送",
                )


LATE = register(
    WarningRule(
        code="reports.late",
        name=_("报告逾期未报送"),
        source="季度报告：seed 000（3月15日、6月15日、9月15日、12月15日前）；统计年报：国办发〔2018〕118号",
        find=late_reports,
    )
)
