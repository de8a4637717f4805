"""The choices of the published lists: which list, the kinds of bodies and powers, inspection methods."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ListKind(models.TextChoices):
    """The three lists an agency publishes before it acts (事前公开), each versioned on its own."""

    BODIES = "bodies", _("执法主体清单")
    POWERS = "powers", _("权责清单")
    INSPECTIONS = "inspections", _("行政检查事项清单")
    # 国办发〔2024〕54号: the yearly cap on how often one body inspects one business, published per domain.
    CAPS = "caps", _("行政检查频次上限")


class BodyKind(models.TextChoices):
    """Who may enforce (国办发〔2024〕54号): an administrative organ, an organisation a law or regulation
    authorises, or an organisation an organ entrusts (acting in the organ's name)."""

    STATUTORY = "statutory", _("法定行政机关")
    AUTHORISED = "authorised", _("法律法规授权的组织")
    ENTRUSTED = "entrusted", _("受委托组织")


class PowerKind(models.TextChoices):
    """职权类型 (GLOSSARY `Power.kind`)."""

    PENALTY = "penalty", _("行政处罚")
    LICENCE = "licence", _("行政许可")
    COMPULSION = "compulsion", _("行政强制")
    INSPECTION = "inspection", _("行政检查")
    LEVY = "levy", _("行政征收")
    CONFIRMATION = "confirmation", _("行政确认")
    ADJUDICATION = "adjudication", _("行政裁决")
    REWARD = "reward", _("行政奖励")
    OTHER = "other", _("其他行政权力")


class InspectionMethod(models.TextChoices):
    ONSITE = "onsite", _("现场检查")
    WRITTEN = "written", _("书面检查")
    DATA = "data", _("数据检查")
