from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfficerKind(models.TextChoices):
    OFFICER = "officer", _("行政执法人员")
    AUXILIARY = "auxiliary", _("执法辅助人员")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class OfficerStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    LEFT = "left", _("已离岗")


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    SUSPENDED = "suspended", _("暂扣")
    REVOKED = "revoked", _("注销")


class CertificateEventKind(models.TextChoices):
    ISSUED = "issued", _("核发")
    ANNUAL_REVIEW = "annual_review", _("年审")
    SUSPENDED = "suspended", _("暂扣")
    REINSTATED = "reinstated", _("恢复")
    REVOKED = "revoked", _("注销")


class ReviewResult(models.TextChoices):
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")
