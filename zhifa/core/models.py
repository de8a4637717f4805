"""Agencies, users and their roles, and the administrator's additions to the holiday calendar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import AgencyKind, CalendarDayKind, Role
from zhifa.core.validators import validate_credit_code

PATH_SEGMENT = 8  # digits per level of Agency.path: room for 10^8 agencies


class Agency(models.Model):
    """An enforcement body (行政执法机关). Agencies form a tree; `path` makes a subtree one prefix query."""

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级机关"),
    )
    name = models.CharField(_("机关名称"), max_length=200, unique=True)
    short_name = models.CharField(_("机关代字"), max_length=20, help_text=_("用于文书编号，如“大青保”"))
    kind = models.CharField(_("机关类型"), max_length=20, choices=AgencyKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    jurisdiction = models.JSONField(_("管辖区域"), default=list, blank=True)
    domains = models.JSONField(_("执法领域"), default=list, blank=True)
    head = models.ForeignKey(
        "personnel.Officer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("负责人"),
    )
    require_two_factor = models.BooleanField(
        _("全员二次验证"),
        default=False,
        help_text=_("开启后本机关所有人员登录都须输入动态验证码；管理员无论是否开启都须输入"),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        verbose_name = _("行政执法机关")
        verbose_name_plural = _("行政执法机关")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The path needs the primary key, so a new agency is saved twice in the same transaction.
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id and self.parent else ""
        path = f"{parent_path}{self.pk:0{PATH_SEGMENT}d}/"
        if path != self.path:
            self.path = path
            self.depth = path.count("/") - 1
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def is_within(self, other: Agency) -> bool:
        """True when this agency is `other` or lies below it."""
        return self.path.startswith(other.path)

    def subtree(self) -> models.QuerySet[Agency]:
        return Agency.objects.filter(path__startswith=self.path)

    def upward_line(self) -> list[Agency]:
        """The agency and those above it, nearest first: where a setting, catalog, list or benchmark is inherited
        from (one query)."""
        return [self, *self.ancestors().order_by("-depth")]

    def upward_paths(self) -> list[str]:
        """The paths of the agencies above it, from the top, and its own last (no query)."""
        return [self.path[: i + PATH_SEGMENT + 1] for i in range(0, len(self.path), PATH_SEGMENT + 1)]

    def ancestors(self) -> models.QuerySet[Agency]:
        return Agency.objects.filter(path__in=self.upward_paths()[:-1])


class User(AbstractUser):
    """A person who logs in. Belongs to one agency; holds one or more roles (RoleAssignment)."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属机关"),
    )
    language = models.CharField(_("界面语言"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")
    # Set for an initial password and after a reset: the person must choose his own before anything else.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    # Failed logins before this moment no longer count toward the per-username lockout (an unlock sets it).
    lockout_cleared_at = models.DateTimeField(_("解除锁定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> frozenset[str]:
        # Cached per instance: a request asks for the roles many times, the rows change rarely.
        cached: frozenset[str] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.role_assignments.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def forget_roles(self) -> None:
        self.__dict__.pop("_roles_cache", None)


class RoleAssignment(models.Model):
    """One role held by one user. Granting and withdrawing go through core.services."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("授予人")
    )

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_once_per_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class CalendarYear(models.Model):
    """A year whose State Council holiday schedule an administrator has loaded in full."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("依据"), max_length=200, help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"))
    loaded_at = models.DateTimeField(_("载入时间"), auto_now_add=True)
    loaded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A public holiday or an adjusted working day (调休) that overrides the package's data."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CalendarDayKind.values), name="calendar_day_kind_known"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
