"""The supervisor's instruments (行政执法监督条例 第二十六条至第三十三条): 督办函, 意见书, 决定书 and on-the-spot
correction, tracked to the agency's correction (整改, `Rectification`), its objection (art. 30), escalation (art. 29),
通报 (art. 31), proposals on officers (art. 32) and referrals to the 监察机关 (art. 33).

Changed only through supervision/notices.py; the steps (objections, reports, bulletins, proposals, referrals) are
append-only: a later step answers an earlier one, none is edited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import Case
from zhifa.core.models import Agency
from zhifa.personnel.models import Certificate, Officer


class NoticeKind(models.TextChoices):
    URGING = "urging", _("督办函")  # art. 27: a duty not performed
    OPINION = "opinion", _("意见书")  # art. 28: an unlawful or clearly improper act
    DECISION = "decision", _("决定书")  # art. 29: made by the government at the supervisor's proposal
    ON_THE_SPOT = "on_the_spot", _("当场纠正")  # art. 26: corrected at once, recorded


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("草拟")
    PROPOSED = "proposed", _("已提请政府决定")
    APPROVED = "approved", _("政府已批准")
    ISSUED = "issued", _("已发出，待整改")
    OBJECTED = "objected", _("机关提出异议")
    REPORTED = "reported", _("已报送整改情况")
    RETURNED = "returned", _("整改退回")
    ACCEPTED = "accepted", _("整改已认可")
    ESCALATED = "escalated", _("逾期未整改，已提请决定书")
    WITHDRAWN = "withdrawn", _("异议成立，已撤回")
    RECORDED = "recorded", _("已当场纠正")


# The states in which the agency still owes its correction report.
OWING = (NoticeState.ISSUED, NoticeState.RETURNED)
# The states that end a notice.
ENDED = (NoticeState.ACCEPTED, NoticeState.ESCALATED, NoticeState.WITHDRAWN, NoticeState.RECORDED)


class SupervisionNotice(models.Model):
    """One instrument of supervision addressed to an agency, optionally about one case."""

    kind = models.CharField(_("种类"), max_length=20, choices=NoticeKind.choices)
    state = models.CharField(_("状态"), max_length=20, choices=NoticeState.choices, default=NoticeState.DRAFT)
    issuer = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("监督机关"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="supervision_notices", verbose_name=_("被监督机关")
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("案件")
    )
    facts = models.TextField(_("发现的问题"), max_length=4000)
    request = models.TextField(_("整改要求"), max_length=2000, blank=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    due_on = models.DateField(_("整改报送期限"), null=True, blank=True)
    due_source = models.CharField(_("期限依据"), max_length=200, blank=True)
    objection_due_on = models.DateField(_("异议期限"), null=True, blank=True)
    # The notice that was not followed and led to this 决定书 (art. 29).
    escalated_from = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="escalation", verbose_name=_("原文书")
    )
    # 决定书: the supervisor's proposal, then the government's approval with its document number.
    government = models.CharField(_("作出决定的人民政府"), max_length=100, blank=True)
    proposed_on = models.DateField(_("提请日期"), null=True, blank=True)
    approved_on = models.DateField(_("政府批准日期"), null=True, blank=True)
    approval_number = models.CharField(_("政府批准文号"), max_length=60, blank=True)
    # The numbered document (文号) and its PDF in the evidence store.
    number = models.CharField(_("文书编号"), max_length=60, blank=True)
    sha256 = models.CharField(_("文书文件"), max_length=64, blank=True)
    issued_on = models.DateField(_("发出日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("执法监督文书")
        verbose_name_plural = _("执法监督文书")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NoticeKind.values), name="supervision_notice_kind_known"),
            models.CheckConstraint(condition=Q(state__in=NoticeState.values), name="supervision_notice_state_known"),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="supervision_notice_number_once"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.get_kind_display()}（草拟）"

    @property
    def title(self) -> str:
        return f"行政执法监督{self.get_kind_display()}" if self.kind != NoticeKind.ON_THE_SPOT else "当场纠正记录"

    @property
    def owing(self) -> bool:
        return self.state in OWING


class _AppendOnly(models.Model):
    """A step of a notice: written once, never changed (a later step answers it)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("answering", False):
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("异议不成立，维持原文书")
    WITHDRAWN = "withdrawn", _("异议成立，撤回原文书")


class Objection(_AppendOnly):
    """The agency's objection to a notice, with reasons (art. 30), and the supervisor's answer."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.PROTECT, related_name="objections")
    reasons = models.TextField(_("异议理由"), max_length=4000)
    filed_on = models.DateField(_("提出日期"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("处理结果"), max_length=20, choices=ObjectionOutcome.choices, blank=True)
    answer = models.TextField(_("答复"), max_length=4000, blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"异议：{self.notice}"


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", _("认可")
    RETURNED = "returned", _("退回重新整改")


class Rectification(_AppendOnly):
    """The agency's report of its correction (整改情况报告), and the supervisor's verdict on it."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.PROTECT, related_name="rectifications")
    report = models.TextField(_("整改情况"), max_length=4000)
    files = models.JSONField(_("证明材料"), default=list, blank=True)
    reported_on = models.DateField(_("报送日期"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("审查结果"), max_length=20, choices=Verdict.choices, blank=True)
    remarks = models.TextField(_("审查意见"), max_length=2000, blank=True)
    decided_on = models.DateField(_("审查日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"整改：{self.notice}"


class Bulletin(_AppendOnly):
    """通报 (art. 31): a notice's result made public."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.PROTECT, related_name="bulletins")
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("通报内容"), max_length=6000)
    published_on = models.DateField(_("发布日期"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class Measure(models.TextChoices):
    # 行政执法监督条例 第三十二条.
    CRITICISM = "criticism", _("批评教育")
    OFF_DUTY_EDUCATION = "off_duty_education", _("离岗教育")
    TRANSFER = "transfer", _("调离执法岗位")
    DISQUALIFY = "disqualify", _("取消执法资格")


class OfficerProposal(_AppendOnly):
    """A proposal on an officer (art. 32), decided by the competent body; 取消执法资格 is then carried out by the
    personnel administrator revoking the certificate (an explicit step, never automatic)."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.PROTECT, related_name="proposals")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="+", verbose_name=_("执法人员"))
    measure = models.CharField(_("处理建议"), max_length=30, choices=Measure.choices)
    reasons = models.TextField(_("理由"), max_length=2000)
    proposed_on = models.DateField(_("提出日期"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    carried_out_on = models.DateField(_("执行日期"), null=True, blank=True)
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    certificates = models.ManyToManyField(Certificate, blank=True, related_name="+", verbose_name=_("注销的证件"))

    class Meta:
        verbose_name = _("对执法人员的处理建议")
        verbose_name_plural = _("对执法人员的处理建议")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.officer}：{self.get_measure_display()}"


class Referral(_AppendOnly):
    """A lead of official misconduct moved to the 监察机关 (art. 33)."""

    notice = models.ForeignKey(SupervisionNotice, on_delete=models.PROTECT, related_name="referrals")
    organ = models.CharField(_("移送的监察机关"), max_length=100)
    summary = models.TextField(_("移送的问题线索"), max_length=4000)
    referred_on = models.DateField(_("移送日期"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("问题线索移送")
        verbose_name_plural = _("问题线索移送")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"移送{self.organ}：{self.notice}"
