"""The modes of supervision (行政执法监督条例 第十四条至第二十二条) and the interference records (干预留痕, seed 003).

- 日常监督 (routine): the evaluation (评议) whose standards and results are published (第十九条);
- 重点监督 (focus): a matter taken up from a lead (12345, the 涉企 channel, a complaint), as 挂牌督办 (listed) or
  提级监督 (escalated) (第二十条);
- 专项监督 (special): only at provincial level and above, on a written plan the government approved (第二十一条);
- the acts of supervision themselves (第二十二条: 调阅, 约谈, 暗访, 自查…), each under a mode;
- 干预留痕: a leader's or outsider's attempt to influence a case, recorded and never changed.

Acts, interference records and published evaluations are append-only: their rows refuse updates and deletions.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.errors import Refusal


class SupervisionMode(models.TextChoices):
    ROUTINE = "routine", _("日常监督")
    FOCUS = "focus", _("重点监督")
    SPECIAL = "special", _("专项监督")


class FocusForm(models.TextChoices):
    LISTED = "listed_supervision", _("挂牌督办")
    ESCALATED = "escalated_supervision", _("提级监督")


class LeadSource(models.TextChoices):
    """Where a key-point matter came from (监督条例 第二十条)."""

    HOTLINE = "hotline_12345", _("12345 政务服务便民热线")
    BUSINESS = "business_channel", _("涉企行政执法诉求沟通机制")
    COMPLAINT = "complaint", _("投诉举报")
    SUPERVISION = "supervision", _("监督中发现")
    OTHER = "other", _("其他")


class FocusState(models.TextChoices):
    OPEN = "open", _("督办中")
    CLOSED = "closed", _("已办结")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("待政府批准")
    APPROVED = "approved", _("已批准")


class ActKind(models.TextChoices):
    """The measures of supervision (监督条例 第二十二条)."""

    CALL_UP = "call_up", _("调阅、复制案卷")
    INTERVIEW = "interview", _("约谈负责人")
    UNANNOUNCED = "unannounced", _("暗访")
    INSPECTION = "inspection", _("实地检查")
    SELF_INSPECTION = "self_inspection", _("要求自查、说明情况")
    SYMPOSIUM = "symposium", _("座谈会、听证会")
    STATISTICS = "statistics", _("统计分析、评估")


class InterferenceManner(models.TextChoices):
    PHONE = "phone", _("电话")
    IN_PERSON = "in_person", _("当面")
    NOTE = "note", _("批条、便条")
    MESSAGE = "message", _("短信、微信等")
    THROUGH_OTHERS = "through_others", _("托人转达")
    OTHER = "other", _("其他")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk updates and deletions are refused too: the rows are records."""

    def update(self, **kwargs: Any) -> int:
        raise Refusal("此类记录只能新增，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise Refusal("此类记录只能新增，不能删除")


class AppendOnly(models.Model):
    """A row written once. `save()` on a saved row and `delete()` are refused."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise Refusal(f"{self._meta.verbose_name}只能新增，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Refusal(f"{self._meta.verbose_name}只能新增，不能删除")


class SpecialPlan(models.Model):
    """专项监督方案: written by a supervisor at provincial level or above and approved by the government before any
    act under it (监督条例 第二十一条). Approval is recorded once; the plan is not changed afterwards."""

    agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="special_plans", verbose_name=_("组织机关")
    )
    title = models.CharField(_("方案名称"), max_length=200)
    scope = models.TextField(_("监督范围"))
    text = models.TextField(_("方案正文"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    state = models.CharField(_("状态"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    approved_by = models.CharField(_("批准机关"), max_length=200, blank=True)
    approval_number = models.CharField(_("批准文号"), max_length=100, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("专项监督方案")
        verbose_name_plural = _("专项监督方案")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="special_plan_period"),
            models.CheckConstraint(
                condition=Q(state=PlanState.DRAFT)
                | (~Q(approval_number="") & ~Q(approved_by="") & Q(approved_on__isnull=False)),
                name="special_plan_approved_has_document",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FocusMatter(models.Model):
    """A key-point matter (重点监督事项): a case (or a complaint not yet a case) named for 挂牌督办 with a deadline and
    followed to the end, or taken over by a higher supervisor (提级监督)."""

    form = models.CharField(_("方式"), max_length=30, choices=FocusForm.choices)
    supervisor_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("监督机关")
    )
    # The agency whose handling is supervised: the case's, or the complaint's handling agency.
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("被监督机关"))
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="focus_matters",
        verbose_name=_("案件"),
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("投诉举报"),
    )
    lead_source = models.CharField(_("线索来源"), max_length=20, choices=LeadSource.choices)
    lead_reference = models.CharField(_("线索编号"), max_length=100, blank=True)
    reason = models.TextField(_("督办事由"))
    deadline = models.DateField(_("办结期限"), null=True, blank=True)
    # 提级监督: the level whose supervision was taken over.
    from_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("原监督机关")
    )
    state = models.CharField(_("状态"), max_length=10, choices=FocusState.choices, default=FocusState.OPEN)
    opened_on = models.DateField(_("开始日期"))
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("重点监督事项")
        verbose_name_plural = _("重点监督事项")
        ordering = ["state", "deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(complaint__isnull=False), name="focus_matter_has_subject"
            ),
            # 挂牌督办 always carries its deadline.
            models.CheckConstraint(
                condition=~Q(form=FocusForm.LISTED) | Q(deadline__isnull=False), name="focus_listed_has_deadline"
            ),
            models.CheckConstraint(
                condition=~Q(form=FocusForm.ESCALATED) | Q(from_agency__isnull=False),
                name="focus_escalated_has_from",
            ),
            models.CheckConstraint(
                condition=Q(state=FocusState.OPEN) | (Q(closed_on__isnull=False) & ~Q(result="")),
                name="focus_closed_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.case or self.complaint}"


class SupervisionAct(AppendOnly):
    """One act of supervision (监督条例 第二十二条), under a mode: who did what, when, to which agency (and case)."""

    kind = models.CharField(_("监督措施"), max_length=20, choices=ActKind.choices)
    mode = models.CharField(_("监督方式"), max_length=10, choices=SupervisionMode.choices)
    plan = models.ForeignKey(
        SpecialPlan, on_delete=models.PROTECT, null=True, blank=True, related_name="acts", verbose_name=_("专项方案")
    )
    matter = models.ForeignKey(
        FocusMatter, on_delete=models.PROTECT, null=True, blank=True, related_name="acts", verbose_name=_("重点事项")
    )
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("被监督机关"))
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("案件")
    )
    done_on = models.DateField(_("日期"))
    participants = models.CharField(_("参加人员"), max_length=200)
    counterpart = models.CharField(_("对象"), max_length=200, blank=True)
    summary = models.TextField(_("情况"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("监督措施记录")
        verbose_name_plural = _("监督措施记录")
        ordering = ["-done_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mode=SupervisionMode.SPECIAL) | Q(plan__isnull=False), name="act_special_has_plan"
            ),
            models.CheckConstraint(
                condition=~Q(mode=SupervisionMode.FOCUS) | Q(matter__isnull=False), name="act_focus_has_matter"
            ),
            models.CheckConstraint(condition=~Q(kind=ActKind.CALL_UP) | Q(case__isnull=False), name="act_call_up_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on}"


class Evaluation(AppendOnly):
    """执法质效评议 (监督条例 第十九条): standards, process and results, published once and readable by anyone."""

    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("评议机关"))
    title = models.CharField(_("评议名称"), max_length=200)
    period = models.CharField(_("评议期间"), max_length=50)
    standards = models.TextField(_("评议标准"))
    process = models.TextField(_("评议过程"))
    published_on = models.DateField(_("公布日期"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("执法质效评议")
        verbose_name_plural = _("执法质效评议")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class EvaluationResult(AppendOnly):
    """One agency's result in an evaluation."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="results")
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("被评议机关"))
    agency_name = models.CharField(_("被评议机关"), max_length=200)  # as named when published
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    conclusion = models.CharField(_("评议结论"), max_length=200)

    class Meta:
        verbose_name = _("评议结果")
        verbose_name_plural = _("评议结果")
        ordering = ["-score", "agency_name"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "agency"], name="evaluation_result_once"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="evaluation_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_name} {self.score}"


class InterferenceRecord(AppendOnly):
    """干预留痕 (seed 003): someone's attempt to influence a case, as a member of staff recorded it.

    Never changed or removed. Read by supervisors over the case's agency and by the recorder, never by the person
    named (selectors in supervision/interference.py)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+", verbose_name=_("案件"))
    agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("办案机关"))
    person_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("干预人（系统用户）"),
    )
    person_name = models.CharField(_("干预人姓名"), max_length=50)
    person_post = models.CharField(_("干预人单位职务"), max_length=200)
    occurred_at = models.DateTimeField(_("干预时间"))
    manner = models.CharField(_("干预方式"), max_length=20, choices=InterferenceManner.choices)
    request = models.TextField(_("干预内容"))
    files = models.JSONField(_("证据文件"), default=list, blank=True)
    file_names = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("记录人")
    )
    recorder_name = models.CharField(_("记录人"), max_length=50)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("干预记录")
        verbose_name_plural = _("干预记录")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(manner__in=InterferenceManner.values), name="interference_manner_known")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.occurred_at:%Y-%m-%d}"
