"""Challenges to a case's decision: administrative reconsideration (行政复议) and litigation (行政诉讼).

Recorded by the agency (or its supervisor) through supervision/challenges.py; the outcomes give each agency's
correction rate (纠错率). A case with a challenge pending is not supervised again (监督条例 第三十三条第三款).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhifa.cases.models import Case
from zhifa.core.models import Agency


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("维持或驳回")
    REVOKED = "revoked", pgettext_lazy("challenge outcome", "撤销")  # not the 撤销 of a role
    CHANGED = "changed", _("变更")
    CONFIRMED_UNLAWFUL = "confirmed_unlawful", _("确认违法或无效")
    ORDERED_TO_ACT = "ordered_to_act", _("责令履行")
    WITHDRAWN = "withdrawn", _("撤回申请或撤诉、终止")


# The outcomes that correct the agency (纠错): 撤销, 变更, 确认违法, 责令履行.
CORRECTED = (Outcome.REVOKED, Outcome.CHANGED, Outcome.CONFIRMED_UNLAWFUL, Outcome.ORDERED_TO_ACT)


class Reconsideration(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("案件"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("被申请人"))
    body = models.CharField(_("行政复议机关"), max_length=100)
    applied_on = models.DateField(_("申请日期"))
    decided_on = models.DateField(_("复议决定日期"), null=True, blank=True)
    outcome = models.CharField(_("复议结果"), max_length=30, choices=Outcome.choices, blank=True)
    # 行政复议法 第七十六条: the 复议机关's 意见书 on an unlawful or improper act; the correction reported in 60 days.
    opinion_received_on = models.DateField(_("收到行政复议意见书日期"), null=True, blank=True)
    opinion_text = models.TextField(_("行政复议意见书要点"), max_length=2000, blank=True)
    opinion_answered_on = models.DateField(_("报送纠正情况日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("行政复议")
        verbose_name_plural = _("行政复议")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(decided_on__isnull=False), name="supervision_reconsideration_decided"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body}：{self.case}"

    @property
    def pending(self) -> bool:
        return not self.outcome


class Litigation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("案件"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("被告"))
    court = models.CharField(_("人民法院"), max_length=100)
    filed_on = models.DateField(_("立案日期"))
    hearing_on = models.DateField(_("开庭日期"), null=True, blank=True)
    # 负责人出庭应诉: required for cases of public interest, high social concern, major impact, procuratorial
    # public-interest suits, or when the court asks (seed 000; 行政诉讼法 第三条第三款).
    head_required = models.BooleanField(_("须负责人出庭应诉"), default=False)
    head_required_reason = models.CharField(_("须出庭的原因"), max_length=200, blank=True)
    head_appeared = models.BooleanField(_("负责人已出庭"), null=True, blank=True)
    decided_on = models.DateField(_("裁判日期"), null=True, blank=True)
    outcome = models.CharField(_("裁判结果"), max_length=30, choices=Outcome.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("行政诉讼")
        verbose_name_plural = _("行政诉讼")
        ordering = ["-filed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(decided_on__isnull=False), name="supervision_litigation_decided"
            )
        ]

    def __str__(self) -> str:
        return f"{self.court}：{self.case}"

    @property
    def pending(self) -> bool:
        return not self.outcome
