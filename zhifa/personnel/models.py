"""Officers and their enforcement certificates (行政执法证件), with each certificate's history."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.core.validators import validate_resident_id
from zhifa.personnel.choices import (
    CertificateEventKind,
    CertificateStatus,
    Gender,
    OfficerKind,
    OfficerStatus,
    ReviewResult,
)


class Officer(models.Model):
    """A person who works in enforcement: an officer holding a certificate, or auxiliary staff."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="officers", verbose_name=_("所属机关"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officer",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=10, choices=Gender.choices)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True, validators=[validate_resident_id])
    kind = models.CharField(_("人员类别"), max_length=20, choices=OfficerKind.choices, default=OfficerKind.OFFICER)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=11, blank=True)
    legal_qualification = models.BooleanField(
        _("具有法律职业资格"), default=False, help_text=_("初次从事法制审核须具备（行政处罚法 第五十八条）")
    )
    # 行政处罚法 第五十八条第二款 binds those who first do legal review from the revised law's effective date
    # (2021-07-15): the date one began decides whether the qualification is required (personnel.rules.may_review).
    qualification_number = models.CharField(_("法律职业资格证书编号"), max_length=40, blank=True)
    legal_review_since = models.DateField(
        _("法制审核起始日期"), null=True, blank=True, help_text=_("初次从事行政处罚决定法制审核的日期")
    )
    status = models.CharField(_("状态"), max_length=10, choices=OfficerStatus.choices, default=OfficerStatus.ACTIVE)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)
    left_reason = models.CharField(_("离岗原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("执法人员")
        verbose_name_plural = _("执法人员")
        ordering = ["agency__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=OfficerStatus.ACTIVE) | (Q(left_on__isnull=False) & ~Q(left_reason="")),
                name="officer_left_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(qualification_number="") | Q(legal_qualification=True),
                name="officer_qualification_number_means_qualified",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_auxiliary(self) -> bool:
        return self.kind == OfficerKind.AUXILIARY

    def masked_id_number(self) -> str:
        """First three and last four characters (GB/T 35273 display practice)."""
        return f"{self.id_number[:3]}{'*' * 11}{self.id_number[-4:]}"


class Certificate(models.Model):
    """An enforcement certificate. Expiry and overdue review are derived from dates, not stored as status."""

    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("持证人")
    )
    number = models.CharField(_("证件编号"), max_length=40, unique=True)
    issuing_body = models.CharField(_("发证机关"), max_length=100)
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"))
    domains = models.JSONField(_("执法领域"), default=list)
    status = models.CharField(
        _("状态"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    review_due = models.DateField(_("年审到期日"))
    status_reason = models.CharField(_("暂扣或注销原因"), max_length=200, blank=True)
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("行政执法证件")
        verbose_name_plural = _("行政执法证件")
        ordering = ["officer__name", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("valid_from")), name="certificate_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status=CertificateStatus.VALID) | ~Q(status_reason=""),
                name="certificate_suspension_or_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def domain_labels(self) -> list[str]:
        return [str(Domain(code).label) if code in Domain.values else code for code in self.domains]

    def state_on(self, day: date) -> str:
        """The certificate's condition on a day, in the words an officer list shows."""
        if self.status != CertificateStatus.VALID:
            return str(self.get_status_display())
        if day < self.valid_from:
            return "未生效"
        if day > self.valid_until:
            return "已过期"
        if day > self.review_due:
            return "年审逾期"
        return "有效"


class CertificateEvent(models.Model):
    """One thing that happened to a certificate: issued, annual review, suspended, reinstated, revoked."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=20, choices=CertificateEventKind.choices)
    on_date = models.DateField(_("日期"))
    result = models.CharField(_("年审结论"), max_length=10, choices=ReviewResult.choices, blank=True)
    reason = models.CharField(_("原因或意见"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The actor's name as it was, so the history reads the same after the account changes.
    actor_name = models.CharField(max_length=50)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("证件记录")
        verbose_name_plural = _("证件记录")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=CertificateEventKind.ANNUAL_REVIEW) | ~Q(result=""),
                name="annual_review_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate} {self.get_kind_display()} {self.on_date}"
