"""Choices shared across apps: roles, agency kinds, enforcement domains, calendar day kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("执法人员")
    AUXILIARY = "auxiliary", _("执法辅助人员")
    APPROVER = "approver", _("案件审批人")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核人员")
    SUPERVISOR = "supervisor", _("执法监督人员")
    # 三员分立 (GB/T 22239-2019 8.1.4.2 / 8.1.10.x): three administrators whose powers do not overlap.
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


# The three administrator roles (三员): mutually exclusive on one person, and never held with a business role.
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
# The roles of enforcement work itself.
BUSINESS_ROLES = frozenset({Role.OFFICER, Role.AUXILIARY, Role.APPROVER, Role.LEGAL_REVIEWER, Role.SUPERVISOR})
# Roles that auxiliary staff (执法辅助人员) may never hold: they assist, they do not enforce or decide
# (国务院办公厅关于规范行政执法辅助人员管理的指导意见: 辅助人员不得从事执法决定、审核等活动).
NOT_FOR_AUXILIARY = frozenset({Role.OFFICER, Role.APPROVER, Role.LEGAL_REVIEWER})


class AgencyKind(models.TextChoices):
    DEPARTMENT = "department", _("厅（局）")
    BUREAU = "bureau", _("管理局")
    BRANCH = "branch", _("分局")
    STATION = "station", _("保护站")
    POLICE = "police", _("森林派出所")
    BRIGADE = "brigade", _("执法大队")
    CHECKPOINT = "checkpoint", _("检查站")


class Domain(models.TextChoices):
    """Enforcement domains (执法领域)."""

    FORESTRY = "forestry", _("林业和草原")
    NATURE_RESERVE = "nature_reserve", _("自然保护地")
    ECOLOGY = "ecology", _("生态环境")
    MARKET = "market", _("市场监管")
    URBAN = "urban", _("城市管理")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班日")
