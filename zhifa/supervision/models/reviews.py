"""Case-file review (案卷评查, 行政执法监督条例 第十八条): the criteria a supervisor publishes, the review rounds he
opens over the closed files of the agencies below him, and each file's review. Written only by
supervision/reviews.py, each change with its ledger entry in the same transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import Case
from zhifa.core.models import Agency


class ReviewCriteria(models.Model):
    """One published version of a supervisor's scoring sheet (评查标准), in force from its date; versions are added,
    never changed (supervision/review_criteria.py holds the default and the arithmetic)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布机关"))
    effective_from = models.DateField(_("施行日期"))
    sheet = models.JSONField(_("评查标准"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案卷评查标准")
        verbose_name_plural = _("案卷评查标准")
        ordering = ["agency", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "effective_from"], name="review_criteria_one_version_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.sheet.get('name', '')}（{self.effective_from} 起）"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a published version of the review criteria is never changed: publish a new one")
        super().save(*args, **kwargs)


class ReviewMethod(models.TextChoices):
    RANDOM = "random", _("按比例随机抽取")
    SELECTED = "selected", _("选定案卷")


class ReviewRound(models.Model):
    """A review round (评查活动): the files of the agencies below `agency` closed in a period, drawn at random by
    ratio from a recorded seed, or selected; each drawn file gets a FileReview."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("评查机关"))
    title = models.CharField(_("评查活动名称"), max_length=100)
    period_from = models.DateField(_("结案日期自"))
    period_to = models.DateField(_("结案日期至"))
    method = models.CharField(_("抽取方式"), max_length=10, choices=ReviewMethod.choices)
    ratio = models.DecimalField(_("抽取比例"), max_digits=4, decimal_places=3, null=True, blank=True)
    min_per_agency = models.PositiveSmallIntegerField(_("每个机关至少"), default=1)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    # The sorted ids of the files that could be drawn: with the seed, anyone recomputes the draw (reviews.draw).
    eligible = models.JSONField(_("可抽取案卷"), default=list)
    opened_on = models.DateField(_("开展日期"))
    seed_entry = models.BigIntegerField(_("记录种子的记录序号"), null=True, blank=True)
    draw_entry = models.BigIntegerField(_("记录抽取结果的记录序号"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("案卷评查活动")
        verbose_name_plural = _("案卷评查活动")
        ordering = ["-opened_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Grade(models.TextChoices):
    """GLOSSARY: 优秀 / 合格 / 不合格."""

    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class ReviewState(models.TextChoices):
    OPEN = "open", _("待评查")
    SCORED = "scored", _("已评分")
    ISSUED = "issued", _("已出具评查表")


class FileReview(models.Model):
    """案卷评查: one closed file reviewed in a round — the findings read from the record when it was drawn, the
    deductions the reviewer confirmed, the score and grade, the sheet issued, the agency's objection and answer."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="reviews")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+", verbose_name=_("案件"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("被评查机关"))
    state = models.CharField(_("状态"), max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    findings = models.JSONField(_("系统核查发现"), default=list)
    found_on = models.DateField(_("核查日期"))
    # [{"code": criterion, "points": "2", "note": "…", "finding": finding code or ""}]
    deductions = models.JSONField(_("扣分"), default=list)
    vetoes = models.JSONField(_("否决项"), default=list)  # [{"code": veto code, "note": "…"}]
    criteria = models.ForeignKey(ReviewCriteria, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    criteria_version = models.CharField(_("评查标准版本"), max_length=20, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices, blank=True)
    note = models.TextField(_("评查意见"), blank=True)
    reviewed_on = models.DateField(_("评查日期"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score_entry = models.BigIntegerField(_("评分的记录序号"), null=True, blank=True)
    sheet_number = models.CharField(_("评查表编号"), max_length=60, blank=True)
    sheet_sha256 = models.CharField(max_length=64, blank=True)
    sheet_entry = models.BigIntegerField(null=True, blank=True)
    sheet_issued_on = models.DateField(_("出具日期"), null=True, blank=True)
    objection = models.TextField(_("被评查机关的异议"), blank=True)
    objected_on = models.DateField(_("提出异议日期"), null=True, blank=True)
    objected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("对异议的答复"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("案卷评查")
        verbose_name_plural = _("案卷评查")
        ordering = ["round", "agency", "case_id"]
        constraints = [models.UniqueConstraint(fields=["round", "case"], name="file_review_once_a_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.case_id}"
