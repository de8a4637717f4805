from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    FORBIDDEN = "forbidden", _("拒绝访问（403）")
    REFUSED = "refused", _("接口操作被拒绝")
    RATE_LIMITED = "rate_limited", _("登录尝试过多被拒绝（429）")
