from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TextLevel(models.TextChoices):
    """The rank of a legal text (立法法): it decides which may set which penalties."""

    LAW = "law", _("法律")
    REGULATION = "regulation", _("行政法规")
    RULE = "rule", _("部门规章")
    LOCAL = "local", _("地方性法规、规章")


class FineBasis(models.TextChoices):
    """How a penalty provision sets the fine (国办发〔2022〕27号 tiers both kinds between their floor and ceiling)."""

    NONE = "none", _("不处罚款")
    RANGE = "range", _("数额罚")
    MULTIPLE = "multiple", _("倍数罚")


class Tier(models.TextChoices):
    """裁量档次: the three tiers inside the legal range, and the two outside it (行政处罚法 第三十二条、第三十三条)."""

    LIGHTER = "lighter", _("从轻")
    ORDINARY = "ordinary", _("一般")
    HEAVIER = "heavier", _("从重")
    REDUCED = "reduced", _("减轻")
    NO_PENALTY = "no_penalty", _("不予处罚")


class NoPenaltyKind(models.TextChoices):
    """The two kinds of items on a no-penalty list (行政处罚法 第三十三条第一款)."""

    FIRST_OFFENCE = "first_offence", _("首违不罚")
    MINOR = "minor", _("轻微违法不罚")


class SimilarOutcome(models.TextChoices):
    """How a closed case in the similar-case index was decided on its merits (类案推送)."""

    PENALTY = "penalty", _("给予行政处罚")
    NO_PENALTY = "no_penalty", _("不予行政处罚")
