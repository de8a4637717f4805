"""The three published lists: a version row per publication, and the items it lists, copied whole.

A version is never edited: every change publishes a new version of the agency's list with its effective
date, the document that publishes it and the reason (services.publish). Each version holds all its items,
so the list in force on a day is one version's rows and a version's changes are computed against the one
before it (selectors.diff).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Domain
from zhifa.core.models import Agency, User
from zhifa.ledger.blobs import HEX64
from zhifa.powers.choices import BodyKind, InspectionMethod, ListKind, PowerKind


class ListVersion(models.Model):
    """One published version of one of an agency's three lists (执法主体清单, 权责清单, 行政检查事项清单)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="list_versions", verbose_name=_("机关"))
    kind = models.CharField(_("清单"), max_length=20, choices=ListKind.choices)
    number = models.PositiveIntegerField(_("版本号"))
    effective_from = models.DateField(_("施行日期"))
    source = models.CharField(_("发布文件"), max_length=200, help_text=_("印发清单的文件名称和文号"))
    reason = models.TextField(_("调整理由"), max_length=2000)
    published_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人"))
    published_by_name = models.CharField(_("发布人姓名"), max_length=150)
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("清单版本")
        verbose_name_plural = _("清单版本")
        ordering = ["agency", "kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "number"], name="one_list_version_number"),
            models.UniqueConstraint(fields=["agency", "kind", "effective_from"], name="one_list_version_per_day"),
            models.CheckConstraint(condition=models.Q(kind__in=ListKind.values), name="list_version_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.get_kind_display()} 第{self.number}版（{self.effective_from} 起施行）"


class EnforcementBody(models.Model):
    """One entry of the enforcement-body list (执法主体清单; 行政执法监督条例 第十七条): a body that may enforce,
    its kind and the basis of its authority; for an entrusted organisation, the principal, the scope, the
    period and the entrustment letter (委托书), kept in the evidence store by its SHA-256."""

    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="bodies")
    position = models.PositiveIntegerField(_("序号"))
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("对应机关")
    )
    name = models.CharField(_("主体名称"), max_length=200)
    kind = models.CharField(_("主体类别"), max_length=20, choices=BodyKind.choices)
    basis = models.TextField(_("职权依据"), max_length=5000)
    domains = models.JSONField(_("执法领域"), default=list, blank=True)
    jurisdiction = models.CharField(_("管辖区域"), max_length=200, blank=True)
    principal = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("委托机关")
    )
    scope = models.TextField(_("委托事项和权限"), max_length=5000, blank=True)
    entrusted_from = models.DateField(_("委托期限起"), null=True, blank=True)
    entrusted_until = models.DateField(_("委托期限至"), null=True, blank=True)
    letter_name = models.CharField(_("委托书文件名"), max_length=200, blank=True)
    letter_sha256 = models.CharField(_("委托书SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("执法主体")
        verbose_name_plural = _("执法主体")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="one_body_name_per_version"),
            models.CheckConstraint(
                condition=~models.Q(kind="entrusted")
                | (
                    models.Q(principal__isnull=False, entrusted_from__isnull=False, entrusted_until__isnull=False)
                    & ~models.Q(letter_sha256="")
                ),
                name="entrusted_body_has_principal_period_letter",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = [d for d in self.domains if d not in Domain.values]
        if unknown:
            raise ValidationError({"domains": _("未知的执法领域")})
        if self.kind != BodyKind.ENTRUSTED:
            # Only an entrusted organisation has a principal, a scope, a period and a letter.
            for name in ("principal", "scope", "entrusted_from", "entrusted_until", "letter_sha256"):
                if getattr(self, name):
                    raise ValidationError({name: _("只有受委托组织填写委托机关、委托事项、委托期限和委托书")})
            return
        # 国办发〔2024〕54号: a 受委托组织 acts in the principal's name, within the scope and period of the
        # entrustment, and the entrustment letter is published.
        for name, message in (
            ("principal", _("受委托组织应写明委托机关")),
            ("scope", _("受委托组织应写明委托事项和权限")),
            ("entrusted_from", _("受委托组织应写明委托期限")),
            ("entrusted_until", _("受委托组织应写明委托期限")),
            ("letter_sha256", _("受委托组织应附委托书")),
        ):
            if not getattr(self, name):
                raise ValidationError({name: message})
        if self.entrusted_from and self.entrusted_until and self.entrusted_until < self.entrusted_from:
            raise ValidationError({"entrusted_until": _("委托期限至不能早于委托期限起")})
        if self.letter_sha256 and not HEX64.fullmatch(self.letter_sha256):
            raise ValidationError({"letter_sha256": _("SHA-256 校验值应为64位十六进制数字")})


class Power(models.Model):
    """One entry of the power and responsibility list (权责清单 / 行政执法事项清单)."""

    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="powers")
    position = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("事项编码"), max_length=50)
    name = models.CharField(_("事项名称"), max_length=200)
    kind = models.CharField(_("职权类型"), max_length=20, choices=PowerKind.choices)
    basis = models.TextField(_("实施依据"), max_length=5000)
    acting_body = models.CharField(_("实施主体"), max_length=200)
    # For a penalty, the procedure it follows (简易程序 / 普通程序); for the others, the steps.
    workflow = models.TextField(_("办理流程"), max_length=5000)
    duties = models.TextField(_("责任事项"), max_length=5000)
    accountability = models.TextField(_("追责情形"), max_length=5000)
    supervision = models.CharField(_("监督方式"), max_length=200)

    class Meta:
        verbose_name = _("行政职权")
        verbose_name_plural = _("行政职权")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="one_power_code_per_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InspectionItem(models.Model):
    """One entry of the inspection-item list (行政检查事项清单): an item not on the list in force is never
    inspected (国办发〔2024〕54号)."""

    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="inspection_items")
    position = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("事项编码"), max_length=50)
    name = models.CharField(_("事项名称"), max_length=200)
    inspecting_body = models.CharField(_("检查主体"), max_length=200)
    basis = models.TextField(_("检查依据"), max_length=5000)
    subject = models.CharField(_("检查对象"), max_length=200)
    methods = models.JSONField(_("检查方式"), default=list)
    random_check = models.BooleanField(_("双随机抽查事项"), default=False)
    ratio = models.CharField(_("抽查比例"), max_length=200, blank=True)
    frequency = models.CharField(_("抽查频次"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("行政检查事项")
        verbose_name_plural = _("行政检查事项")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="one_inspection_code_per_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if not self.methods or any(method not in InspectionMethod.values for method in self.methods):
            raise ValidationError({"methods": _("检查方式应为现场检查、书面检查、数据检查中的一种或几种")})
        # 双随机、一公开: a random-check item publishes its ratio and frequency.
        if self.random_check:
            for name, message in (
                ("ratio", _("双随机抽查事项应写明抽查比例")),
                ("frequency", _("双随机抽查事项应写明抽查频次")),
            ):
                if not getattr(self, name).strip():
                    raise ValidationError({name: message})


class InspectionCap(models.Model):
    """One yearly cap on inspections (行政检查频次上限): how many times a year one inspecting body may inspect one
    business of a scope in a domain, at its level or across levels (国办发〔2024〕54号; 海南条例 第九条). A draw never
    exceeds it; an inspection with a cause passes it but is counted and flagged (the inspections issue)."""

    version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="inspection_caps")
    position = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("上限编码"), max_length=50)
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices)
    inspecting_body = models.CharField(_("检查主体"), max_length=200)
    level = models.CharField(_("层级"), max_length=200)
    scope = models.CharField(_("适用企业"), max_length=200)
    max_per_year = models.PositiveSmallIntegerField(_("每年检查次数上限"))
    basis = models.TextField(_("依据"), max_length=5000)

    class Meta:
        verbose_name = _("行政检查频次上限")
        verbose_name_plural = _("行政检查频次上限")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="one_cap_code_per_version"),
            models.CheckConstraint(
                condition=models.Q(max_per_year__gte=1, max_per_year__lte=365), name="cap_per_year_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.scope} 每年≤{self.max_per_year}次"

    def clean(self) -> None:
        if not 1 <= (self.max_per_year or 0) <= 365:
            raise ValidationError({"max_per_year": _("每年检查次数上限应为1至365之间的整数")})


# Each list's item model, and the field that identifies an item from one version to the next.
# Typed loosely: the item models share a shape (version, position, the columns) that no base class states.
ITEM_MODELS: dict[str, Any] = {
    ListKind.BODIES: EnforcementBody,
    ListKind.POWERS: Power,
    ListKind.INSPECTIONS: InspectionItem,
    ListKind.CAPS: InspectionCap,
}
ITEM_KEYS: dict[str, str] = {
    ListKind.BODIES: "name",
    ListKind.POWERS: "code",
    ListKind.INSPECTIONS: "code",
    ListKind.CAPS: "code",
}
