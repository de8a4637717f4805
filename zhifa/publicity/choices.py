"""Choices of the publication of enforcement decisions (事后公开)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionClass(models.TextChoices):
    """Which period of 118号文 applies: penalty decisions in 7 working days, other decisions in 20."""

    PENALTY = "penalty", _("行政处罚决定")
    OTHER = "other", _("其他行政执法决定")


class CreditClass(models.TextChoices):
    """The class of the penalty information under 信用修复管理办法 (国家发展改革委令第36号), which sets how long it is
    shown and when it may be repaired (data/display_periods.toml)."""

    MINOR = "minor", _("轻微失信信息")
    GENERAL = "general", _("一般失信信息")
    SERIOUS = "serious", _("严重失信信息")


class PublicationState(models.TextChoices):
    PUBLISHED = "published", _("已公开")
    WITHHELD = "withheld", _("依法不予公开")
    WITHDRAWN = "withdrawn", _("已撤回")
    REPAIRED = "repaired", _("信用修复，停止公示")


class WithholdReason(models.TextChoices):
    """The lawful exceptions to publication (国办发〔2018〕118号; the provinces' publicity rules), whose reason is
    recorded and filed with the justice department within the publication period."""

    MINOR_PERSON = "minor_person", _("涉及未成年人")
    STATE_SECRET = "state_secret", _("涉及国家秘密")
    SECURITY = "security", _("公开后可能危及国家安全、公共安全、经济安全、社会稳定")
    RELATED_CASES = "related_cases", _("公开后可能妨碍正在办理的相关案件")
    MINOR_CREDIT = "minor_credit", _("轻微失信信息，原则上不予公示（信用修复管理办法）")
    OTHER_LAW = "other_law", _("法律、行政法规规定不予公开的其他情形")


class WithdrawalReason(models.TextChoices):
    """Why a published penalty decision is withdrawn (行政处罚法 第四十八条第二款)."""

    REVOKED = "revoked", _("行政处罚决定被依法撤销")
    CHANGED = "changed", _("行政处罚决定被依法变更")
    UNLAWFUL = "unlawful", _("行政处罚决定被确认违法")
    VOID = "void", _("行政处罚决定被确认无效")


class RevokedBy(models.TextChoices):
    """Who revoked, changed or found the decision unlawful."""

    AGENCY = "agency", _("本机关自行纠正")
    RECONSIDERATION = "reconsideration", _("行政复议决定")
    COURT = "court", _("人民法院判决、裁定")
    SUPERVISION = "supervision", _("执法监督决定")


class RepairState(models.TextChoices):
    SUBMITTED = "submitted", _("已申请，待审核")
    APPROVED = "approved", _("准予修复")
    REFUSED = "refused", _("不予修复")
