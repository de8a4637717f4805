"""Running counts of cases for the supervisor's overview (supervision/overview.py), kept by the database itself.

A province holds 10⁶ cases; counting them per agency and month on every view of the overview read 10⁵–10⁶ index
entries (bench/supervision_bench.py). These two tables hold the same counts, kept current by triggers on the case
table (migration 0002_case_tallies) in the transaction that changes a case — whatever writes it: a service, a bulk
insert, a data repair. `zhifa supervision tallies --check` compares them with a count of the cases, `--rebuild`
recounts them. They are derived figures, never part of the record: the ledger holds the acts, the case table their
dates, these only sums of those dates.

Cases are never deleted (the record refers to them), so the triggers follow inserts and changes of the agency or of a
stage's date; a deleted case would stay counted until a rebuild."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.models import Agency


class CaseStageCount(models.Model):
    """How many of an agency's cases reached `stage` (its date set on the case) in a month."""

    agency = models.ForeignKey(
        Agency, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("执法机关")
    )
    stage = models.CharField(_("环节"), max_length=10)  # received / filed / decided / closed (overview.STAGES)
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    n = models.IntegerField(_("案件数"), default=0)

    class Meta:
        verbose_name = _("各月办案数量")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["year", "agency", "stage", "month"], name="case_stage_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.stage} {self.year}-{self.month:02d}: {self.n}"


class DecisionSpanCount(models.Model):
    """How many of an agency's cases decided in `year` took `days` calendar days from filing to decision."""

    agency = models.ForeignKey(
        Agency, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", verbose_name=_("执法机关")
    )
    year = models.PositiveSmallIntegerField(_("决定年度"))
    days = models.IntegerField(_("立案至决定的自然日"))
    n = models.IntegerField(_("案件数"), default=0)

    class Meta:
        verbose_name = _("办案用时分布")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["year", "agency", "days"], name="decision_span_count_key"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.days}日: {self.n}"
