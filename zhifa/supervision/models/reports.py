"""Reports an agency owes its supervisor: the quarterly enforcement report (seed 000: by 15 March, 15 June,
15 September, 15 December) and the year's statistics report (统计年报, by 31 January: 国办发〔2018〕118号; seeds 001,
004). Changed only by supervision/reports.py, each change with its ledger entry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.models import Agency


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly", _("季度行政执法情况报告")
    ANNUAL = "annual", _("行政执法统计年报")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送，待审核")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回修改")


class AnnualReport(models.Model):
    """One report of an agency for a period: the figures computed from the record (supervision/statistics.py) with
    their SHA-256, the narrative the agency writes under the report's headings, and where it stands.

    The GLOSSARY's `AnnualReport` (统计年报); the quarterly report is the same record with `kind="quarterly"`. The
    figures are frozen when the report is submitted; the ledger entry of the submission carries their hash."""

    kind = models.CharField(_("报告种类"), max_length=20, choices=ReportKind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("报告机关"))
    # The agency it is submitted to (the one above); none for the top agency, which reports outside the system.
    addressed_to = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("报送机关")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), default=0)  # 0 for the annual report
    period_start = models.DateField(_("统计期起"))
    period_end = models.DateField(_("统计期止"))
    due_on = models.DateField(_("报送期限"))
    due_source = models.CharField(_("期限依据"), max_length=200)
    state = models.CharField(_("状态"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    figures = models.JSONField(_("统计数据"), default=dict)
    figures_as_of = models.DateField(_("数据截至"))
    figures_sha256 = models.CharField(_("统计数据 SHA-256"), max_length=64)
    # {"section key": "the agency's text"} under the headings of supervision/reports.py NARRATIVE.
    narrative = models.JSONField(_("报告正文"), default=dict, blank=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    published_on = models.DateField(_("向社会公布日期"), null=True, blank=True)
    entry_index = models.BigIntegerField(_("最近一次变更的记录序号"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行政执法报告")
        verbose_name_plural = _("行政执法报告")
        ordering = ["-year", "-quarter", "agency__path"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "year", "quarter"], name="one_report_per_period"),
            models.CheckConstraint(condition=Q(state__in=ReportState.values), name="report_state_known"),
            models.CheckConstraint(
                condition=(Q(kind=ReportKind.ANNUAL, quarter=0) | Q(kind=ReportKind.QUARTERLY, quarter__range=(1, 4))),
                name="report_quarter_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(state=ReportState.DRAFT) | ~Q(submitted_on=None), name="report_submitted_dated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.period_label}"

    @property
    def period_label(self) -> str:
        if self.kind == ReportKind.ANNUAL:
            return f"{self.year}年度行政执法统计年报"
        return f"{self.year}年第{'一二三四'[self.quarter - 1]}季度行政执法情况报告"

    @property
    def editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)
